"""Hover: built-ins, user procedures with docstrings, special forms, locals and their kind."""

from __future__ import annotations

import pytest
from lsp_helpers import open_doc, pos_of, range_of, tdi
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from omega_lsp.knowledge import builtin_procedures

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = """;; café ☕ comment
(define (grüß name . rest)
  "Greets name, politely. ☕"
  (let ((msg (string-append "hallo " name))
        (helper (lambda (a b) a)))
    (helper msg rest)))
(grüß "wörld")
"""


async def hover_at(client: LanguageClient, uri: str, needle: str, nth: int = 0) -> lsp.Hover | None:
    return await client.text_document_hover_async(lsp.HoverParams(
        text_document=tdi(uri), position=pos_of(client, TEXT, needle, nth, delta=1)))


def body(h: lsp.Hover | None) -> str:
    assert h is not None
    # Markdown for clients that render it, plain text for the others.
    return h.contents.value if isinstance(h.contents, lsp.MarkupContent) else str(h.contents)


async def test_user_procedure_signature_and_docstring(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    h = await hover_at(client, uri, "grüß", 1)
    text = body(h)
    assert "(grüß name . rest)" in text and "Greets name, politely. ☕" in text
    assert h is not None and h.range == range_of(client, TEXT, "grüß", 1)


async def test_builtin_signature_and_doc(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    text = body(await hover_at(client, uri, "string-append"))
    info = builtin_procedures()["string-append"]
    assert info.signature in text
    assert info.doc and info.doc in text


async def test_special_form(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    text = body(await hover_at(client, uri, "let"))
    assert "special form" in text and "(let" in text


async def test_locals_show_their_kind(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    assert "parameter of grüß" in body(await hover_at(client, uri, "name", 2))
    assert "rest parameter" in body(await hover_at(client, uri, "rest", 1))
    assert "let binding: string" not in body(await hover_at(client, uri, "msg", 1))
    helper = body(await hover_at(client, uri, "helper", 1))
    assert "procedure" in helper and "(helper a b)" in helper


async def test_nothing_on_whitespace_or_strings(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    assert await client.text_document_hover_async(lsp.HoverParams(
        text_document=tdi(uri), position=pos_of(client, TEXT, "wörld", 0, 1))) is None
