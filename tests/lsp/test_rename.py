"""Rename and prepareRename: every reference updated, built-ins and special forms refused."""

from __future__ import annotations

import pytest
from lsp_helpers import open_doc, pos_of, range_of, tdi
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = """(define (zähler n) (if (= n 0) 0 (zähler (- n 1))))
(define (outer ä)
  (let ((ä (+ ä 1))) (list ä (zähler ä))))
"""


def apply(text: str, client: LanguageClient, edits: list[lsp.TextEdit]) -> str:
    from lsp_helpers import position

    starts = {}
    for i in range(len(text) + 1):
        p = position(client, text, i)
        starts[(p.line, p.character)] = i
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        s = starts[(e.range.start.line, e.range.start.character)]
        t = starts[(e.range.end.line, e.range.end.character)]
        text = text[:s] + e.new_text + text[t:]
    return text


async def rename(client: LanguageClient, uri: str, pos: lsp.Position, name: str) -> lsp.WorkspaceEdit | None:
    return await client.text_document_rename_async(lsp.RenameParams(
        text_document=tdi(uri), position=pos, new_name=name))


async def test_rename_global_everywhere(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    prep = await client.text_document_prepare_rename_async(lsp.PrepareRenameParams(
        text_document=tdi(uri), position=pos_of(client, TEXT, "zähler", 2, 1)))
    assert isinstance(prep, lsp.PrepareRenamePlaceholder)
    assert prep.range == range_of(client, TEXT, "zähler", 2) and prep.placeholder == "zähler"
    edit = await rename(client, uri, pos_of(client, TEXT, "zähler", 2, 1), "countdown-🚀")
    assert edit is not None and edit.changes is not None
    assert apply(TEXT, client, list(edit.changes[uri])) == TEXT.replace("zähler", "countdown-🚀")


async def test_rename_local_respects_scope(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    edit = await rename(client, uri, pos_of(client, TEXT, "ä", 3), "b")
    assert edit is not None and edit.changes is not None
    expected = TEXT.replace("(list ä (zähler ä))", "(list b (zähler b))").replace("((ä (+", "((b (+")
    assert apply(TEXT, client, list(edit.changes[uri])) == expected


@pytest.mark.parametrize("needle", ["list", "let", "if"])
async def test_builtins_and_special_forms_are_refused(client: LanguageClient, needle: str) -> None:
    uri = open_doc(client, TEXT)
    with pytest.raises(JsonRpcException) as err:
        await client.text_document_prepare_rename_async(lsp.PrepareRenameParams(
            text_document=tdi(uri), position=pos_of(client, TEXT, f"({needle} ", 0, 1)))
    assert needle in str(err.value)
    with pytest.raises(JsonRpcException):
        await rename(client, uri, pos_of(client, TEXT, f"({needle} ", 0, 1), "x")


async def test_invalid_new_names_are_refused(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    for bad in ("two words", "(x", "42", "lambda", ""):
        with pytest.raises(JsonRpcException):
            await rename(client, uri, pos_of(client, TEXT, "zähler"), bad)
