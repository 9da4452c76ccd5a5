"""Helpers shared by features: what is under the cursor."""

from __future__ import annotations

from omega_runtime.syntax import Atom
from omega_runtime.values import Symbol

from ..analysis import Analysis
from ..walk import datum_path


def symbol_at(a: Analysis, offset: int) -> Atom | None:
    """The symbol atom under (or just before) the cursor."""
    path = datum_path(a.read.data, offset)
    if path and isinstance(path[-1], Atom) and isinstance(path[-1].value, Symbol):
        return path[-1]
    return None


DELIMITERS = frozenset(" \t\r\n\f()[]{}\";'`,")


def prefix_at(text: str, offset: int) -> tuple[int, str]:
    """The identifier characters typed just before `offset`: (start offset, text)."""
    i = offset
    while i > 0 and text[i - 1] not in DELIMITERS:
        i -= 1
    return i, text[i:offset]
