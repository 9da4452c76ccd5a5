"""The conditions subsystem (LANGUAGE.md 10): every condition signalled this run (observed at the
signal point), the `condition-signalled` event, and the active handlers and restarts."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from ..machine import frames as F
from ..records import NamedTuple
from ..span import Span
from ..values import Condition

if TYPE_CHECKING:
    from .state import StateCoordinator


class SignalRecord(NamedTuple):
    type: str
    message: str
    severity: str  # signal | warn | error
    span: Span | None
    step: int
    condition: Condition


class ConditionsManager:
    def __init__(self, state: StateCoordinator, emit: Any, limit: int = 1000) -> None:
        self._state = state
        self._emit = emit
        self._log: deque[SignalRecord] = deque(maxlen=limit)

    def watch(self, m: Any, cond: Condition, severity: str) -> None:
        """Installed as a host signal watcher: called at every signal point."""
        rec = SignalRecord(cond.ctype.name, cond.message, severity, cond.span, m.t, cond)
        self._log.append(rec)
        self._emit("condition-signalled", {"type": rec.type, "message": rec.message, "severity": severity,
                                           "condition": cond})

    def history(self) -> list[SignalRecord]:
        """Signalled conditions, oldest first (the last `limit` of them)."""
        return list(self._log)

    def last(self) -> SignalRecord | None:
        return self._log[-1] if self._log else None

    def clear(self) -> None:
        self._log.clear()

    def active_handlers(self) -> list[str]:
        """Condition types with an active handler-bind handler or guard, innermost first."""
        out: list[str] = []
        k = self._state.continuation()
        while k is not None:
            if k.__class__ is F.ExtentFrame:
                if k.ekind == "handler-bind":
                    out.extend(t.name for t in k.data[0])
                elif k.ekind == "guard":
                    out.append("error")
            k = k.next
        return out

    def active_restarts(self) -> list[str]:
        """Names of the active restarts, innermost first (empty between evaluations)."""
        return [r.name.name for r in self._state.machine.active_restarts()]


__all__ = ["ConditionsManager", "SignalRecord"]
