"""Document formatting with the canonical layout of `omega_lsp.formatter`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..formatter import format_text

if TYPE_CHECKING:
    from ..server import OmegaServer


def register(server: OmegaServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    def formatting(params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
        doc = server.document(params.text_document.uri)
        new = format_text(doc.text)
        if new is None or new == doc.text:
            return [] if new is not None else None
        return [lsp.TextEdit(range=server.range(doc, 0, len(doc.text)), new_text=new)]
