"""Hover: signature and docstring of procedures, the shape of special forms, the kind of locals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..describe import describe
from .common import symbol_at

if TYPE_CHECKING:
    from ..server import OmegaServer


def register(server: OmegaServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(params: lsp.HoverParams) -> lsp.Hover | None:
        doc = server.document(params.text_document.uri)
        a = doc.analysis()
        offset = server.offset(doc, params.position)
        occ = a.occurrence_at(offset)
        if occ is not None:
            desc, start, end = describe(a, occ.target), occ.start, occ.end
        else:
            found = symbol_at(a, offset)
            if found is None:
                return None
            desc, start, end = describe(a, found[0]), found[1], found[2]
        if desc is None:
            return None
        return lsp.Hover(contents=server.markup("hover.content_format", desc.title, desc.detail, desc.doc),
                         range=server.range(doc, start, end))
