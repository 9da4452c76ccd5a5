"""JSON (LANGUAGE.md 17.5) on the standard library's `json` module, with SRFI 180's mapping:
an object is an association list with symbol keys in the text's order (duplicates kept), an
array a vector, `null` the keyword `:null`. Parsing is one `json.loads` plus one iterative walk
that builds Omega values and bounds the nesting; bad text becomes `json-error` with its position."""

from __future__ import annotations

import gc
import math
import re
import sys
from functools import cache
from typing import Any, Final

from ..conditions import OmegaError
from ..printer import write_repr
from ..values import NIL, HashTable, Pair, Store, Symbol, Value, Vector, keyword, sym
from . import checks
from .hashtables import hash_entries
from .registry import PrimContext, primitive

MAX_DEPTH: Final = 1000
NULL: Final = keyword("null")
# Patterns, compiled (and cached by `re`) on first use: a run that decodes no JSON pays nothing.
_TOKENS: Final = r'"(?:[^"\\]|\\.)*"|[\[\]{}]'
_SURROGATE: Final = "[\ud800-\udfff]"
_SURROGATE_ESCAPE: Final = r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?"


class _Object(list[tuple[str, Any]]):
    """An object's pairs as `json` hands them over (object_pairs_hook), before conversion."""


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def json_error(text: str, offset: int, detail: str) -> OmegaError:
    line, col = _line_col(text, offset)
    return OmegaError("json-error", f"json: {detail} at {line}:{col}", (line, col))


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


@cache
def _decoder() -> Any:
    """The one decoder, made on first use: `json` loads only when JSON is parsed."""
    import json

    return json.JSONDecoder(object_pairs_hook=_Object, parse_constant=_reject_constant)


def _too_deep(text: str, start: int) -> OmegaError:
    depth = 0
    for m in re.compile(_TOKENS, re.DOTALL).finditer(text, start):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return json_error(text, m.start(), f"nested deeper than {MAX_DEPTH} levels")
        elif c in "]}":
            depth -= 1
    return json_error(text, start, f"nested deeper than {MAX_DEPTH} levels")


def _lone_surrogate(text: str, start: int) -> OmegaError:
    for m in re.compile(_SURROGATE_ESCAPE).finditer(text, start):
        hi = int(m.group()[2:6], 16)
        if len(m.group()) == 6 or hi >= 0xDC00:
            return json_error(text, m.start(), "lone surrogate in a string")
    return json_error(text, start, "lone surrogate in a string")


def decode(text: str, start: int = 0) -> tuple[Value, int]:
    """The Omega value of the JSON text at `start` (after whitespace) and the offset just past it."""
    # The walk allocates many objects and no cycles: the cyclic GC would rescan the growing tree
    # again and again (measured: 10x slower on 1 MB), so pause it, as the reader does.
    was_enabled = gc.isenabled()
    gc.disable()
    # json's scanner and the conversion recurse once per level: room for MAX_DEPTH levels.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + 2 * MAX_DEPTH + 50)
    try:
        return _decode(text, start)
    finally:
        sys.setrecursionlimit(limit)
        if was_enabled:
            gc.enable()


def _decode(text: str, start: int) -> tuple[Value, int]:
    decoder = _decoder()
    from json import JSONDecodeError

    try:
        while start < len(text) and text[start] in " \t\n\r":
            start += 1
        raw, end = decoder.raw_decode(text, start)
    except JSONDecodeError as exc:
        raise json_error(text, exc.pos, exc.msg) from None
    except RecursionError:
        raise _too_deep(text, start) from None
    except ValueError as exc:  # NaN, Infinity, -Infinity
        at = text.find(str(exc), start)
        raise json_error(text, max(at, start), f"{exc} is not JSON") from None
    # Only a \\uD8xx-\\uDFxx escape or a raw surrogate can make a lone surrogate: else skip the checks.
    check = (re.compile(_SURROGATE_ESCAPE).search(text, start, end) is not None
             or re.compile(_SURROGATE).search(text, start, end) is not None)
    value = _convert(raw, text, start, check)
    return value, end


def parse(text: str) -> Value:
    """The whole of `text` as one JSON value (whitespace around it allowed)."""
    value, end = decode(text)
    rest = len(text) - len(text[end:].lstrip(" \t\n\r"))
    if rest < len(text):
        raise json_error(text, rest, "Extra data")
    return value


def _scalar(v: Any, text: str, start: int, check: bool) -> Value:
    if v is None:
        return NULL
    if check and isinstance(v, str):
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            raise _lone_surrogate(text, start) from None
    return v


