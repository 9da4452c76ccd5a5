"""Diagnostics: reader errors with exact ranges, expander errors, W0001, arity, unused locals, edits."""

from __future__ import annotations

import pytest
from lsp_helpers import change_doc, diagnostics, open_doc, position, range_of
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


def by_code(found: list[lsp.Diagnostic]) -> dict[str, list[lsp.Diagnostic]]:
    out: dict[str, list[lsp.Diagnostic]] = {}
    for d in found:
        out.setdefault(str(d.code), []).append(d)
    return out


async def test_reader_errors_have_exact_ranges_after_non_ascii(client: LanguageClient) -> None:
    # LANGUAGE.md 1.8's example, with an emoji and accents before the bad closer.
    text = '(define (f x)\n  (+ "héllo 😀" x 1]'
    uri = open_doc(client, text)
    found = by_code(await diagnostics(client, uri))
    assert set(found) == {"E0001", "E0002"}
    assert found["E0001"][0].range == range_of(client, text, "]")
    assert found["E0001"][0].severity == lsp.DiagnosticSeverity.Error
    assert found["E0002"][0].range == lsp.Range(start=position(client, text, 0), end=position(client, text, 1))


async def test_every_reader_error_is_reported(client: LanguageClient) -> None:
    text = '(a #xZZ "bad \\q escape")\n)\n(b . )'
    uri = open_doc(client, text)
    codes = sorted(str(d.code) for d in await diagnostics(client, uri))
    assert codes == ["E0001", "E0004", "E0005", "E0006"]


async def test_expander_error(client: LanguageClient) -> None:
    text = "(define ok 1)\n(let ((x 1) (x 2)) x)"
    uri = open_doc(client, text)
    found = by_code(await diagnostics(client, uri))
    assert "E0104" in found
    assert found["E0104"][0].range.start.line == 1


async def test_unbound_identifier_warning_knows_every_kind_of_name(client: LanguageClient) -> None:
    text = (
        "(define-syntax swap! (syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))\n"
        "(define (ünïcode-f 🍕) (list 🍕 (later 🍕) (map car '((1)))))\n"
        "(define (later y) (let loop ((i y)) (if (> i 0) (loop (- i 1)) y)))\n"
        "(define a 1) (define b 2) (swap! a b)\n"
        "(display (ünïcode-f mystery-λ))\n"
    )
    uri = open_doc(client, text)
    found = by_code(await diagnostics(client, uri))
    assert [d.range for d in found["W0001"]] == [range_of(client, text, "mystery-λ")]
    assert found["W0001"][0].severity == lsp.DiagnosticSeverity.Warning
    assert "mystery-λ" in found["W0001"][0].message


async def test_arity_errors_for_builtins_and_file_procedures(client: LanguageClient) -> None:
    text = "(define (two a b) (+ a b))\n(two 1)\n(two 1 2)\n(cons 1)\n(list)\n(let ((two car)) (two 1))"
    uri = open_doc(client, text)
    found = by_code(await diagnostics(client, uri))
    arity = found["arity-error"]
    assert [d.range for d in arity] == [range_of(client, text, "(two 1)"), range_of(client, text, "(cons 1)")]
    assert arity[0].message == "two: expected 2 arguments, got 1"
    assert arity[1].message == "cons: expected 2 arguments, got 1"


async def test_unused_locals_are_unnecessary_hints(client: LanguageClient) -> None:
    text = "(define (f x ünused _ignored)\n  (let ((y 1) (zeta 2)) (+ x y)))"
    uri = open_doc(client, text)
    found = by_code(await diagnostics(client, uri))
    hints = found["unused"]
    assert [d.range for d in hints] == [range_of(client, text, "ünused"), range_of(client, text, "zeta")]
    for d in hints:
        assert d.severity == lsp.DiagnosticSeverity.Hint
        assert list(d.tags or []) == [lsp.DiagnosticTag.Unnecessary]


async def test_incremental_edits_update_diagnostics(client: LanguageClient) -> None:
    text = "(define (f x) x)\n(f 1 2)"
    uri = open_doc(client, text)
    assert [d.code for d in await diagnostics(client, uri, version=1)] == ["arity-error"]
    # Insert a parameter, then break a paren, then fix it: three edits, only the last text counts.
    start = position(client, text, text.index(") x)"))
    change_doc(client, uri, 2, [lsp.TextDocumentContentChangePartial(
        range=lsp.Range(start=start, end=start), text=" 😀y")])
    after = "(define (f x 😀y) x)\n(f 1 2)"
    assert by_code(await diagnostics(client, uri, version=2)).keys() == {"unused"}
    end = position(client, after, len(after))
    change_doc(client, uri, 3, [lsp.TextDocumentContentChangePartial(
        range=lsp.Range(start=position(client, after, len(after) - 1), end=end), text="")])
    change_doc(client, uri, 4, [lsp.TextDocumentContentChangePartial(
        range=lsp.Range(start=position(client, after, len(after) - 1), end=position(client, after, len(after) - 1)),
        text=" 3")])
    codes = sorted(str(d.code) for d in await diagnostics(client, uri, version=4))
    assert codes == ["E0002", "unused"]
