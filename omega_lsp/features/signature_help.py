"""Signature help: the parameters of the procedure (or special form) being called at the cursor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from omega_runtime import core
from omega_runtime.syntax import Atom, SList
from omega_runtime.values import Symbol

from ..describe import FORM_SYNTAX, describe_local
from ..knowledge import SPECIAL_FORM_SET

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..server import OmegaServer


def parameters(signature: str) -> list[str]:
    """The parameter words of `(name p1 [p2] . rest)`: everything after the name, dots dropped."""
    words = signature.strip().strip("()").split()
    return [w for w in words[1:] if w not in (".", "|")]


def signature_for(a: Analysis, head: Atom, start: int) -> tuple[str, str, bool] | None:
    """(signature, documentation, variadic) of what `head` calls."""
    occ = a.occurrence_at(start)
    name = head.value.name
    if occ is not None and not isinstance(occ.target, str):
        hit = a.local(occ.target)
        li = hit[0] if hit is not None else None
        if li is None or not isinstance(li.init, core.Lambda):
            return None
        return describe_local(li).title, li.init.doc or "", li.init.rest is not None
    if name in SPECIAL_FORM_SET and (occ is None or name not in a.definitions):
        return FORM_SYNTAX.get(name, f"({name} ...)"), "special form", True
    info = a.proc_info(name)
    if info is None:
        return None
    return info.signature, info.doc, info.max_args is None


def register(server: OmegaServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_SIGNATURE_HELP,
                    lsp.SignatureHelpOptions(trigger_characters=["(", " "], retrigger_characters=[" "]))
    def signature_help(params: lsp.SignatureHelpParams) -> lsp.SignatureHelp | None:
        doc = server.document(params.text_document.uri)
        a = doc.analysis()
        offset = server.offset(doc, params.position)
        unclosed = {d.start for d in a.reader_diagnostics() if d.code == "E0002"}
        base, path = a.path_at(offset)
        rel = offset - base
        for datum in reversed(path):
            if not isinstance(datum, SList) or datum.span.start_offset == rel:
                continue
            if datum.span.start_offset + base not in unclosed and rel >= datum.span.end_offset:
                continue
            if not datum.items or not isinstance(datum.items[0], Atom) or not isinstance(datum.items[0].value, Symbol):
                continue
            if datum.items[0].span.start_offset <= rel <= datum.items[0].span.end_offset:
                continue  # on the operator itself
            found = signature_for(a, datum.items[0], datum.items[0].span.start_offset + base)
            if found is None:
                continue
            label, docs, variadic = found
            words = parameters(label)
            active = sum(1 for item in datum.items[1:] if item.span.end_offset < rel)
            if words and active >= len(words) and variadic:
                active = len(words) - 1
            return lsp.SignatureHelp(
                signatures=[lsp.SignatureInformation(
                    label=label,
                    documentation=server.markup("signature_help.signature_information.documentation_format", "",
                                                docs) if docs else None,
                    parameters=[lsp.ParameterInformation(label=w) for w in words])],
                active_signature=0, active_parameter=active)
        return None
