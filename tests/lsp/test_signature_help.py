"""Signature help for built-ins, file procedures and local procedures, with the active parameter."""

from __future__ import annotations

import pytest
from lsp_helpers import open_doc, position, tdi
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def help_at(client: LanguageClient, text: str, offset: int) -> lsp.SignatureHelp | None:
    uri = open_doc(client, text)
    return await client.text_document_signature_help_async(lsp.SignatureHelpParams(
        text_document=tdi(uri), position=position(client, text, offset)))


async def test_file_procedure_active_parameter(client: LanguageClient) -> None:
    text = '(define (mix 🍎 🍌 . more) "Mixes fruit." 🍎)\n(mix "ä" '
    h = await help_at(client, text, len(text))
    assert h is not None
    sig = h.signatures[0]
    assert sig.label == "(mix 🍎 🍌 . more)"
    assert [p.label for p in sig.parameters or []] == ["🍎", "🍌", "more"]
    assert h.active_parameter == 1
    docs = sig.documentation
    assert "Mixes fruit." in (docs.value if isinstance(docs, lsp.MarkupContent) else str(docs))


async def test_builtin_inside_nested_call(client: LanguageClient) -> None:
    text = "(display (cons 1 (car '(1))))"
    h = await help_at(client, text, text.index("(car"))
    assert h is not None and h.signatures[0].label.startswith("(cons")
    assert h.active_parameter == 1


async def test_local_procedure(client: LanguageClient) -> None:
    text = "(let ((add (lambda (a b) (+ a b)))) (add 1 2))"
    h = await help_at(client, text, text.index("1 2"))
    assert h is not None and h.signatures[0].label == "(add a b)" and h.active_parameter == 0


async def test_none_outside_calls(client: LanguageClient) -> None:
    assert await help_at(client, "(define x 1)\n", 13) is None
