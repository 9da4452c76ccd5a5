"""`amb` (LANGUAGE.md 6): choice points, failure and backtracking to the newest choice point of
the innermost `amb-collect` (or the top level), and the end of a collect."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError
from ..values import (
    NIL,
    VOID,
    Pair,
    make_list,
    sym,
)
from . import application
from . import frames as F
from . import nodes as N
from .state import ChoicePoint, State, new_record
from .state import ChoiceStack as new_choice_stack

if TYPE_CHECKING:
    from .machine import Machine

FAIL = sym("amb.fail")

# A `marked` argument not given: the innermost marked frame of the machine's continuation is
# searched for (perform, which has just found it, passes it on).
NOT_SEARCHED: Any = object()


def current_boundary(m: Machine, marked: Any = NOT_SEARCHED) -> tuple[int, Any]:
    """The innermost `amb-collect` around the machine's continuation: its id and frame, or
    (0, None) at the top level. `marked`: the continuation's innermost marked frame, if found."""
    k = F.innermost_marked(m.k) if marked is NOT_SEARCHED else marked
    while k is not None:
        if type(k) is F.ExtentFrame and k.ekind == "amb-collect":
            return k.data[0], k
        k = F.innermost_marked(k.next)
    return 0, None


# What perform_amb returns for an effect it leaves to the frame's own `resume`.
NOT_PERFORMED: Any = object()


def perform_amb(m: Machine, frame: F.EffectFrame, v: Any) -> Any:
    """Complete the effect frame `frame` with its last argument's value `v` when it performs
    `amb.choose` or `amb.fail` and no `handle` takes it: exactly what its `resume`, then
    Machine.perform and the built-in operation, would do, in one pass over the dynamic context
    (the step loop's path for a search's commonest steps), but for applying the alternative
    taken, returned as (thunk, call site) for the loop to apply (None when nothing is left to
    apply: a collect ended, or a condition was signalled). NOT_PERFORMED, having changed
    nothing, for any other effect, a handled one, a watched one or a malformed one: the frame's
    `resume` then does it."""
    node: N.KEffect = frame.node
    if not node.amb or frame.vals or m.watched_calls:  # (amb: the frame completes with its one value)
        return NOT_PERFORMED
    op = node.op
    k = frame.next
    boundary = 0
    bframe: Any = None
    f = F.innermost_marked(k) if F.MARKED_MADE[0] else None
    while f is not None:  # a handler takes the effect wherever it is; the boundary is the innermost
        cls = type(f)
        if cls is F.HandleFrame:
            handle: F.HandleFrame = f
            if op in handle.node.clauses:
                return NOT_PERFORMED
        elif cls is F.ExtentFrame and bframe is None:
            extent: F.ExtentFrame = f
            if extent.ekind == "amb-collect":
                boundary, bframe = extent.data[0], extent
        f = F.innermost_marked(f.next)
    if op is FAIL:
        m.k, m.e = k, frame.env
        return fail_at(m, v, node, boundary, bframe)
    thunks: list[Any] = []
    rest = v
    while type(rest) is Pair:
        pair: Pair = rest
        thunks.append(pair.car)
        rest = pair.cdr
    if rest is not NIL:
        return NOT_PERFORMED  # not a list: the general path signals it
    m.k, m.e = k, frame.env
    return choose_at(m, tuple(thunks), node, boundary, bframe)


def apply_taken(m: Machine, taken: Any) -> None:
    """Apply the alternative a choice or a backtrack took (choose_at, fail_at), if any."""
    if taken is not None:
        application.apply(m, taken[0], (), taken[1])


def choose(m: Machine, thunks: tuple[Any, ...], node: Any, marked: Any = NOT_SEARCHED) -> None:
    boundary, bframe = current_boundary(m, marked)
    apply_taken(m, choose_at(m, thunks, node, boundary, bframe))


