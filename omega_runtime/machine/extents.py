"""Entering and leaving extents (LANGUAGE.md 11-12), and the transactions among them: opening,
committing and rolling back, and the undo of their writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError
from ..values import (
    MISSING,
    VOID,
    next_serial,
    sym,
)
from . import budgets, choice, stores
from . import frames as F
from .state import ProposalRecord, Transaction

if TYPE_CHECKING:
    from .machine import Machine


def enter_extent(m: Machine, node: Any, vals: tuple[Any, ...], env: Any) -> None:
    kind = node.kind
    info = node.info
    m.e = env
    data: Any = None
    if kind == "with-transaction":
        data = open_tx(m, node)
    elif kind == "with-budget":
        data = budgets.open_budget(m, node, info.dims, vals)
        if data is None:
            return
    elif kind == "with-capabilities":
        data = frozenset(info.caps)
    elif kind == "handler-bind":
        data = (tuple(info.types), vals)
    elif kind == "restart-bind":
        data = (tuple(info.names), vals, (m.s, next_serial()))
    elif kind == "restart-case":
        data = (m.s, next_serial())
    elif kind == "amb-collect":
        cid = m.next_id("collect")
        data = (cid, m.s, m.r)
    m.k = F.ExtentFrame(kind, node, env, data, m.k)
    m.c = node.body


def exit_extent(m: Machine, frame: Any, v: Any) -> None:
    kind = frame.ekind
    m.v, m.c = v, None
    if kind == "with-transaction":
        if tx_is_open(m, frame.data):
            commit_tx(m, frame.data, v)
    elif kind == "amb-collect":
        m.k = frame  # stay inside: collect the value and force a failure
        cid = frame.data[0]
        mono = m.r.mono
        # Newest first, as a chain of pairs: adding one is O(1) and shares the rest with the
        # states before it (a tuple grown by one per solution made collecting n values O(n^2)).
        got = (v, mono.collected.get(cid, None))
        m.r = m.r.with_mono(mono.with_collected(mono.collected.set(cid, got)))
        choice.fail(m, sym("amb-collect"), None)
    elif kind == "dynamic-wind":
        m.k = F.ReturnValueFrame(v, m.k)
        m.apply(frame.data[1], (), None)
    elif kind == "prompt":
        pass


def open_tx(m: Machine, node: Any) -> int:
    tid = m.next_id("tx")
    cp_mark = m.r.mono.ids.get("cp", 0) + 1
    tx = Transaction(tid, node.span, "open", cp_mark=cp_mark)
    m.r = m.r._replace(txs=m.r.txs + (tx,))
    m.services.emit("transaction-begin", {"id": f"tx-{tid}"})
    return tid


def mark_tx(m: Machine, tid: int, status: str) -> None:
    """Closed transactions' statuses live in the store (restored with it)."""
    m.s = m.s.set(("tx-status", tid), status)


def _tx_position(m: Machine, tid: int) -> int:
    """Where `tid` is among the open transactions, or -1. Searched innermost first: the one asked
    about is nearly always the innermost. (An index loop: mypyc cannot compile `reversed` over
    the untyped tuple.)"""
    txs = m.r.txs
    for i in range(len(txs) - 1, -1, -1):
        if txs[i].tid == tid:
            return i
    return -1


def tx_status(m: Machine, tid: int) -> str:
    i = _tx_position(m, tid)
    if i >= 0:
        return str(m.r.txs[i].status)
    return str(m.s.get(("tx-status", tid), "open"))


def tx_is_open(m: Machine, tid: int) -> bool:
    return _tx_position(m, tid) >= 0


def _tx_index(m: Machine, tid: int) -> int:
    i = _tx_position(m, tid)
    if i < 0:
        raise KeyError(tid)
    return i


def commit_tx(m: Machine, tid: int, value: Any) -> None:
    i = _tx_index(m, tid)
    txs = m.r.txs
    # Inner transactions still open (an early exit through commit of an outer one) commit too.
    while len(txs) - 1 > i:
        _commit_innermost(m)
        txs = m.r.txs
    _commit_innermost(m)


def _commit_innermost(m: Machine) -> None:
    txs = m.r.txs
    tx = txs[-1]
    if len(txs) > 1:
        parent = txs[-2]
        merged = parent._replace(undo=parent.undo + tx.undo, proposals=parent.proposals + tx.proposals,
                                 external=parent.external + tx.external)
        m.r = m.r._replace(txs=txs[:-2] + (merged,))
        m.services.emit("transaction-commit", {"id": f"tx-{tx.tid}", "nested": True})
        return
    m.r = m.r._replace(txs=())
    failure = m.services.perform_external(m, tx.external)
    if failure is not None:
        _undo(m, tx.undo)
        mark_tx(m, tx.tid, "failed")
        kind, target, detail = failure
        m.raise_error(OmegaError("commit-failed", f"commit failed: {detail}", (sym(kind), target, detail)), None)
        return
    mark_tx(m, tx.tid, "committed")
    # A committed world cannot be backtracked into.
    m.r = m.r._replace(choices=m.r.choices.older_than(tx.cp_mark))
    m.services.emit("transaction-commit", {"id": f"tx-{tx.tid}", "nested": False})


def rollback_tx(m: Machine, tid: int, why: str) -> None:
    """Roll back `tid` and every transaction opened inside it."""
    if not tx_is_open(m, tid):
        return
    i = _tx_index(m, tid)
    for watcher in m.services.rollback_watchers:
        watcher(m, m.r.txs[i], why)
    while len(m.r.txs) > i:
        tx = m.r.txs[-1]
        m.r = m.r._replace(txs=m.r.txs[:-1])
        _undo(m, tx.undo)
        mark_tx(m, tx.tid, "rolled-back")
        m.services.emit("transaction-rollback", {"id": f"tx-{tx.tid}"})


def _undo(m: Machine, undo: tuple[tuple[Any, ...], ...]) -> None:
    s = m.s
    facts = m.r.facts
    for kind, key, old in undo[::-1]:
        if kind == "cell":
            s = s.delete(key) if old is MISSING and key in s else (s if old is MISSING else s.set(key, old))
        else:
            facts = facts.delete(key) if old is None and key in facts else (facts if old is None else facts.set(key, old))
    m.s = s
    m.r = m.r._replace(facts=facts)
    for watcher in m.services.write_watchers:
        for kind, key, _old in undo:
            if kind == "cell":
                watcher(m, key)


def record_fact_change(m: Machine, key: Any, old_entry: Any, kind: str, old: Any, new: Any) -> None:
    if m.r.txs:
        rec = ProposalRecord(kind, key, old, new, m.current_span())
        stores.update_tx(m, lambda tx: tx._replace(undo=tx.undo + (("fact", key, old_entry),),
                                            proposals=tx.proposals + (rec,)))


def propose_external(m: Machine, proposal: Any, target: Any) -> None:
    rec = ProposalRecord(proposal.kind, target, VOID, proposal, m.current_span())
    stores.update_tx(m, lambda tx: tx._replace(proposals=tx.proposals + (rec,),
                                        external=tx.external + (proposal,)))
