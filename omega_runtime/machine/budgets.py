"""Budgets (LANGUAGE.md 7): the limits of the `with-budget` extents, their checks (steps,
seconds, oracle calls and tokens) and what a budget-exceeded condition's restarts do; the
capabilities the extents grant."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError
from ..values import (
    Restart,
    sym,
)
from . import frames as F
from . import transfers
from .state import Budget

if TYPE_CHECKING:
    from .machine import Machine


def open_budget(m: Machine, node: Any, dims: list[str], vals: tuple[Any, ...]) -> Budget | None:
    limits = []
    for dim, val in zip(dims, vals):
        if val.__class__ is bool or not isinstance(val, (int, float)) or val < 0:
            m.raise_error(OmegaError("wrong-type", f"with-budget: expected number, got {val!r}", ("number", val)), node)
            return None
        limits.append((dim, val))
    if any(dim == "seconds" for dim, _ in limits):
        m.timed_budgets = True
    order = ["steps", "llm-calls", "tokens", "seconds"]
    limits.sort(key=lambda x: order.index(x[0]))
    mono = m.r.mono
    b = Budget(m.next_id("budget"), tuple(limits), m.t, mono.llm_calls, mono.tokens, time.monotonic(), node.span)
    for dim, lim in limits:
        if dim == "steps":
            deadline = m.t + lim
            if deadline < m.r.step_deadline:
                m.r = m.r._replace(step_deadline=deadline)
    m.reset_check()
    return b


def active_budgets(m: Machine) -> list[tuple[Any, Budget]]:
    out = []
    k = F.innermost_marked(m.k)  # extent frames only (see frames.innermost_marked)
    while k is not None:
        if k.__class__ is F.ExtentFrame and k.ekind == "with-budget":
            out.append((k, k.data))
        k = F.innermost_marked(k.next)
    return out


def budget_limit(m: Machine, b: Budget, dim: str) -> int | float | None:
    extra = m.s.get(("budget-extra", b.bid, dim), 0)
    for d, lim in b.limits:
        if d == dim:
            return lim + extra  # type: ignore[no-any-return]
    return None


def budget_used(m: Machine, b: Budget, dim: str) -> int | float:
    mono = m.r.mono
    if dim == "steps":
        return m.t - b.start_t
    if dim == "llm-calls":
        return mono.llm_calls - b.start_llm
    if dim == "tokens":
        return mono.tokens - b.start_tokens
    return time.monotonic() - b.start_time


def check_step_budget(m: Machine) -> None:
    deadline = math.inf
    for frame, b in active_budgets(m):
        lim = budget_limit(m, b, "steps")
        if lim is None:
            continue
        if budget_used(m, b, "steps") > lim:
            m.r = m.r._replace(step_deadline=math.inf)
            budget_exceeded(m, frame, b, "steps", lim)
            return
        deadline = min(deadline, b.start_t + lim + 1)
    m.r = m.r._replace(step_deadline=deadline)


def check_seconds_budget(m: Machine) -> None:
    if not m.timed_budgets:
        return
    for frame, b in active_budgets(m):
        lim = budget_limit(m, b, "seconds")
        if lim is not None and budget_used(m, b, "seconds") > lim:
            budget_exceeded(m, frame, b, "seconds", lim)
            return


def check_budget_before_oracle(m: Machine, node: Any, op: str, args: tuple[Any, ...]) -> bool:
    """True when an oracle request may be sent; else signals budget-exceeded, whose
    `increase-budget` restart performs the effect again."""
    resume = ("retry_effect", (m.k, node, m.e, op, args))
    for frame, b in active_budgets(m):
        lim = budget_limit(m, b, "llm-calls")
        if lim is not None and budget_used(m, b, "llm-calls") + 1 > lim:
            budget_exceeded(m, frame, b, "llm-calls", lim, node, resume)
            return False
        lim = budget_limit(m, b, "seconds")
        if lim is not None and budget_used(m, b, "seconds") > lim:
            budget_exceeded(m, frame, b, "seconds", lim, node, resume)
            return False
    return True


def check_tokens_after_oracle(m: Machine) -> None:
    for frame, b in active_budgets(m):
        lim = budget_limit(m, b, "tokens")
        if lim is not None and budget_used(m, b, "tokens") > lim:
            budget_exceeded(m, frame, b, "tokens", lim)
            return


def budget_exceeded(m: Machine, frame: Any, b: Budget, dim: str, limit: int | float, node: Any = None,
                    resume: tuple[str, tuple[Any, ...]] | None = None) -> None:
    used = budget_used(m, b, dim)
    shown = _num_text(limit)
    err = OmegaError("budget-exceeded", f"{dim} budget of {shown} exceeded",
                     (sym(dim), limit, used if dim != "seconds" else float(used)), restarts=())
    if resume is None:  # a step or time limit: continue where the machine stands
        resume = ("resume_state", (m.c, m.v, m.e, m.k))
    err.extra_restarts = (  # type: ignore[attr-defined]
        Restart(sym("increase-budget"), ("amount",), None, ("increase_budget", (b, dim, resume))),
        Restart(sym("abort"), ("value",), None, ("abort_budget", (frame,))),
    )
    m.services.emit("budget-exceeded", {"dimension": dim, "limit": limit})
    m.raise_error(err, node if node is not None else m.c)


def increase_budget(m: Machine, args: tuple[Any, ...], b: Budget, dim: str, resume: tuple[str, tuple[Any, ...]]) -> None:
    amount = args[0] if args else 0
    key = ("budget-extra", b.bid, dim)
    m.s = m.s.set(key, m.s.get(key, 0) + amount)
    if dim == "steps":
        m.r = m.r._replace(step_deadline=m.t + 1)
    m.reset_check()
    F.call_back(m, resume[0], (), resume[1])


F.CALLBACKS["increase_budget"] = increase_budget


def resume_state(m: Machine, _args: tuple[Any, ...], c: Any, v: Any, e: Any, k: Any) -> None:
    m.c, m.v, m.e, m.k = c, v, e, k


F.CALLBACKS["resume_state"] = resume_state


def abort_budget(m: Machine, args: tuple[Any, ...], frame: Any) -> None:
    value = args[0] if args else False

    def then(m: Machine) -> None:
        m.v, m.c = value, None

    transfers.unwind_to(m, frame.next, then)


F.CALLBACKS["abort_budget"] = abort_budget


def budget_remaining(m: Machine) -> list[tuple[str, int | float]]:
    dims: dict[str, int | float] = {}
    for _frame, b in active_budgets(m):
        for dim, _lim in b.limits:
            lim = budget_limit(m, b, dim)
            assert lim is not None
            left = lim - budget_used(m, b, dim)
            if dim != "seconds":
                left = max(0, left)
            dims[dim] = min(dims.get(dim, math.inf), left)
    order = ["steps", "llm-calls", "tokens", "seconds"]
    return [(d, float(dims[d]) if d == "seconds" else int(dims[d])) for d in order if d in dims]


def capabilities(m: Machine) -> frozenset[str]:
    caps = frozenset(m.services.granted_capabilities)
    k = F.innermost_marked(m.k)  # extent frames only (see frames.innermost_marked)
    while k is not None:
        if k.__class__ is F.ExtentFrame and k.ekind == "with-capabilities":
            caps = caps & k.data
        k = F.innermost_marked(k.next)
    return caps


def _num_text(x: int | float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)
