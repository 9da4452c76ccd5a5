"""Completion: locals in scope, top-level definitions, built-ins, special forms; detail and kind."""

from __future__ import annotations

import pytest
from lsp_helpers import open_doc, position, tdi
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = """(define (äpfel-zählen körbe) "Counts apples." (length körbe))
(define total 0)
(define (f 😀x)
  (let ((inner-λ 1))
    (+ 😀x inner-λ (zz
"""


async def complete(client: LanguageClient, uri: str, offset: int) -> dict[str, lsp.CompletionItem]:
    result = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=tdi(uri), position=position(client, TEXT, offset)))
    items = result.items if isinstance(result, lsp.CompletionList) else (result or [])
    return {i.label: i for i in items}


async def test_everything_in_scope(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    at = TEXT.index("(zz") + 1  # an empty prefix just after "("
    items = await complete(client, uri, at)
    assert items["inner-λ"].kind == lsp.CompletionItemKind.Variable
    assert items["😀x"].detail is not None and "parameter" in items["😀x"].detail
    assert items["äpfel-zählen"].kind == lsp.CompletionItemKind.Function
    assert items["äpfel-zählen"].detail == "(äpfel-zählen körbe)"
    assert items["total"].kind == lsp.CompletionItemKind.Variable
    assert items["let"].kind == lsp.CompletionItemKind.Keyword
    assert items["car"].kind == lsp.CompletionItemKind.Function and items["car"].detail
    assert "körbe" not in items  # another procedure's parameter is out of scope here


async def test_prefix_filters_and_edit_replaces_the_prefix(client: LanguageClient) -> None:
    text = TEXT + "  (inn"
    uri = open_doc(client, text)
    result = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=tdi(uri), position=position(client, text, len(text))))
    assert isinstance(result, lsp.CompletionList)
    labels = [i.label for i in result.items]
    assert "inner-λ" in labels and "car" not in labels
    item = next(i for i in result.items if i.label == "inner-λ")
    assert isinstance(item.text_edit, lsp.TextEdit)
    assert item.text_edit.range == lsp.Range(start=position(client, text, len(text) - 3),
                                             end=position(client, text, len(text)))


async def test_no_completion_in_strings_and_comments(client: LanguageClient) -> None:
    text = '(define s "in a strin")\n; a comm'
    uri = open_doc(client, text)
    for offset in (text.index("strin") + 3, len(text)):
        result = await client.text_document_completion_async(lsp.CompletionParams(
            text_document=tdi(uri), position=position(client, text, offset)))
        assert isinstance(result, lsp.CompletionList) and not result.items
