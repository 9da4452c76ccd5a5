"""How container writes reach the machine's store (LANGUAGE.md 7, 16.1).

Every vector, record-field and hash-table write goes through `write`, which calls the machine's
`write_cell(key, value, (kind, target, old, new))`; inside a transaction the machine records that
tuple as the proposal `(kind target old new)`. The target is the Omega list `(container index)`,
`(table key)` or `(record field)`; an absent old or new value is void.
"""

from __future__ import annotations

from typing import Any, cast

from ..values import MISSING, NIL, VOID, Pair, Value
from .registry import PrimContext


def write(ctx: PrimContext, key: Any, value: Value, kind: str, container: Value, where: Value,
          old: Value, new: Value) -> None:
    """Store `value` at `key`, describing the write as a `kind` proposal on `(container where)`."""
    target = Pair(container, Pair(where, NIL))
    proposal = (kind, target, VOID if old is MISSING else old, VOID if new is MISSING else new)
    # The machine's write_cell takes the proposal tuple (registry.PrimContext still shows an
    # older (kind, target) signature), hence the cast.
    cast(Any, ctx).write_cell(key, value, proposal)
