"""Semantic tokens, full and delta: identifiers classified by what they resolve to."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from omega_runtime import core
from omega_runtime.syntax import Atom, SList, SVector, Syntax
from omega_runtime.values import Keyword, Symbol

from ..knowledge import SPECIAL_FORM_SET, builtin_procedures
from ..text import units

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..server import Document, OmegaServer

TOKEN_TYPES = ["keyword", "function", "variable", "parameter", "macro", "string", "number", "comment"]
TOKEN_MODIFIERS = ["declaration", "defaultLibrary"]
LEGEND = lsp.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)
_T = {name: i for i, name in enumerate(TOKEN_TYPES)}
DECLARATION, DEFAULT_LIBRARY = 1, 2
_KEYWORDS = SPECIAL_FORM_SET | {"else", "=>"}
_ids = itertools.count(1)


def _classify_symbol(a: Analysis, atom: Atom, start: int) -> tuple[int, int] | None:
    occ = a.occurrence_at(start)
    name = atom.value.name
    if occ is None or occ.start != start:
        return (_T["keyword"], 0) if name in _KEYWORDS else None
    mods = DECLARATION if occ.write else 0
    target = occ.target
    if not isinstance(target, str):
        hit = a.local(target)
        li = hit[0] if hit is not None else None
        if target.kind in ("param", "rest"):
            return _T["parameter"], mods
        if li is not None and isinstance(li.init, core.Lambda | core.OracleLambda) or target.kind == "named-let":
            return _T["function"], mods
        return _T["variable"], mods
    d = a.definitions.get(target)
    if d is not None:
        kind = {"macro": "macro", "procedure": "function"}.get(d.kind, "variable")
        return _T[kind], mods
    if target in builtin_procedures():
        return _T["function"], mods | DEFAULT_LIBRARY
    return _T["variable"], mods


def raw_tokens(a: Analysis) -> list[tuple[int, int, int, int]]:
    """(start, end, type, modifiers) in code-point offsets, unsorted, possibly multi-line."""
    out: list[tuple[int, int, int, int]] = []
    for base, piece in a.iter_pieces():
        _piece_tokens(a, piece.read.data, base, out)
    for start, end in a.comments():
        out.append((start, end, _T["comment"], 0))
    return out


def _piece_tokens(a: Analysis, data: tuple[Syntax, ...], base: int, out: list[tuple[int, int, int, int]]) -> None:
    stack: list[tuple[Syntax, bool]] = [(s, False) for s in reversed(data)]
    while stack:
        s, quoted = stack.pop()
        if isinstance(s, Atom):
            v = s.value
            start, end = s.span.start_offset + base, s.span.end_offset + base
            if isinstance(v, str):
                out.append((start, end, _T["string"], 0))
            elif isinstance(v, bool):
                out.append((start, end, _T["keyword"], 0))
            elif isinstance(v, int | float):
                out.append((start, end, _T["number"], 0))
            elif isinstance(v, Symbol) and not quoted:
                kind = _classify_symbol(a, s, start)
                if kind is not None:
                    out.append((start, end, kind[0], kind[1]))
            elif isinstance(v, Keyword):
                out.append((start, end, _T["string"], 0))
            continue
        items = list(s.items)
        if isinstance(s, SList) and s.tail is not None:
            items.append(s.tail)
        inner = quoted
        if isinstance(s, SList) and items and isinstance(items[0], Atom) and isinstance(items[0].value, Symbol):
            head = items[0].value.name
            if head in ("quote", "quasiquote") and not quoted:
                inner = True
            elif head in ("unquote", "unquote-splicing") and quoted:
                inner = False
            if head in ("quote", "quasiquote", "unquote", "unquote-splicing"):
                head_atom = items.pop(0)
                hs = head_atom.span.start_offset + base
                if a.text.startswith(head, hs) and not quoted:
                    out.append((hs, head_atom.span.end_offset + base, _T["keyword"], 0))
        elif isinstance(s, SVector):
            pass
        stack.extend((c, inner) for c in reversed(items))


def encode(doc: Document, encoding: str) -> list[int]:
    """The LSP relative encoding: one line per token (multi-line tokens split), no overlaps."""
    ix, text = doc.index, doc.text
    data: list[int] = []
    prev_line = prev_char = 0
    last_end = -1
    for start, end, ttype, mods in sorted(raw_tokens(doc.analysis()), key=lambda t: (t[0], -t[1])):
        if start < last_end or end <= start:
            continue  # inside a datum comment or string already emitted
        last_end = end
        line = ix.line_of(start)
        pos = start
        while pos < end:
            line_end = min(ix.ends[line], end)
            if line_end > pos:
                ls = ix.starts[line]
                char = units(text[ls:pos], encoding)
                length = units(text[pos:line_end], encoding)
                data.extend((line - prev_line, char - prev_char if line == prev_line else char, length, ttype, mods))
                prev_line, prev_char = line, char
            line += 1
            if line >= len(ix.starts):
                break
            pos = ix.starts[line]
    return data


def delta(old: list[int], new: list[int]) -> lsp.SemanticTokensEdit | None:
    """One edit turning `old` into `new` (common prefix and suffix kept), or None if equal."""
    if old == new:
        return None
    n = min(len(old), len(new))
    p = 0
    while p < n and old[p] == new[p]:
        p += 1
    s = 0
    while s < n - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
        s += 1
    return lsp.SemanticTokensEdit(start=p, delete_count=len(old) - p - s, data=new[p:len(new) - s])


def register(server: OmegaServer) -> None:
    def full_tokens(doc: Document) -> lsp.SemanticTokens:
        data = encode(doc, server.encoding)
        result_id = str(next(_ids))
        doc.tokens = (result_id, data)
        return lsp.SemanticTokens(data=data, result_id=result_id)

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    def full(params: lsp.SemanticTokensParams) -> lsp.SemanticTokens:
        return full_tokens(server.document(params.text_document.uri))

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, LEGEND)
    def full_delta(params: lsp.SemanticTokensDeltaParams) -> lsp.SemanticTokens | lsp.SemanticTokensDelta:
        doc = server.document(params.text_document.uri)
        previous = doc.tokens
        if previous is None or previous[0] != params.previous_result_id:
            return full_tokens(doc)
        data = encode(doc, server.encoding)
        result_id = str(next(_ids))
        doc.tokens = (result_id, data)
        edit = delta(previous[1], data)
        return lsp.SemanticTokensDelta(result_id=result_id, edits=[edit] if edit is not None else [])
