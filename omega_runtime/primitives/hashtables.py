"""Hash tables (LANGUAGE.md 14.4) and their content representation.

A table's whole content is one store cell keyed by the `HashTable` object: a `HashContent`, an
immutable map from a *key form* to `(seq, key, value)` plus the next insertion number, so every
write is O(log n) and old stores keep old contents. Numbers, strings, symbols, keywords, booleans,
`()` and pairs built only of these are compared as keys with `equal?`; other keys by identity.
Iteration is in insertion order (by `seq`); updating a present key keeps its place.
"""

from __future__ import annotations

from typing import Any

import attrs
import immutables

from ..conditions import key_error, wrong_type
from ..values import MISSING, VOID, HashTable, Keyword, Nil, Pair, Store, Symbol, Value, make_list
from . import cells, checks
from .registry import PrimContext, primitive

# Key-form tags. Tag 0 is identity; every atom contributes (tag, payload); a pair contributes
# the lone _PAIR token before its car and cdr, so the flat pre-order token tuple is unambiguous.
_IDENTITY, _INT, _FLOAT, _STR, _BOOL, _NIL, _SYM, _KW, _PAIR = range(9)


def _atom_key(v: Value) -> tuple[int, Any] | None:
    if v.__class__ is bool:
        return (_BOOL, v)
    if isinstance(v, int):
        return (_INT, int(v))
    if isinstance(v, float):
        return (_FLOAT, float(v))
    if isinstance(v, str):
        return (_STR, str(v))
    if isinstance(v, Symbol):
        return (_SYM, v)
    if isinstance(v, Keyword):
        return (_KW, v)
    if isinstance(v, Nil):
        return (_NIL, None)
    return None


def hash_key(v: Value) -> tuple[Any, ...]:
    """The key form of `v`: equal forms for `equal?` content keys, `(0, v)` for identity keys.

    Pairs are flattened iteratively into one flat tuple (no nesting), so even very long or deep
    list keys hash without recursion.
    """
    k = _atom_key(v)
    if k is not None:
        return k
    if not isinstance(v, Pair):
        return (_IDENTITY, v)
    tokens: list[Any] = []
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, Pair):
            tokens.append(_PAIR)
            stack.append(x.cdr)
            stack.append(x.car)
            continue
        ak = _atom_key(x)
        if ak is None:
            return (_IDENTITY, v)
        tokens.extend(ak)
    return tuple(tokens)


@attrs.frozen(slots=True)
class HashContent:
    """One table's entries: key form -> (seq, key, value); `next_seq` numbers insertions."""

    entries: immutables.Map[Any, tuple[int, Value, Value]] = attrs.field(factory=immutables.Map)
    next_seq: int = 0

    def lookup(self, key: Value, default: Value = MISSING) -> Value:
        entry = self.entries.get(hash_key(key))
        return default if entry is None else entry[2]

    def set(self, key: Value, value: Value) -> HashContent:
        form = hash_key(key)
        old = self.entries.get(form)
        if old is not None:
            return HashContent(self.entries.set(form, (old[0], old[1], value)), self.next_seq)
        return HashContent(self.entries.set(form, (self.next_seq, key, value)), self.next_seq + 1)

    def delete(self, key: Value) -> HashContent:
        form = hash_key(key)
        if form not in self.entries:
            return self
        return HashContent(self.entries.delete(form), self.next_seq)

    def items(self) -> list[tuple[Value, Value]]:
        """(key, value) in insertion order."""
        return [(k, v) for _, k, v in sorted(self.entries.values(), key=lambda e: e[0])]

    def __len__(self) -> int:
        return len(self.entries)


EMPTY = HashContent()


class CopiedHashTable(HashTable):
    """A table made by `hash-table-copy`: its content starts as `initial` (like a vector's
    `items`), so copying writes no store cell."""

    __slots__ = ("initial",)

    def __init__(self, initial: HashContent) -> None:
        super().__init__()
        self.initial = initial


def hash_content(table: HashTable, store: Store) -> HashContent:
    """The table's current content."""
    c = store.get(table, MISSING)
    if c is MISSING:
        return table.initial if isinstance(table, CopiedHashTable) else EMPTY
    assert isinstance(c, HashContent)
    return c


def hash_entries(table: HashTable, store: Store) -> list[tuple[Value, Value]]:
    """(key, value) pairs in insertion order (for the printer, `hash-table->alist`, debuggers)."""
    return hash_content(table, store).items()


def hash_count(table: HashTable, store: Store) -> int:
    return len(hash_content(table, store))


def _table(prim: str, v: Value) -> HashTable:
    if not isinstance(v, HashTable):
        raise wrong_type(prim, "hash-table", v)
    return v


def _write(ctx: PrimContext, table: HashTable, old: HashContent, new: HashContent, kind: str, key: Value) -> None:
    cells.write(ctx, table, new, kind, table, key, old.lookup(key), new.lookup(key))


