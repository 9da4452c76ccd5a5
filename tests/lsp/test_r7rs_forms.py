"""The language server knows LANGUAGE.md 17's forms and procedures: no false unbound warnings,
hover and signature help with arities (case-lambda included), completion, semantic tokens for the
new keywords, formatting of the new forms."""

from __future__ import annotations

import pytest
from lsp_helpers import diagnostics, open_doc, pos_of, position, range_of, tdi
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from omega_lsp.formatter import format_text

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = """(define area
  (case-lambda
    ((r) (* 3 r r))
    ((w h d) (* w h d))))
(define temperature (make-parameter 0.7))
(define-values (q r) (floor/ 7 2))
(define (go)
  (parameterize ((temperature 0.1))
    (let-values (((a b) (values 1 2)) ((c) (exact-integer-sqrt 17)))
      (receive (x . rest) (values a b c)
        (let*-values (((m) (values x)))
          (list m rest (temperature) q r (area 2)
                (regex-search (regex "a+" "i") "xaay")
                (string->json (json->string #xff))
                (with-output-to-string (lambda () (write-string "hi")))
                (read (open-input-string "(1)"))
                (with-exception-handler (lambda (e) e) (lambda () (raise-continuable 'x)))))))))
(go)
"""


async def test_no_false_unbound_warnings(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    found = await diagnostics(client, uri)
    assert [(d.code, d.message) for d in found] == []


async def test_hover_and_signature_help_know_case_lambda_arities(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    h = await client.text_document_hover_async(lsp.HoverParams(
        text_document=tdi(uri), position=pos_of(client, TEXT, "area", 1, delta=1)))
    assert h is not None
    text = h.contents.value if isinstance(h.contents, lsp.MarkupContent) else str(h.contents)
    assert "(area r) | (area w h d)" in text
    h = await client.text_document_hover_async(lsp.HoverParams(
        text_document=tdi(uri), position=pos_of(client, TEXT, "parameterize", 0, delta=1)))
    assert h is not None
    text = h.contents.value if isinstance(h.contents, lsp.MarkupContent) else str(h.contents)
    assert "(parameterize ((parameter value)...) body...)" in text
    call = "(regex-search "
    sig = await client.text_document_signature_help_async(lsp.SignatureHelpParams(
        text_document=tdi(uri), position=position(client, TEXT, TEXT.index(call) + len(call))))
    assert sig is not None and sig.signatures[sig.active_signature or 0].label.startswith("(regex-search re s [start])")


async def test_an_arity_error_against_a_new_procedure_is_reported(client: LanguageClient) -> None:
    text = '(regex-search "a")\n(json->string 1 2)\n'
    uri = open_doc(client, text)
    found = await diagnostics(client, uri)
    assert sorted(d.message for d in found) == [
        "json->string: expected 1 argument, got 2", "regex-search: expected 2 to 3 arguments, got 1"]


async def test_completion_offers_the_new_names(client: LanguageClient) -> None:
    text = "(para"
    uri = open_doc(client, text)
    result = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=tdi(uri), position=position(client, text, len(text))))
    items = result.items if isinstance(result, lsp.CompletionList) else (result or [])
    assert "parameterize" in {i.label for i in items}
    text = "(string->j"
    uri = open_doc(client, text)
    result = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=tdi(uri), position=position(client, text, len(text))))
    items = result.items if isinstance(result, lsp.CompletionList) else (result or [])
    assert "string->json" in {i.label for i in items}


async def test_semantic_tokens_mark_the_new_keywords_and_prefixed_numbers(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    result = await client.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(text_document=tdi(uri)))
    assert result is not None
    types = list(client.init_result.capabilities.semantic_tokens_provider.legend.token_types)  # type: ignore[attr-defined]
    data = list(result.data)
    tokens = {}
    line = char = 0
    for i in range(0, len(data), 5):
        dl, dc, length, t, _ = data[i:i + 5]
        line += dl
        char = char + dc if dl == 0 else dc
        tokens[(line, char)] = (length, types[t])
    for word in ("case-lambda", "define-values", "parameterize", "let-values", "receive", "let*-values"):
        r = range_of(client, TEXT, word)
        assert tokens.get((r.start.line, r.start.character)) == (len(word), "keyword"), word
    r = range_of(client, TEXT, "#xff")
    assert tokens.get((r.start.line, r.start.character)) == (4, "number")


async def test_formatting_indents_the_new_forms_as_bodies() -> None:
    text = ("(parameterize ((p 1))\n(f))\n(let-values (((a b) (values 1 2)))\n(+ a b))\n"
            "(receive (x) (g)\nx)\n(define-values (a b)\n(values 1 2))\n(case-lambda\n((x) x)\n((x y) y))\n")
    assert format_text(text) == ("(parameterize ((p 1))\n  (f))\n(let-values (((a b) (values 1 2)))\n  (+ a b))\n"
                                 "(receive (x) (g)\n  x)\n(define-values (a b)\n  (values 1 2))\n(case-lambda\n"
                                 "  ((x) x)\n  ((x y) y))\n")