def _convert(root: Any, text: str, start: int, check: bool) -> Value:
    """json's Python values to Omega values; objects nest at most MAX_DEPTH levels. `check`:
    strings may hold lone surrogates (json-error). Recursive (the caller leaves room for
    MAX_DEPTH levels): comprehensions per container are several times faster than a work stack."""

    def conv(v: Any, depth: int) -> Value:
        if depth > MAX_DEPTH:
            raise _too_deep(text, start)
        if type(v) is _Object:
            if check and not all(_encodable(k) for k, _ in v):
                raise _lone_surrogate(text, start)
            result: Value = NIL
            for k, x in reversed(v):
                t = type(x)
                x = conv(x, depth + 1) if t is list or t is _Object else NULL if x is None else \
                    _scalar(x, text, start, check) if check else x
                result = Pair(Pair(sym(k), x), result)
            return result
        return Vector([conv(x, depth + 1) if type(x) is list or type(x) is _Object else NULL if x is None else
                       _scalar(x, text, start, check) if check else x for x in v])

    if type(root) is list or type(root) is _Object:
        return conv(root, 1)
    return _scalar(root, text, start, check)


def _encodable(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ---- writing ---------------------------------------------------------------------------------


def _bad(v: Value, store: Store) -> OmegaError:
    return OmegaError("wrong-type", lambda s: f"json->string: expected JSON value, got {write_repr(v, s)}",
                      ("JSON value", v))


def _alist(v: Value) -> list[tuple[str, Value]] | None:
    out: list[tuple[str, Value]] = []
    while isinstance(v, Pair):
        entry = v.car
        if not isinstance(entry, Pair) or not isinstance(entry.car, Symbol):
            return None
        out.append((entry.car.name, entry.cdr))
        v = v.cdr
    return out if v is NIL else None


def encode(root: Value, store: Store) -> str:
    """Compact JSON text for `root` (numbers and escapes as `json.dumps`, non-ASCII as is)."""
    import json  # loaded when JSON is written, not at every start

    out: list[str] = []
    stack: list[Any] = [("value", root, 0)]
    while stack:
        op, v, depth = stack.pop()
        if op == "text":
            out.append(v)
            continue
        if v is True:
            out.append("true")
        elif v is False:
            out.append("false")
        elif v is NULL:
            out.append("null")
        elif isinstance(v, str):
            out.append(json.dumps(str.__str__(v), ensure_ascii=False))
        elif isinstance(v, int):
            out.append(int.__repr__(v))
        elif isinstance(v, float):
            if not math.isfinite(v):
                raise _bad(v, store)
            out.append(float.__repr__(v))
        else:
            if depth >= MAX_DEPTH:
                raise OmegaError("value-error", "json->string: data nested too deeply", (v,))
            entries: list[tuple[str | None, Value]]
            if isinstance(v, Vector):
                entries = [(None, x) for x in v.elements(store)]
                opener, closer = "[", "]"
            elif isinstance(v, HashTable):
                entries = []
                for k, x in hash_entries(v, store):
                    if isinstance(k, Symbol):
                        entries.append((k.name, x))
                    elif isinstance(k, str):
                        entries.append((str.__str__(k), x))
                    else:
                        raise _bad(v, store)
                opener, closer = "{", "}"
            elif v is NIL or isinstance(v, Pair):
                pairs = _alist(v)
                if pairs is None:
                    raise _bad(v, store)
                entries = list(pairs)
                opener, closer = "{", "}"
            else:
                raise _bad(v, store)
            out.append(opener)
            stack.append(("text", closer, 0))
            for j in range(len(entries) - 1, -1, -1):
                key, x = entries[j]
                stack.append(("value", x, depth + 1))
                if key is not None:
                    stack.append(("text", json.dumps(key, ensure_ascii=False) + ":", 0))
                if j:
                    stack.append(("text", ",", 0))
    return "".join(out)


@primitive("string->json", 1, signature="(string->json text)")
def string_to_json(text: Value) -> Value:
    """The value of the JSON text (objects as association lists, arrays as vectors, null as :null)."""
    return parse(str.__str__(checks.string("string->json", text)))


@primitive("json->string", 1, kind="ctx", signature="(json->string value)")
def json_to_string(ctx: PrimContext, value: Value) -> Value:
    """Compact JSON text for the value."""
    return encode(value, ctx.store)


__all__ = ["decode", "encode", "parse"]
