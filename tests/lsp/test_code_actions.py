"""Code actions: quick fix for an unbound identifier near a known name; wrap in with-transaction."""

from __future__ import annotations

import pytest
from lsp_helpers import diagnostics, open_doc, pos_of, range_of, tdi
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def actions(client: LanguageClient, uri: str, rng: lsp.Range,
                  diags: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    result = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=tdi(uri), range=rng, context=lsp.CodeActionContext(diagnostics=diags)))
    return [a for a in result or [] if isinstance(a, lsp.CodeAction)]


async def test_quick_fix_for_a_misspelt_name(client: LanguageClient) -> None:
    text = "(define (größe-berechnen x) x)\n(größe-berechen 1)\n(lenght '(1))"
    uri = open_doc(client, text)
    diags = [d for d in await diagnostics(client, uri) if d.code == "W0001"]
    assert len(diags) == 2
    fixes = await actions(client, uri, range_of(client, text, "größe-berechen"), diags)
    first = fixes[0]
    assert first.kind == lsp.CodeActionKind.QuickFix and first.title == "Change to größe-berechnen"
    assert first.edit is not None and first.edit.changes is not None
    assert first.edit.changes[uri] == (lsp.TextEdit(range=range_of(client, text, "größe-berechen"),
                                                    new_text="größe-berechnen"),) or \
        list(first.edit.changes[uri]) == [lsp.TextEdit(range=range_of(client, text, "größe-berechen"),
                                                       new_text="größe-berechnen")]
    fixes = await actions(client, uri, range_of(client, text, "lenght"), diags)
    assert "Change to length" in [f.title for f in fixes]


async def test_wrap_in_with_transaction(client: LanguageClient) -> None:
    text = "(define b 1)\n(set! b (+ b 1))  ; ünï"
    uri = open_doc(client, text)
    pos = pos_of(client, text, "(+ b", 0, 1)
    found = await actions(client, uri, lsp.Range(start=pos, end=pos), [])
    wrap = [a for a in found if a.title == "Wrap in with-transaction"]
    assert len(wrap) == 1 and wrap[0].kind == lsp.CodeActionKind.RefactorRewrite
    assert wrap[0].edit is not None and wrap[0].edit.changes is not None
    edits = sorted(wrap[0].edit.changes[uri], key=lambda e: (e.range.start.line, e.range.start.character))
    assert [(e.range, e.new_text) for e in edits] == [
        (lsp.Range(start=pos_of(client, text, "(+ b"), end=pos_of(client, text, "(+ b")), "(with-transaction "),
        (lsp.Range(start=pos_of(client, text, "))", 0, 1), end=pos_of(client, text, "))", 0, 1)), ")")]
