"""Definition, references and document highlights."""

from __future__ import annotations

import pytest
from lsp_helpers import open_doc, pos_of, range_of, tdi
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = """(define (wört x)
  (let ((ŷ (* x 2)))
    (set! ŷ (+ ŷ 1))
    ŷ))
(define (use) (wört (wört 1)))
(let ((wört 5)) wört)
"""


async def test_definition_of_local_and_global(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    locs = await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=tdi(uri), position=pos_of(client, TEXT, "ŷ", 3)))
    assert isinstance(locs, list) and [loc.range for loc in locs] == [range_of(client, TEXT, "ŷ", 0)]
    locs = await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=tdi(uri), position=pos_of(client, TEXT, "wört", 2, delta=2)))
    assert isinstance(locs, list) and [loc.range for loc in locs] == [range_of(client, TEXT, "wört", 0)]
    assert locs[0].uri == uri


async def test_definition_across_open_files(client: LanguageClient) -> None:
    lib = "(define (from-lib ä) ä)\n"
    lib_uri = open_doc(client, lib, "lib")
    text = "(from-lib 1)"
    uri = open_doc(client, text)
    locs = await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=tdi(uri), position=pos_of(client, text, "from-lib")))
    assert isinstance(locs, list) and [(loc.uri, loc.range) for loc in locs] == [
        (lib_uri, range_of(client, lib, "from-lib"))]


async def test_references_respect_shadowing(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=tdi(uri), position=pos_of(client, TEXT, "wört"),
        context=lsp.ReferenceContext(include_declaration=True)))
    assert refs is not None
    assert sorted((r.range.start.line, r.range.start.character) for r in refs) == sorted(
        (range_of(client, TEXT, "wört", i).start.line, range_of(client, TEXT, "wört", i).start.character)
        for i in (0, 1, 2))
    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=tdi(uri), position=pos_of(client, TEXT, "wört"),
        context=lsp.ReferenceContext(include_declaration=False)))
    assert refs is not None and len(refs) == 2


async def test_highlights_mark_writes(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    hs = await client.text_document_document_highlight_async(lsp.DocumentHighlightParams(
        text_document=tdi(uri), position=pos_of(client, TEXT, "ŷ", 2)))
    assert hs is not None
    kinds = {(h.range.start.line, h.range.start.character): h.kind for h in hs}
    W, R = lsp.DocumentHighlightKind.Write, lsp.DocumentHighlightKind.Read

    def at(i: int) -> tuple[int, int]:
        r = range_of(client, TEXT, "ŷ", i)
        return (r.start.line, r.start.character)

    assert kinds == {at(0): W, at(1): W, at(2): R, at(3): R}