@primitive("make-hash-table", 0, signature="(make-hash-table)")
def make_hash_table() -> Value:
    """A new empty hash table."""
    return HashTable()


@primitive("hash-table?", 1, signature="(hash-table? v)")
def hash_table_p(v: Value) -> Value:
    """Is `v` a hash table?"""
    return isinstance(v, HashTable)


@primitive("hash-table-set!", 3, kind="ctx", signature="(hash-table-set! table key value)")
def hash_table_set(ctx: PrimContext, table: Value, key: Value, value: Value) -> Value:
    """Map `key` to `value`."""
    t = _table("hash-table-set!", table)
    old = hash_content(t, ctx.store)
    _write(ctx, t, old, old.set(key, value), "hash-set", key)
    return VOID


@primitive("hash-table-delete!", 2, kind="ctx", signature="(hash-table-delete! table key)")
def hash_table_delete(ctx: PrimContext, table: Value, key: Value) -> Value:
    """Remove `key` if present."""
    t = _table("hash-table-delete!", table)
    content = hash_content(t, ctx.store)
    if content.lookup(key) is not MISSING:
        _write(ctx, t, content, content.delete(key), "hash-delete", key)
    return VOID


@primitive("hash-table-contains?", 2, kind="ctx", signature="(hash-table-contains? table key)")
def hash_table_contains(ctx: PrimContext, table: Value, key: Value) -> Value:
    """Does the table hold `key`?"""
    t = _table("hash-table-contains?", table)
    return hash_content(t, ctx.store).lookup(key) is not MISSING


@primitive("%hash-table-ref", 2, kind="ctx", derives=False, signature="(%hash-table-ref table key)")
def hash_table_ref2(ctx: PrimContext, table: Value, key: Value) -> Value:
    """`hash-table-ref` without a failure thunk: a missing key is a key-error."""
    t = _table("hash-table-ref", table)
    v = hash_content(t, ctx.store).lookup(key)
    if v is MISSING:
        raise key_error("hash-table-ref", key)
    return v


@primitive("%hash-table-lookup", 4, kind="ctx", derives=False,
           signature="(%hash-table-lookup name table key default)")
def hash_table_lookup(ctx: PrimContext, name: Value, table: Value, key: Value, default: Value) -> Value:
    """The value for `key`, or `default`; type errors name the prelude procedure `name`."""
    t = _table(checks.name_of(name), table)
    return hash_content(t, ctx.store).lookup(key, default)


@primitive("hash-table-ref/default", 3, kind="ctx", derives=False,
           signature="(hash-table-ref/default table key default)")
def hash_table_ref_default(ctx: PrimContext, table: Value, key: Value, default: Value) -> Value:
    """The value for `key`, or `default`."""
    t = _table("hash-table-ref/default", table)
    return hash_content(t, ctx.store).lookup(key, default)


@primitive("hash-table-count", 1, kind="ctx", signature="(hash-table-count table)")
def hash_table_count(ctx: PrimContext, table: Value) -> Value:
    """Number of entries."""
    return hash_count(_table("hash-table-count", table), ctx.store)


@primitive("hash-table-keys", 1, kind="ctx", signature="(hash-table-keys table)")
def hash_table_keys(ctx: PrimContext, table: Value) -> Value:
    """The keys, in insertion order."""
    return make_list([k for k, _ in hash_entries(_table("hash-table-keys", table), ctx.store)])


@primitive("hash-table-values", 1, kind="ctx", signature="(hash-table-values table)")
def hash_table_values(ctx: PrimContext, table: Value) -> Value:
    """The values, in insertion order."""
    return make_list([v for _, v in hash_entries(_table("hash-table-values", table), ctx.store)])


@primitive("hash-table->alist", 1, kind="ctx", signature="(hash-table->alist table)")
def hash_table_to_alist(ctx: PrimContext, table: Value) -> Value:
    """`(key . value)` pairs, in insertion order."""
    return make_list([Pair(k, v) for k, v in hash_entries(_table("hash-table->alist", table), ctx.store)])


@primitive("hash-table-copy", 1, kind="ctx", signature="(hash-table-copy table)")
def hash_table_copy(ctx: PrimContext, table: Value) -> Value:
    """A new table with the same entries."""
    return CopiedHashTable(hash_content(_table("hash-table-copy", table), ctx.store))


@primitive("hash-table-clear!", 1, kind="ctx", signature="(hash-table-clear! table)")
def hash_table_clear(ctx: PrimContext, table: Value) -> Value:
    """Remove every entry (one `hash-delete` write per key, so transactions can undo each)."""
    t = _table("hash-table-clear!", table)
    content = hash_content(t, ctx.store)
    for key, _ in content.items():
        new = content.delete(key)
        _write(ctx, t, content, new, "hash-delete", key)
        content = new
    return VOID


__all__ = ["HashContent", "hash_key", "hash_content", "hash_entries", "hash_count"]
