"""Folding ranges (multi-line data and comments) and selection ranges (the enclosing data)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from omega_runtime.syntax import SList, SVector

from ..walk import iter_syntax

if TYPE_CHECKING:
    from ..server import Document, OmegaServer

MAX_SELECTION_DEPTH = 200  # nested SelectionRange objects are serialised recursively by the converter


def folding_ranges(doc: Document) -> list[lsp.FoldingRange]:
    a = doc.analysis()
    ix = doc.index
    out: list[lsp.FoldingRange] = []
    for base, piece in a.iter_pieces():
        for s, _ in iter_syntax(piece.read.data):
            if isinstance(s, SList | SVector):
                first = ix.line_of(s.span.start_offset + base)
                last = ix.line_of(max(s.span.end_offset + base - 1, 0))
                if last > first:
                    out.append(lsp.FoldingRange(start_line=first, end_line=last, kind=lsp.FoldingRangeKind.Region))
    run: list[int] | None = None  # [first line, last line] of consecutive line comments
    for start, end in a.comments():
        first, last = ix.line_of(start), ix.line_of(max(end - 1, 0))
        is_line = doc.text.startswith(";", start)
        if not is_line:
            if last > first:
                out.append(lsp.FoldingRange(start_line=first, end_line=last, kind=lsp.FoldingRangeKind.Comment))
            continue
        if run is not None and first == run[1] + 1:
            run[1] = first
            continue
        if run is not None and run[1] > run[0]:
            out.append(lsp.FoldingRange(start_line=run[0], end_line=run[1], kind=lsp.FoldingRangeKind.Comment))
        run = [first, first]
    if run is not None and run[1] > run[0]:
        out.append(lsp.FoldingRange(start_line=run[0], end_line=run[1], kind=lsp.FoldingRangeKind.Comment))
    out.sort(key=lambda r: (r.start_line, r.end_line))
    return out


def selection_range(server: OmegaServer, doc: Document, pos: lsp.Position) -> lsp.SelectionRange:
    offset = server.offset(doc, pos)
    base, path = doc.analysis().path_at(offset)
    node: lsp.SelectionRange | None = None
    for s in path[-MAX_SELECTION_DEPTH:]:  # outermost first, so each new range's parent is the one before it
        node = lsp.SelectionRange(range=server.range(doc, s.span.start_offset + base, s.span.end_offset + base),
                                  parent=node)
    return node or lsp.SelectionRange(range=server.range(doc, offset, offset))


def register(server: OmegaServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding(params: lsp.FoldingRangeParams) -> list[lsp.FoldingRange]:
        return folding_ranges(server.document(params.text_document.uri))

    @server.feature(lsp.TEXT_DOCUMENT_SELECTION_RANGE)
    def selection(params: lsp.SelectionRangeParams) -> list[lsp.SelectionRange]:
        doc = server.document(params.text_document.uri)
        return [selection_range(server, doc, p) for p in params.positions]
