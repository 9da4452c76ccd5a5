"""Formatting: the canonical layout, idempotent, never changing data or comments."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsp_helpers import open_doc, tdi
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from omega_lsp.formatter import format_text
from omega_runtime.reader import read
from omega_runtime.syntax import to_value

UGLY = """;; Grüße ☕
(define   (f x)
    "Doc ünï."   ; trailing
  (let ((y   1)
  (z 2))
      (+ x y
   z)
  )
  )



(define v '( a b   . c ))  #| block
   comment |#
(cond ((= 1 2) 'a)
   (else  #;(ignored 😀) 'b))
"""

PRETTY = """;; Grüße ☕
(define (f x)
  "Doc ünï." ; trailing
  (let ((y 1)
        (z 2))
    (+ x y
       z)))

(define v '(a b . c)) #| block
   comment |#
(cond ((= 1 2) 'a)
      (else #;(ignored 😀) 'b))
"""


@pytest.mark.asyncio(loop_scope="module")
async def test_formatting_request(client: LanguageClient) -> None:
    uri = open_doc(client, UGLY)
    edits = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=tdi(uri), options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert edits is not None and len(edits) == 1
    assert edits[0].new_text == PRETTY
    assert edits[0].range.start == lsp.Position(line=0, character=0)
    assert edits[0].range.end.line == UGLY.count("\n")
    uri2 = open_doc(client, PRETTY)
    assert await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=tdi(uri2), options=lsp.FormattingOptions(tab_size=2, insert_spaces=True))) in ([], ())


@pytest.mark.asyncio(loop_scope="module")
async def test_text_with_reader_errors_is_left_alone(client: LanguageClient) -> None:
    uri = open_doc(client, "(define (f x)\n   (+ x 1]")
    assert await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=tdi(uri), options=lsp.FormattingOptions(tab_size=2, insert_spaces=True))) is None


def shape(text: str) -> tuple[str, list[str]]:
    r = read(text, "t")
    from omega_runtime.printer import write_repr

    return " ".join(write_repr(to_value(d), {}) for d in r.data), [
        text[c.start_offset:c.end_offset].rstrip("\r\n") for c in r.comments]


ATOMS = st.sampled_from(["x", "ä", "😀", "42", "-1.5", '"s t"', '"a\\nb"', ":k", "#t", "lambda", "define", "let",
                         "if", "foo-bar!", "...", "+"])
SPACE = st.sampled_from([" ", "  ", "\n", "\n\n\n", " ; c ☕\n", " #| b |# ", "\t", "\r\n", " #;(q) "])


@st.composite
def programs(draw: st.DrawFn) -> str:
    parts: list[str] = []
    depth = 0
    for _ in range(draw(st.integers(1, 40))):
        choice = draw(st.integers(0, 9))
        if choice < 3:
            parts.append(draw(st.sampled_from(["(", "[", "'(", "`(", "#("])))
            depth += 1
        elif choice < 5 and depth:
            parts.append(")" if parts and True else ")")
            depth -= 1
        elif choice == 5 and depth:
            parts.append(draw(st.sampled_from([",", ",@", "'"])) + draw(ATOMS))
        else:
            parts.append(draw(ATOMS))
        parts.append(draw(SPACE))
    text = "".join(parts) + ")" * depth
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_formatting_keeps_data_and_comments_and_is_idempotent(text: str) -> None:
    if read(text, "t").diagnostics:
        assert format_text(text) is None
        return
    once = format_text(text)
    assert once is not None
    assert shape(once) == shape(text)
    assert format_text(once) == once
    assert not any(line != line.rstrip() for line in once.splitlines() if '"' not in line)


def test_deep_nesting_formats_without_recursion() -> None:
    text = "(" * 10000 + "x" + ")" * 10000
    out = format_text(text)
    assert out == text + "\n"
