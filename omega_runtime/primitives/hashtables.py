"""The hash-table primitives (LANGUAGE.md 14.4). A table's content and its key forms are
`hash_content.py`'s (re-exported here for the primitives' users)."""

from __future__ import annotations

from ..conditions import key_error, wrong_type
from ..hash_content import CopiedHashTable, HashContent, hash_content, hash_count, hash_entries, hash_key
from ..values import MISSING, VOID, HashTable, Pair, Value, make_list
from . import cells, checks
from .registry import PrimContext, primitive


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
