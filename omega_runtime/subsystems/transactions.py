"""The transactions subsystem (LANGUAGE.md 7): open transactions and their proposals as the
debugger shows them, a per-run record of every transaction's fate, opening/committing/rolling
back from Python, and the card's wiring: an amb backtrack rolls back (here: records as rolled
back) the transactions opened after the choice point.

Backtracking itself restores the machine state from before those transactions, so their writes
are already undone; this subsystem marks them `rolled-back` and emits `transaction-rollback`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..machine.machine import MachineHalt, Uncaught
from ..values import VOID

if TYPE_CHECKING:
    from .state import StateCoordinator
    from .views import ProposalView, TransactionState, TransactionView


class TransactionError(RuntimeError):
    """A Python-level transaction operation failed (e.g. a commit whose external effect failed)."""


class TransactionManager:
    def __init__(self, state: StateCoordinator, emit: Any) -> None:
        self._state = state
        self._emit = emit
        # tid -> (status, cp_mark): every transaction this run, as the events reported it
        self._log: dict[int, list[Any]] = {}
        # The entries still open or merged (the same lists): what a commit, a rollback, a backtrack
        # or the end of an evaluation may yet settle. Looking at these alone keeps each of those
        # proportional to the transactions in flight, not to every one the run has made.
        self._unsettled: dict[int, list[Any]] = {}

    # ---- views ------------------------------------------------------------------------------

    def _views(self) -> tuple[TransactionView, ...]:
        from .views import ProposalView, TransactionView

        out = []
        for tx in reversed(self._state.registers().txs):
            props = tuple(ProposalView(p.kind, p.target, p.old, p.new, p.span) for p in tx.proposals)
            out.append(TransactionView(f"tx-{tx.tid}", tx.status, tx.span, props))
        return tuple(out)

    def is_in_transaction(self) -> bool:
        return bool(self._state.registers().txs)

    def depth(self) -> int:
        return len(self._state.registers().txs)

    def current(self) -> TransactionView | None:
        views = self._views()
        return views[0] if views else None

    def proposals(self) -> tuple[ProposalView, ...]:
        """The innermost open transaction's proposals, oldest first (empty outside one)."""
        cur = self.current()
        return cur.proposals if cur is not None else ()

    def get_state(self) -> TransactionState | None:
        views = self._views()
        if not views:
            return None
        from .views import TransactionState

        return TransactionState(len(views), views)

    def history(self) -> list[tuple[str, str]]:
        """Every transaction this run as (id, status): open, committed, rolled-back, discarded."""
        return [(f"tx-{tid}", entry[0]) for tid, entry in sorted(self._log.items())]

    def status(self, tx_id: str) -> str | None:
        entry = self._log.get(_tid(tx_id))
        return None if entry is None else str(entry[0])

    # ---- event wiring -------------------------------------------------------------------------

    def on_begin(self, data: Any) -> None:
        tid = _tid(data["id"])
        mark = 0
        for tx in reversed(self._state.registers().txs):  # the new one is the innermost
            if tx.tid == tid:
                mark = tx.cp_mark
                break
        self._log[tid] = self._unsettled[tid] = ["open", mark]

    def on_commit(self, data: Any) -> None:
        tid = _tid(data["id"])
        entry = self._log.setdefault(tid, ["open", 0])
        if data.get("nested"):
            entry[0] = "merged"  # handed to its parent: its fate is the parent's
            self._unsettled[tid] = entry
            return
        self._settle(tid, "committed")
        self._settle_merged(tid, "committed")

    def on_rollback(self, data: Any) -> None:
        tid = _tid(data["id"])
        self._settle(tid, "rolled-back")
        self._settle_merged(tid, "rolled-back")

    def _settle(self, tid: int, status: str) -> None:
        self._log.setdefault(tid, ["open", 0])[0] = status
        self._unsettled.pop(tid, None)

    def _settle_merged(self, tid: int, status: str) -> None:
        # Transactions nest, so every merged one opened after `tid` while it was open is inside it.
        for other in [o for o, entry in self._unsettled.items() if o > tid and entry[0] == "merged"]:
            self._settle(other, status)

    def rollback_to_checkpoint(self, checkpoint_id: str) -> list[str]:
        """After a backtrack to choice point `checkpoint_id` (cp-N): every transaction opened after
        it that the restored state no longer holds is rolled back. Returns their ids."""
        if not self._unsettled:
            return []  # no transaction in flight (a search without any: every backtrack)
        cid = _tid(checkpoint_id)
        live = {tx.tid for tx in self._state.registers().txs}
        m = self._state.machine
        gone = []
        for tid, entry in sorted(self._unsettled.items()):
            if tid not in live and entry[1] > cid:
                self._settle(tid, "rolled-back")
                m.mark_tx(tid, "rolled-back")
                gone.append(f"tx-{tid}")
        for tx_id in gone:
            self._emit("transaction-rollback", {"id": tx_id, "reason": "backtrack", "checkpoint": checkpoint_id})
        return gone

    def on_backtrack(self, data: Any) -> None:
        self.rollback_to_checkpoint(data["id"])

    def on_eval_complete(self, _data: Any) -> None:
        """Transactions an evaluation left without commit or rollback (discarded by amb-collect or
        by backtracking past them within a collection) are recorded as discarded."""
        live = {tx.tid for tx in self._state.registers().txs}
        for tid in [t for t in self._unsettled if t not in live]:
            self._settle(tid, "discarded")

    # ---- Python-level control ---------------------------------------------------------------

    def begin(self) -> str:
        """Open a transaction around the following evaluations (until commit() or rollback()).
        Returns its id."""
        m = self._state.machine
        tid = m.open_tx(_HostNode())
        return f"tx-{tid}"

    def commit(self) -> None:
        """Commit the innermost open transaction; a failed outermost commit raises
        TransactionError with the `commit-failed` message (its writes are undone)."""
        m = self._state.machine
        if not m.r.txs:
            raise TransactionError("no open transaction")
        try:
            m.commit_tx(m.r.txs[-1].tid, VOID)
        except Uncaught as exc:
            m.c, m.k = None, None
            raise TransactionError(exc.condition.message) from None
        except MachineHalt:
            m.c, m.k = None, None
            raise

    def rollback(self) -> None:
        """Roll back the innermost open transaction (and any inside it)."""
        m = self._state.machine
        if not m.r.txs:
            raise TransactionError("no open transaction")
        m.rollback_tx(m.r.txs[-1].tid, "host")


class _HostNode:
    """The node a Python-opened transaction records: it has no source span."""

    span = None
    builtin = True


def _tid(text: str) -> int:
    return int(str(text).rsplit("-", 1)[-1])


__all__ = ["TransactionManager", "TransactionError"]
