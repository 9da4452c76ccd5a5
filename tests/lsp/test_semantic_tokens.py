"""Semantic tokens: classification by resolution, positions in the negotiated encoding, deltas."""

from __future__ import annotations

import pytest
from lsp_helpers import change_doc, open_doc, position, range_of, tdi
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = """; ☕ comment
(define-syntax my-if (syntax-rules () ((_ c a b) (cond (c a) (else b)))))
(define (größe 🍕 . rest) (my-if 🍕 "tëxt" (car rest)))
(let ((nüm 42)) (größe nüm 'quoted-sym))
"""


def legend(client: LanguageClient) -> list[str]:
    return list(client.init_result.capabilities.semantic_tokens_provider.legend.token_types)  # type: ignore[attr-defined]


def decode(client: LanguageClient, data: list[int]) -> dict[tuple[int, int], tuple[int, str, int]]:
    out = {}
    line = char = 0
    types = legend(client)
    for i in range(0, len(data), 5):
        dl, dc, length, t, mods = data[i:i + 5]
        line += dl
        char = char + dc if dl == 0 else dc
        out[(line, char)] = (length, types[t], mods)
    return out


def tok(client: LanguageClient, tokens: dict[tuple[int, int], tuple[int, str, int]], text: str, needle: str,
        nth: int = 0) -> tuple[int, str, int] | None:
    r = range_of(client, text, needle, nth)
    found = tokens.get((r.start.line, r.start.character))
    if found is not None:
        assert found[0] == r.end.character - r.start.character
    return found


async def test_classification(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    result = await client.text_document_semantic_tokens_full_async(
        lsp.SemanticTokensParams(text_document=tdi(uri)))
    assert result is not None
    t = decode(client, list(result.data))
    assert tok(client, t, TEXT, "; ☕ comment")[1] == "comment"  # type: ignore[index]
    assert tok(client, t, TEXT, "define-syntax")[1] == "keyword"  # type: ignore[index]
    assert tok(client, t, TEXT, "my-if", 0)[1] == "macro"  # type: ignore[index]
    assert tok(client, t, TEXT, "my-if", 1)[1] == "macro"  # type: ignore[index]
    assert tok(client, t, TEXT, "größe", 0)[1:] == ("function", 1)  # type: ignore[index]  # declaration
    assert tok(client, t, TEXT, "🍕", 0)[1] == "parameter"  # type: ignore[index]
    assert tok(client, t, TEXT, "🍕", 1)[1:] == ("parameter", 0)  # type: ignore[index]
    assert tok(client, t, TEXT, '"tëxt"')[1] == "string"  # type: ignore[index]
    assert tok(client, t, TEXT, "car")[1:] == ("function", 2)  # type: ignore[index]  # defaultLibrary
    assert tok(client, t, TEXT, "42")[1] == "number"  # type: ignore[index]
    assert tok(client, t, TEXT, "nüm", 1)[1] == "variable"  # type: ignore[index]
    assert tok(client, t, TEXT, "quoted-sym") is None


async def test_multiline_tokens_are_split_per_line(client: LanguageClient) -> None:
    text = '(define s "line one\nline twö")\n#| a\nb |#'
    uri = open_doc(client, text)
    result = await client.text_document_semantic_tokens_full_async(
        lsp.SemanticTokensParams(text_document=tdi(uri)))
    assert result is not None
    t = decode(client, list(result.data))
    assert t[(0, 10)][1] == "string" and t[(1, 0)] == (position(client, text, text.index('")')+1).character,
                                                         "string", 0)
    assert t[(2, 0)][1] == "comment" and t[(3, 0)][1] == "comment"


async def test_delta_matches_a_fresh_full_result(client: LanguageClient) -> None:
    uri = open_doc(client, TEXT)
    first = await client.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(text_document=tdi(uri)))
    assert first is not None and first.result_id is not None
    insert = position(client, TEXT, TEXT.index("(let"))
    change_doc(client, uri, 2, [lsp.TextDocumentContentChangePartial(
        range=lsp.Range(start=insert, end=insert), text="(define ünï 7)\n")])
    delta = await client.text_document_semantic_tokens_full_delta_async(lsp.SemanticTokensDeltaParams(
        text_document=tdi(uri), previous_result_id=first.result_id))
    assert isinstance(delta, lsp.SemanticTokensDelta)
    data = list(first.data)
    for e in sorted(delta.edits, key=lambda e: e.start, reverse=True):
        data[e.start:e.start + e.delete_count] = list(e.data or [])
    full = await client.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(text_document=tdi(uri)))
    assert full is not None and data == list(full.data)
    assert len(delta.edits) == 1 and delta.edits[0].start > 0
