"""The budget subsystem: the runtime's own limits (config `budget`: steps, llm-calls, tokens,
seconds) and usage over the whole run.

Usage: steps are machine transitions, oracle calls and tokens are charged by the
`llm-call-complete` wiring (every completed oracle call), seconds are evaluation wall time.
Enforcement: each top-level form runs inside a synthetic `with-budget` holding what is left, so
an exhausted runtime budget is the ordinary `budget-exceeded` condition (LANGUAGE.md 12.1), with
its `increase-budget` and `abort` restarts, at the step or request that exceeded it.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import core as C
from ..primitives.registry import primitive
from ..values import Symbol, sym

if TYPE_CHECKING:
    from .state import StateCoordinator

DIMENSIONS = ("steps", "llm-calls", "tokens", "seconds")

# Each runtime's host -> its budget manager, for `%runtime-budget-left`.
_MANAGERS: weakref.WeakKeyDictionary[Any, BudgetManager] = weakref.WeakKeyDictionary()


@primitive("%runtime-budget-left", 1, kind="ctx", derives=False, signature="(%runtime-budget-left dimension)")
def _budget_left(m: Any, dim: Any) -> Any:
    """What is left of the runtime budget's `dimension` now (the synthetic with-budget's limit)."""
    manager = _MANAGERS.get(m.services)
    name = dim.name if isinstance(dim, Symbol) else str(dim)
    if manager is None:
        return 0
    left = manager.remaining().get(name, 0)
    return float(left) if name == "seconds" else int(left)


def check_limits(limits: Mapping[str, float]) -> dict[str, float]:
    """Validated limits; ValueError names a bad dimension or value."""
    out: dict[str, float] = {}
    for dim, value in limits.items():
        name = dim.replace("_", "-")
        if name not in DIMENSIONS:
            raise ValueError(f"unknown budget dimension {dim!r}; accepted: {', '.join(DIMENSIONS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"budget {dim} must be a non-negative number, not {value!r}")
        out[name] = value
    return out


class BudgetManager:
    def __init__(self, state: StateCoordinator, limits: Mapping[str, float], emit: Any) -> None:
        self._state = state
        self._emit = emit
        self._limits = check_limits(limits)
        self._steps_base = 0  # machine transitions before the budget started counting
        self.llm_calls = 0
        self.tokens = 0
        self._seconds = 0.0
        self._eval_started: float | None = None
        _MANAGERS[state.machine.services] = self
        self.start()

    def start(self) -> None:
        """Start counting steps from the machine's current transition count."""
        self._steps_base = self._state.machine.t

    # ---- limits and usage ---------------------------------------------------------------------

    def limits(self) -> dict[str, float]:
        return dict(self._limits)

    def set_limits(self, limits: Mapping[str, float]) -> None:
        self._limits = check_limits(limits)

    def increase(self, dimension: str, amount: float) -> None:
        name = dimension.replace("_", "-")
        if name not in self._limits:
            raise ValueError(f"no {dimension} limit is set")
        self._limits[name] += amount

    def seconds_used(self) -> float:
        running = time.monotonic() - self._eval_started if self._eval_started is not None else 0.0
        return self._seconds + running

    def usage(self) -> dict[str, float]:
        return {"steps": max(0, self._state.machine.t - self._steps_base), "llm-calls": self.llm_calls,
                "tokens": self.tokens, "seconds": self.seconds_used()}

    def remaining(self) -> dict[str, float]:
        """What is left of each limited dimension (never negative)."""
        used = self.usage()
        return {dim: max(0, lim - used[dim]) for dim, lim in self._limits.items()}

    def exceeded(self) -> list[str]:
        used = self.usage()
        return [dim for dim, lim in self._limits.items() if used[dim] > lim]

    # ---- wiring -----------------------------------------------------------------------------

    def record_llm_call(self, tokens: int) -> None:
        """Charge one completed oracle call and its tokens."""
        self.llm_calls += 1
        self.tokens += tokens

    def on_eval_start(self, _data: Any) -> None:
        self._eval_started = time.monotonic()

    def on_eval_complete(self, _data: Any) -> None:
        if self._eval_started is not None:
            self._seconds += time.monotonic() - self._eval_started
            self._eval_started = None

    def wrap(self, core: Any) -> Any:
        """`core` inside a synthetic `with-budget` whose limits are what is left when the form
        starts (unchanged with no limits)."""
        if not self._limits:
            return core
        span = core.span
        limits: list[tuple[str, C.Node]] = []
        for dim in DIMENSIONS:
            if dim in self._limits:
                call = C.App(span, fn=C.PrimRef(span, name="%runtime-budget-left", synthetic=True),
                             args=[C.Const(span, value=sym(dim), synthetic=True)], synthetic=True)
                limits.append((dim, call))
        return C.WithBudget(span, limits=limits, body=core, synthetic=True)


__all__ = ["BudgetManager", "DIMENSIONS", "check_limits"]
