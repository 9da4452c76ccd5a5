"""`write` and `display` forms of Omega values (LANGUAGE.md 2.1, 2.2).

Printing is iterative (an explicit work stack), so 100,000-deep nested lists print without
Python recursion. A vector or record met again while it is being printed (on the current path,
not merely shared) prints `#<cycle>`. Mutable containers are read through the machine's store.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from .hash_content import hash_count
from .values import (
    NIL,
    Condition,
    EofObject,
    HashTable,
    Keyword,
    MultipleValues,
    Nil,
    Pair,
    Port,
    Procedure,
    Promise,
    PromptTag,
    Proposal,
    Record,
    RecordType,
    Regex,
    Restart,
    Store,
    Symbol,
    Value,
    Vector,
    Void,
)

# Omega integers print in full (LANGUAGE.md 2.1); lift CPython's 4300-digit str() guard.
sys.set_int_max_str_digits(0)

# Control characters (category Cc) other than the named escapes become \uXXXX.
_ESCAPES: dict[int, str] = {c: f"\\u{c:04x}" for c in (*range(0x20), *range(0x7F, 0xA0))}
_ESCAPES.update({ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\t"): "\\t", ord("\r"): "\\r"})
_NEEDS_ESCAPE = frozenset(chr(c) for c in _ESCAPES)

# Work-stack opcodes.
_VALUE = 0  # print the value
_TEXT = 1  # emit literal text
_LIST_REST = 2  # continue a list whose previous element was just printed; x is the rest
_LEAVE = 3  # the container x is finished: it may appear again without being a cycle


def write_string(s: str) -> str:
    """A string literal in `write` form: `\\\\ \\" \\n \\t \\r` escaped, other controls as \\uXXXX."""
    if _NEEDS_ESCAPE.isdisjoint(s):
        return '"' + s + '"'
    return '"' + s.translate(_ESCAPES) + '"'


def float_repr(x: float) -> str:
    """Python's shortest round-tripping repr, with `+inf.0`, `-inf.0`, `+nan.0`."""
    if math.isfinite(x):
        return float.__repr__(x)
    if math.isnan(x):
        return "+nan.0"
    return "+inf.0" if x > 0 else "-inf.0"


def write_repr(v: Value, store: Store) -> str:
    """The `write` form of `v`; `store` holds the current contents of vectors, records, tables."""
    return _render(v, store, True)


def result_repr(v: Value, store: Store) -> str:
    """How `omega run` and the REPL print a result: a multiple-values result as its values' `write`
    forms separated by spaces, nothing for zero values (LANGUAGE.md 17.1)."""
    if isinstance(v, MultipleValues):
        return " ".join(_render(item, store, True) for item in v.items)
    return _render(v, store, True)


def display_repr(v: Value, store: Store) -> str:
    """The `display` form: as `write`, but strings print raw at any depth."""
    return _render(v, store, False)


def _atom(v: Value, store: Store, write: bool) -> str | None:
    """The printed form of a value with no printable parts, or None for lists/vectors/records."""
    if v is True:
        return "#t"
    if v is False:
        return "#f"
    if isinstance(v, int):
        return int.__repr__(v)
    if isinstance(v, str):
        return write_string(v) if write else str.__str__(v)
    if isinstance(v, Symbol):
        return v.name
    if isinstance(v, float):
        return float_repr(v)
    if isinstance(v, Keyword):
        return ":" + v.name
    if isinstance(v, (Nil, Pair, Vector, Record, MultipleValues)):
        return None
    if isinstance(v, Void):
        return "#<void>"
    if isinstance(v, Procedure):
        if v.show_name and v.name:
            return f"#<{v.write_tag} {v.name}>"
        return f"#<{v.write_tag}>"
    if isinstance(v, Promise):
        return "#<promise>"
    if isinstance(v, HashTable):
        return f"#<hash-table {hash_count(v, store)}>"
    if isinstance(v, RecordType):
        return f"#<record-type {v.name}>"
    if isinstance(v, Condition):
        return f"#<condition {v.ctype.name}>"
    if isinstance(v, Restart):
        return f"#<restart {v.name.name}>"
    if isinstance(v, PromptTag):
        if v.name is None:
            return "#<prompt-tag>"
        return f"#<prompt-tag {_render(v.name, store, write)}>"
    if isinstance(v, Proposal):
        return f"#<proposal {v.pid} {v.kind}>"
    if isinstance(v, Port):
        return v.write_form()
    if isinstance(v, Regex):
        return f"#<regex {write_string(v.pattern)}>"
    if isinstance(v, EofObject):
        return "#<eof>"
    return f"#<{type(v).__name__}>"


def _render(root: Value, store: Store, write: bool) -> str:
    out: list[str] = []
    emit = out.append
    active: set[int] = set()  # ids of the vectors/records on the current printing path
    stack: list[tuple[int, Any]] = [(_VALUE, root)]
    push = stack.append
    while stack:
        op, x = stack.pop()
        if op == _TEXT:
            emit(x)
            continue
        if op == _LIST_REST:
            if isinstance(x, Pair):
                emit(" ")
                push((_LIST_REST, x.cdr))
                push((_VALUE, x.car))
            elif x is NIL:
                emit(")")
            else:
                emit(" . ")
                push((_TEXT, ")"))
                push((_VALUE, x))
            continue
        if op == _LEAVE:
            active.discard(id(x))
            continue
        # op == _VALUE
        text = _atom(x, store, write)
        if text is not None:
            emit(text)
        elif isinstance(x, Pair):
            emit("(")
            push((_LIST_REST, x.cdr))
            push((_VALUE, x.car))
        elif x is NIL:
            emit("()")
        elif id(x) in active:
            emit("#<cycle>")
        elif isinstance(x, Vector):
            n = len(x.items)
            if n == 0:
                emit("#()")
                continue
            emit("#(")
            active.add(id(x))
            push((_LEAVE, x))
            push((_TEXT, ")"))
            for i in range(n - 1, -1, -1):
                push((_VALUE, x.ref(store, i)))
                if i:
                    push((_TEXT, " "))
        elif isinstance(x, MultipleValues):
            emit("#<values")
            push((_TEXT, ">"))
            for item in reversed(x.items):
                push((_VALUE, item))
                push((_TEXT, " "))
        else:  # Record
            emit("#<" + x.rtype.name)
            active.add(id(x))
            push((_LEAVE, x))
            push((_TEXT, ">"))
            for i in range(len(x.items) - 1, -1, -1):
                push((_VALUE, x.ref(store, i)))
                push((_TEXT, " "))
    return "".join(out)


__all__ = ["write_repr", "result_repr", "display_repr", "write_string", "float_repr"]
