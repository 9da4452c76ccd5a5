"""Selection ranges: the chain of enclosing data, innermost first."""

from __future__ import annotations

import pytest
from lsp_helpers import open_doc, pos_of, range_of, tdi
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_selection_chain(client: LanguageClient) -> None:
    text = '(define (f 🙂) (list "ä" (g 🙂 42)))'
    uri = open_doc(client, text)
    result = await client.text_document_selection_range_async(lsp.SelectionRangeParams(
        text_document=tdi(uri), positions=[pos_of(client, text, "42", 0, 1)]))
    assert result is not None and len(result) == 1
    chain = []
    node: lsp.SelectionRange | None = result[0]
    while node is not None:
        chain.append(node.range)
        node = node.parent
    assert chain == [range_of(client, text, "42"), range_of(client, text, "(g 🙂 42)"),
                     range_of(client, text, '(list "ä" (g 🙂 42))'), range_of(client, text, text)]


async def test_deep_nesting_is_answered(client: LanguageClient) -> None:
    text = "(" * 3000 + "x" + ")" * 3000
    uri = open_doc(client, text)
    result = await client.text_document_selection_range_async(lsp.SelectionRangeParams(
        text_document=tdi(uri), positions=[lsp.Position(line=0, character=3000)]))
    assert result is not None and result[0].range.start.character == 3000
