"""Rename and prepareRename: every occurrence in the file; built-ins and special forms refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams

from omega_runtime.reader import read
from omega_runtime.syntax import Atom
from omega_runtime.values import Symbol

from ..knowledge import SPECIAL_FORM_SET
from .common import symbol_at

if TYPE_CHECKING:
    from ..analysis import Analysis, Occurrence
    from ..server import Document, OmegaServer


def valid_identifier(name: str) -> bool:
    """`name` reads as exactly one symbol, spelled as given."""
    r = read(name, "<rename>")
    return (not r.diagnostics and len(r.data) == 1 and isinstance(r.data[0], Atom)
            and isinstance(r.data[0].value, Symbol) and r.data[0].value.name == name)


def _renamable(server: OmegaServer, doc: Document, a: Analysis, pos: lsp.Position) -> Occurrence:
    from ..server import RequestFailed

    offset = server.offset(doc, pos)
    occ = a.occurrence_at(offset)
    if occ is None:
        found = symbol_at(a, offset)
        if found is not None and found[0] in SPECIAL_FORM_SET:
            raise RequestFailed(f"cannot rename special form {found[0]}")
        raise RequestFailed("nothing to rename here")
    if isinstance(occ.target, str) and occ.target not in a.definitions:
        what = "special form" if occ.target in SPECIAL_FORM_SET else "built-in"
        raise RequestFailed(f"cannot rename {what} {occ.target}: it is not defined in this file")
    return occ


def register(server: OmegaServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(params: lsp.PrepareRenameParams) -> lsp.PrepareRenamePlaceholder | None:
        doc = server.document(params.text_document.uri)
        a = doc.analysis()
        occ = _renamable(server, doc, a, params.position)
        return lsp.PrepareRenamePlaceholder(range=server.range(doc, occ.start, occ.end),
                                            placeholder=doc.text[occ.start:occ.end])

    @server.feature(lsp.TEXT_DOCUMENT_RENAME)
    def rename(params: lsp.RenameParams) -> lsp.WorkspaceEdit:
        from ..server import RequestFailed

        doc = server.document(params.text_document.uri)
        a = doc.analysis()
        occ = _renamable(server, doc, a, params.position)
        if not valid_identifier(params.new_name):
            raise JsonRpcInvalidParams(f"not an Omega identifier: {params.new_name!r}")
        if params.new_name in SPECIAL_FORM_SET:
            raise RequestFailed(f"{params.new_name} is a special form")
        edits = [lsp.TextEdit(range=server.range(doc, o.start, o.end), new_text=params.new_name)
                 for o in a.occurrences_of(occ.target)]
        return lsp.WorkspaceEdit(changes={doc.uri: edits})
