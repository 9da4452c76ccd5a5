"""Regular expressions (LANGUAGE.md 17.7) on Python's `re`: a regex value holds the compiled
pattern; wherever a regex is expected a pattern string works too. A match is a list: the matched
text, then each group's text or #f. A bad pattern or replacement is `value-error` with `re`'s
message. Each call is one primitive application: one machine step."""

from __future__ import annotations

import re
from typing import Any, Final

from ..conditions import value_error, wrong_type
from ..printer import write_repr
from ..values import NIL, Pair, Regex, Value, make_list
from . import checks
from .registry import primitive

_FLAGS: Final = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def compile_regex(prim: str, pattern: str, flags: str = "") -> Regex:
    bits = 0
    for letter in flags:
        if letter not in _FLAGS:
            raise value_error(prim, f"unknown flag {write_repr(letter, {})} (expected i, m, s or x)", flags)
        bits |= _FLAGS[letter]
    try:
        compiled = re.compile(pattern, bits)
    except re.error as exc:
        raise value_error(prim, f"bad pattern {write_repr(pattern, {})}: {exc}", pattern) from None
    return Regex(pattern, flags, compiled)


def _regex(prim: str, v: Value) -> re.Pattern[str]:
    if isinstance(v, Regex):
        return v.compiled  # type: ignore[no-any-return]
    if isinstance(v, str):
        return compile_regex(prim, str.__str__(v)).compiled  # type: ignore[no-any-return]
    raise wrong_type(prim, "regex", v)


def _text(prim: str, s: Value) -> str:
    return str.__str__(checks.string(prim, s))


def match_list(m: re.Match[str]) -> Value:
    """The matched text, then each group's text or #f."""
    return make_list([m.group(0), *(False if g is None else g for g in m.groups())])


def _start(prim: str, start: Value, text: str) -> int:
    return 0 if start is None else checks.index(prim, start, len(text), inclusive=True)


@primitive("regex", 1, 2, signature="(regex pattern [flags])", derives=False)
def regex(pattern: Value, flags: Value = "") -> Value:
    """Compile a pattern (Python `re` syntax); flags: i ignore case, m multi-line, s dot matches
    newline, x verbose."""
    return compile_regex("regex", _text("regex", pattern), _text("regex", flags))


@primitive("regex?", 1, signature="(regex? v)", derives=False)
def regex_p(v: Value) -> Value:
    """Is `v` a compiled regex?"""
    return isinstance(v, Regex)


@primitive("regex-match", 2, signature="(regex-match re s)")
def regex_match(r: Value, s: Value) -> Value:
    """The match of the whole string, or #f."""
    m = _regex("regex-match", r).fullmatch(_text("regex-match", s))
    return False if m is None else match_list(m)


@primitive("regex-search", 2, 3, signature="(regex-search re s [start])")
def regex_search(r: Value, s: Value, start: Value = None) -> Value:
    """The first match (from `start`), or #f."""
    text = _text("regex-search", s)
    m = _regex("regex-search", r).search(text, _start("regex-search", start, text))
    return False if m is None else match_list(m)


@primitive("regex-search-all", 2, signature="(regex-search-all re s)")
def regex_search_all(r: Value, s: Value) -> Value:
    """Every non-overlapping match, as a list of match lists."""
    return make_list([match_list(m) for m in _regex("regex-search-all", r).finditer(_text("regex-search-all", s))])


@primitive("regex-match-positions", 2, 3, signature="(regex-match-positions re s [start])")
def regex_match_positions(r: Value, s: Value, start: Value = None) -> Value:
    """Like regex-search, with (start . end) pairs (or #f) instead of texts."""
    text = _text("regex-match-positions", s)
    m = _regex("regex-match-positions", r).search(text, _start("regex-match-positions", start, text))
    if m is None:
        return False
    return make_list([False if m.start(g) < 0 else Pair(m.start(g), m.end(g)) for g in range(len(m.groups()) + 1)])


def _count(prim: str, count: Value) -> int:
    n = int(checks.integer(prim, count))
    if n < 0:
        raise value_error(prim, f"expected a non-negative count, got {n}", count)
    return n


@primitive("%regex-replace", 4, signature="(%regex-replace re s replacement count)")
def regex_replace_text(r: Value, s: Value, replacement: Value, count: Value) -> Value:
    """`regex-replace` with a replacement string (`\\1`, `\\g<name>`); count 0: every match."""
    pattern = _regex("regex-replace", r)
    template = _text("regex-replace", replacement)
    try:
        return pattern.sub(template, _text("regex-replace", s), count=_count("regex-replace", count))
    except (re.error, IndexError) as exc:
        raise value_error("regex-replace", f"bad replacement {write_repr(template, {})}: {exc}", replacement) from None


@primitive("%regex-pieces", 3, signature="(%regex-pieces re s count)")
def regex_pieces(r: Value, s: Value, count: Value) -> Value:
    """The text between matches (strings) alternating with the match lists, up to `count`
    matches (0: all): what `regex-replace` with a procedure assembles."""
    text = _text("regex-replace", s)
    limit = _count("regex-replace", count)
    out: list[Any] = []
    pos = 0
    for i, m in enumerate(_regex("regex-replace", r).finditer(text)):
        if limit and i >= limit:
            break
        out += [text[pos:m.start()], match_list(m)]
        pos = m.end()
    out.append(text[pos:])
    return make_list(out)


@primitive("regex-split", 2, signature="(regex-split re s)")
def regex_split(r: Value, s: Value) -> Value:
    """The pieces of the string between the matches."""
    text = _text("regex-split", s)
    pieces: list[str] = []
    pos = 0
    for m in _regex("regex-split", r).finditer(text):
        if m.end() == m.start() and (m.start() == 0 or m.start() == len(text)):
            continue  # an empty match at either end splits nothing off
        pieces.append(text[pos:m.start()])
        pos = m.end()
    pieces.append(text[pos:])
    return make_list(pieces) if pieces else NIL
