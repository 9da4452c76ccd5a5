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


async def test_refactorings_wait_for_the_client_to_ask(client: LanguageClient) -> None:
    """Issue 13 defect 10: editors ask for code actions automatically whenever the selection moves
    (VS Code lights its bulb for any answer), e.g. when a debugger stop selects a frame's range;
    the wrap refactoring is offered only on an explicit request or for a requested refactor kind."""
    text = "(define b 1)\n(set! b (+ b 1))\n(lenght '(1))"
    uri = open_doc(client, text)
    diags = [d for d in await diagnostics(client, uri) if d.code == "W0001"]
    rng = range_of(client, text, "(+ b 1)")

    async def titles(**context: object) -> list[str]:
        result = await client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=tdi(uri), range=rng, context=lsp.CodeActionContext(diagnostics=[], **context)))
        return [a.title for a in result or [] if isinstance(a, lsp.CodeAction)]

    assert await titles(trigger_kind=lsp.CodeActionTriggerKind.Automatic) == []
    assert await titles(trigger_kind=lsp.CodeActionTriggerKind.Invoked) == ["Wrap in with-transaction"]
    assert await titles(trigger_kind=lsp.CodeActionTriggerKind.Automatic,
                        only=[lsp.CodeActionKind.Refactor]) == ["Wrap in with-transaction"]
    assert await titles(trigger_kind=lsp.CodeActionTriggerKind.Invoked, only=[lsp.CodeActionKind.QuickFix]) == []
    # Quick fixes still come automatically, where the diagnostic is.
    fixes = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=tdi(uri), range=range_of(client, text, "lenght"),
        context=lsp.CodeActionContext(diagnostics=diags, trigger_kind=lsp.CodeActionTriggerKind.Automatic)))
    assert "Change to length" in [a.title for a in fixes or [] if isinstance(a, lsp.CodeAction)]
