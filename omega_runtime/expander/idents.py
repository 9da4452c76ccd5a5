"""Identifiers and hygiene marks.

An identifier is an Atom whose value is a Symbol (written by the user) or a `Renamed` (put
there by a syntax-rules template). A `Renamed` carries the marks of the expansions that
introduced it; two identifiers denote the same variable only when symbol and marks agree, so a
template's bindings never capture user names nor the reverse. A Renamed identifier bound by no
enclosing form means what its symbol means at top level (macros are defined only there).
"""

from __future__ import annotations

from ..syntax import Atom, SList, SVector, Syntax
from ..values import NIL, Symbol, Value, Vector, make_list


class Renamed:
    """An identifier a macro template introduced: its symbol and the marks of the expansions
    it came from. Equal by symbol and marks; `macro` (the macro whose template introduced it)
    is only reported. Immutable by convention (a dictionary key throughout the expander)."""

    __slots__ = ("symbol", "marks", "macro")

    def __init__(self, symbol: Symbol, marks: tuple[int, ...], macro: str = "") -> None:
        self.symbol = symbol
        self.marks = marks
        self.macro = macro

    def __eq__(self, other: object) -> bool:
        return (other.__class__ is Renamed and self.symbol is other.symbol
                and self.marks == other.marks)

    def __hash__(self) -> int:
        return hash((self.symbol, self.marks))

    def __repr__(self) -> str:
        return f"{self.symbol.name}#{'.'.join(map(str, self.marks))}"


Key = Symbol | Renamed


def ident_key(syn: Syntax) -> Key | None:
    """The identifier key of `syn`, or None when it is not an identifier."""
    if type(syn) is Atom:
        v = syn.value
        t = type(v)
        if t is Symbol or t is Renamed:
            return v  # type: ignore[no-any-return]
    return None


def base_symbol(key: Key) -> Symbol:
    return key.symbol if isinstance(key, Renamed) else key


def base_name(key: Key) -> str:
    return key.symbol.name if isinstance(key, Renamed) else key.name


def is_named(syn: Syntax, name: str) -> bool:
    """True when `syn` is an identifier spelled `name` (whatever its marks)."""
    key = ident_key(syn)
    return key is not None and base_name(key) == name


def with_symbol(key: Key, symbol: Symbol) -> Key:
    """`key`'s marks on another symbol (`?x` binds `x` in the same hygiene context)."""
    if isinstance(key, Renamed):
        return Renamed(symbol, key.marks, key.macro)
    return symbol


def rename(key: Key, mark: int, macro: str) -> Renamed:
    if isinstance(key, Renamed):
        return Renamed(key.symbol, key.marks + (mark,), macro)
    return Renamed(key, (mark,), macro)


def macro_of(key: Key) -> str | None:
    return key.macro if isinstance(key, Renamed) else None


def strip(syntax: Syntax) -> Value:
    """The datum of `syntax` with renamed identifiers back to their symbols (quote's value).

    Post-order over an explicit stack: quoted data may nest 100,000 deep."""
    results: list[Value] = []
    stack: list[tuple[Syntax, bool]] = [(syntax, False)]
    while stack:
        node, done = stack.pop()
        if isinstance(node, Atom):
            v = node.value
            results.append(v.symbol if isinstance(v, Renamed) else v)
            continue
        if not done:
            stack.append((node, True))
            if isinstance(node, SList) and node.tail is not None:
                stack.append((node.tail, False))
            for item in reversed(node.items):
                stack.append((item, False))
            continue
        n = len(node.items)
        tail: Value = NIL
        if isinstance(node, SList) and node.tail is not None:
            tail = results.pop()
        elems = results[len(results) - n:] if n else []
        if n:
            del results[len(results) - n:]
        results.append(Vector(elems) if isinstance(node, SVector) else make_list(elems, tail))
    return results[0]

