"""Program writes to the store (LANGUAGE.md 16.1): each one checked by a debugger's watch,
recorded in the open transaction as a proposal with its undo record (LANGUAGE.md 7) and seen
by the write watchers; and `set!` and global `define`, which write through them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..values import MISSING, VOID, sym
from .procedures import Closure
from .state import ProposalRecord, Transaction

if TYPE_CHECKING:
    from .machine import Machine


def write_cell(m: Machine, key: Any, value: Any, proposal: tuple[Any, ...] | None = None, init: bool = False) -> None:
    """Every program write to the store goes through here (MISSING as `value` deletes)."""
    if m.watch is not None and not init:
        m.watch.check_write(m, key)
    r = m.r
    if r.txs and not init:
        old = m.s.get(key, MISSING)
        kind, target, pold, pnew = proposal if proposal is not None else ("set", key, old, value)
        rec = ProposalRecord(kind, target, pold, pnew, m.current_span())
        update_tx(m, lambda tx: tx._replace(undo=tx.undo + (("cell", key, old),), proposals=tx.proposals + (rec,)))
    m.s = m.s.set(key, value)
    for watcher in m.services.write_watchers:
        watcher(m, key)


def update_tx(m: Machine, fn: Callable[[Transaction], Transaction]) -> None:
    """Replace the innermost open transaction with `fn` of it."""
    txs = m.r.txs
    m.r = m.r._replace(txs=txs[:-1] + (fn(txs[-1]),))


def assign(m: Machine, node: Any, env: Any, v: Any) -> None:
    """`set!` of a local (its cell) or a global, or a global `define`, of `v` in `env`."""
    if node.kind == "setlocal":
        e = env
        for _ in range(node.depth):
            e = e[0]
        write_cell(m, e[node.slot], v, ("set", sym(node.binding.name), m.s.get(e[node.slot], VOID), v))
    elif node.define:
        old = m.s.get(node.name, MISSING)
        write_cell(m, node.name, v, ("set", node.name, VOID if old is MISSING else old, v))
        if isinstance(v, Closure) and v.name is None:
            v.name = node.name.name
    else:
        old = m.global_in(m.s, node.name)
        if old is MISSING:
            m.unbound(node.name.name, node)
            return
        write_cell(m, node.name, v, ("set", node.name, old, v))
    m.v = VOID
