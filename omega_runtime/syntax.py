"""Syntax objects: what the reader produces and the expander consumes.

Every datum carries its span. Atoms hold plain runtime values (int, float, str, bool, Symbol,
Keyword, NIL); lists and vectors hold their elements as syntax objects, so spans survive down to
every element. `to_value` strips spans to give the quoted datum.
"""

from __future__ import annotations

from .records import NamedTuple
from .span import Span
from .values import NIL, Pair, Value, Vector, make_list


class Atom(NamedTuple):
    value: Value
    span: Span


class SList(NamedTuple):
    """`( ... )`, possibly improper (`tail` is the datum after the dot)."""

    items: tuple[Syntax, ...]
    span: Span
    tail: Syntax | None = None


class SVector(NamedTuple):
    """`[ ... ]` or `#( ... )`."""

    items: tuple[Syntax, ...]
    span: Span


Syntax = Atom | SList | SVector


class Diagnostic(NamedTuple):
    code: str
    message: str
    span: Span
    severity: str = "error"  # "error" | "warning" | "hint"

    def format(self) -> str:
        """The CLI form: `FILE:LINE:COL: error E0002: MESSAGE` (LANGUAGE.md 15.1)."""
        return f"{self.span.location()}: {self.severity} {self.code}: {self.message}"


class ReadResult(NamedTuple):
    data: tuple[Syntax, ...]
    diagnostics: tuple[Diagnostic, ...]
    comments: tuple[Span, ...] = ()  # line, block and datum comments, for editors


def to_value(syntax: Syntax) -> Value:
    """The datum without spans (what `quote` gives). Iterative: data may nest deeply."""
    # Post-order over an explicit stack so that 100,000 levels of nesting do not recurse.
    results: list[Value] = []
    stack: list[tuple[Syntax, bool]] = [(syntax, False)]
    while stack:
        node, done = stack.pop()
        if isinstance(node, Atom):
            results.append(node.value)
            continue
        if not done:
            stack.append((node, True))
            if isinstance(node, SList) and node.tail is not None:
                stack.append((node.tail, False))
            for item in reversed(node.items):
                stack.append((item, False))
            continue
        n = len(node.items)
        if isinstance(node, SVector):
            elems = results[len(results) - n:] if n else []
            del results[len(results) - n:]
            results.append(Vector(list(elems)))
        else:
            tail: Value = NIL
            if node.tail is not None:
                tail = results.pop()
            elems = results[len(results) - n:] if n else []
            del results[len(results) - n:]
            results.append(make_list(elems, tail))
    return results[0]


__all__ = ["Atom", "SList", "SVector", "Syntax", "Diagnostic", "ReadResult", "to_value", "Pair"]
