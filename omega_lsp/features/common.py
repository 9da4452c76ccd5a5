"""Helpers shared by features: what is under the cursor."""

from __future__ import annotations

from omega_runtime.syntax import Atom
from omega_runtime.values import Symbol

from ..analysis import Analysis


def symbol_at(a: Analysis, offset: int) -> tuple[str, int, int] | None:
    """(name, start, end) of the symbol under (or just before) the cursor."""
    base, path = a.path_at(offset)
    if path and isinstance(path[-1], Atom) and isinstance(path[-1].value, Symbol):
        span = path[-1].span
        return path[-1].value.name, span.start_offset + base, span.end_offset + base
    return None


DELIMITERS = frozenset(" \t\r\n\f()[]{}\";'`,")


def prefix_at(text: str, offset: int) -> tuple[int, str]:
    """The identifier characters typed just before `offset`: (start offset, text)."""
    i = offset
    while i > 0 and text[i - 1] not in DELIMITERS:
        i -= 1
    return i, text[i:offset]