def choose_at(m: Machine, thunks: tuple[Any, ...], node: Any, boundary: int, bframe: Any) -> Any:
    """Take the first of `thunks`, leaving a choice point for the rest when there are any;
    `boundary`, `bframe`: the innermost amb-collect (current_boundary). The alternative to
    apply next, as (thunk, call site), or None (no thunks: a failure, fail_at)."""
    n = len(thunks)
    if n == 0:
        return fail_at(m, sym("amb"), node, boundary, bframe)
    if n > 1:
        r = m.r
        cid = r.mono.ids.get("cp", 0) + 1
        t = m.t
        state: State = new_record(State, (m.c, m.v, m.e, m.k, m.s, r, m.nc, t))
        span = m.span_of(node) if node is None or node.span is None or node.builtin else node.span  # (inline: its first case)
        cp: ChoicePoint = new_record(ChoicePoint, (cid, span, thunks, state, thunks[1:], n, 1, t,
                                                   boundary, node))
        choices = r.choices
        m.r = r.with_choice_made(new_choice_stack(cp, choices, choices.size + 1), cid)
        m.choices_made += 1
        if "amb-choice" in m.services.listeners:
            m.services.emit("amb-choice", {"id": f"cp-{cid}", "alternatives": n})
    return (thunks[0], node)


def fail(m: Machine, reason: Any, node: Any, marked: Any = NOT_SEARCHED) -> None:
    boundary, bframe = current_boundary(m, marked)
    apply_taken(m, fail_at(m, reason, node, boundary, bframe))


def fail_at(m: Machine, reason: Any, node: Any, boundary: int, bframe: Any) -> Any:
    """Backtrack to the newest choice point inside the innermost amb-collect (`boundary`,
    `bframe`), else end that collect, else signal `amb-exhausted`. The alternative to apply
    next, as (thunk, call site), or None."""
    for watcher in m.services.fail_watchers:
        watcher(m, reason, node)
    top = m.r.choices.top
    if top is not None and top.boundary == boundary:
        return backtrack(m, top, None)
    if bframe is not None:
        finish_collect(m, bframe)
        return None
    m.raise_error(OmegaError("amb-exhausted", "amb: no more choices", (reason,), restarts=()), node)
    return None


def resume_choice(m: Machine, cp: ChoicePoint, index: int | None) -> None:
    """Restore `cp`'s state and take its next untried alternative (or the one at `index`,
    0-based among the remaining)."""
    apply_taken(m, backtrack(m, cp, index))


def backtrack(m: Machine, cp: ChoicePoint, index: int | None) -> tuple[Any, Any]:
    """resume_choice but for applying the alternative: returned as (thunk, call site)."""
    i = 0 if index is None else index
    cid, _, _, state, remaining, total, _, _, _, site = cp  # (unpacked: see Registers.with_mono)
    thunk = remaining[i]
    rest = remaining[1:] if i == 0 else remaining[:i] + remaining[i + 1:]
    r = m.r
    choices = r.choices
    # Without the choice point and those made after it: the one below it, when it is the newest.
    choices = choices.below if choices.top is cp and choices.below is not None else choices.older_than(cid)
    if rest:
        choices = new_choice_stack(cp.advanced(rest), choices, choices.size + 1)
    _, _, e, k, s, regs, nc, _ = state
    m.c, m.v, m.e, m.k, m.s, m.nc = None, VOID, e, k, s, nc
    m.r = regs.with_choices(choices, r.mono)
    m.backtracks += 1
    services = m.services
    if "amb-backtrack" in services.listeners:
        services.emit("amb-backtrack", {"id": f"cp-{cid}", "alternative": total - len(remaining) + i + 1})
    # The next check moves only if the restored registers may want it sooner (a steps budget
    # that ended since the choice, other fibers); kept, it is at most as late as a new schedule
    # would set it, which only brings the slow path forward. Before the watchers run: one (the
    # debugger) may ask for the slow path right after this step, and must not be reset away.
    if regs.step_deadline < r.step_deadline or regs.fibers is not r.fibers:
        m.reset_check()
    for watcher in services.backtrack_watchers:
        watcher(m, cp, i)
    return (thunk, site)


def finish_collect(m: Machine, frame: Any) -> None:
    cid, entry_store, entry_regs = frame.data
    mono = m.r.mono
    chain = mono.collected.get(cid, None)  # newest first: see extents.exit_extent
    values: list[Any] = []
    while chain is not None:
        values.append(chain[0])
        chain = chain[1]
    values.reverse()
    m.s = entry_store
    m.r = entry_regs.with_mono(mono.with_collected(mono.collected.delete(cid)) if cid in mono.collected else mono)
    m.k = frame.next
    m.v, m.c = make_list(values), None
    m.reset_check()


# Interpreted, a plain function makes a choice stack more cheaply than its class (interpreted.py).
if __file__.endswith(".py"):
    from .interpreted import bind

    bind(globals())
