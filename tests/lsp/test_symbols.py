"""Document symbols (nested) and workspace symbols across open .omega files."""

from __future__ import annotations

import pytest
from lsp_helpers import open_doc, range_of, tdi
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = """(define (äußere x)
  (define (innere y) (* y 2))
  (innere x))
(define zahl 42)
(define-syntax unless2 (syntax-rules () ((_ c b) (if c #f b))))
(define-record-type <pünkt> (make-pünkt x y) pünkt? (x pünkt-x) (y pünkt-y set-pünkt-y!))
'(define not-a-definition 1)
"""

S = lsp.SymbolKind


async def test_nested_document_symbols(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    symbols = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=tdi(uri)))
    assert symbols is not None
    top = [(s.name, s.kind) for s in symbols]  # type: ignore[union-attr]
    assert top == [("äußere", S.Function), ("zahl", S.Variable), ("unless2", S.Function), ("<pünkt>", S.Struct)]
    outer = symbols[0]
    assert isinstance(outer, lsp.DocumentSymbol)
    assert outer.selection_range == range_of(client, TEXT, "äußere")
    assert [(c.name, c.kind) for c in outer.children or []] == [("innere", S.Function)]
    record = symbols[3]
    assert isinstance(record, lsp.DocumentSymbol)
    assert [(c.name, c.kind) for c in record.children or []] == [
        ("make-pünkt", S.Constructor), ("pünkt?", S.Function), ("x", S.Field), ("y", S.Field)]


async def test_workspace_symbols_across_open_files(client: LanguageClient) -> None:
    a = open_doc(client, TEXT, "ws-a")
    other = "(define (äußerst z) z)"
    b = open_doc(client, other, "ws-b")
    found = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="äuß"))
    assert found is not None
    where = {(s.name, s.location.uri) for s in found}  # type: ignore[union-attr]
    assert {("äußere", a), ("äußerst", b)} <= where
    assert all(s.name.startswith("äuß") for s in found)


async def test_define_values_and_case_lambda_symbols(client: LanguageClient) -> None:
    text = "(define-values (q r . more) (values 1 2))\n(define-values all (values 3))\n" \
           "(define area (case-lambda ((r) (* 3 r r)) ((w h) (* w h))))\n"
    uri = open_doc(client, text, "values-symbols")
    symbols = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=tdi(uri)))
    assert symbols is not None
    assert [(s.name, s.kind) for s in symbols] == [  # type: ignore[union-attr]
        ("q", S.Variable), ("r", S.Variable), ("more", S.Variable), ("all", S.Variable), ("area", S.Function)]
    assert symbols[1].selection_range == range_of(client, text, "r")
    assert symbols[4].detail == "case-lambda"  # type: ignore[union-attr]
