"""`amb` (LANGUAGE.md 6): choice points, failure and backtracking to the newest choice point of
the innermost `amb-collect` (or the top level), and the end of a collect."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError
from ..values import (
    VOID,
    make_list,
    sym,
)
from . import application
from . import frames as F
from .state import ChoicePoint, new_record

if TYPE_CHECKING:
    from .machine import Machine


# A `marked` argument not given: the innermost marked frame of the machine's continuation is
# searched for (perform, which has just found it, passes it on).
NOT_SEARCHED: Any = object()


def current_boundary(m: Machine, marked: Any = NOT_SEARCHED) -> tuple[int, Any]:
    k = F.innermost_marked(m.k) if marked is NOT_SEARCHED else marked
    while k is not None:
        if type(k) is F.ExtentFrame and k.ekind == "amb-collect":
            return k.data[0], k
        k = F.innermost_marked(k.next)
    return 0, None


def choose(m: Machine, thunks: tuple[Any, ...], node: Any, marked: Any = NOT_SEARCHED) -> None:
    if not thunks:
        fail(m, sym("amb"), node, marked)
        return
    if len(thunks) > 1:
        r = m.r
        mono = r.mono
        cid = mono.ids.get("cp", 0) + 1
        boundary, _ = current_boundary(m, marked)
        cp: ChoicePoint = new_record(ChoicePoint, (cid, m.span_of(node), thunks, m.snapshot(), thunks[1:],
                                                   len(thunks), 1, m.t, boundary, node))
        m.r = r.with_choices(r.choices.push(cp), mono.with_ids(mono.ids.set("cp", cid)))
        m.choices_made += 1
        if "amb-choice" in m.services.listeners:
            m.services.emit("amb-choice", {"id": f"cp-{cid}", "alternatives": len(thunks)})
    application.apply(m, thunks[0], (), node)


def fail(m: Machine, reason: Any, node: Any, marked: Any = NOT_SEARCHED) -> None:
    for watcher in m.services.fail_watchers:
        watcher(m, reason, node)
    boundary, bframe = current_boundary(m, marked)
    top = m.r.choices.top
    if top is not None and top.boundary == boundary:
        resume_choice(m, top, None)
        return
    if bframe is not None:
        finish_collect(m, bframe)
        return
    m.raise_error(OmegaError("amb-exhausted", "amb: no more choices", (reason,), restarts=()), node)


def resume_choice(m: Machine, cp: ChoicePoint, index: int | None) -> None:
    """Restore `cp`'s state and take its next untried alternative (or the one at `index`,
    0-based among the remaining)."""
    i = 0 if index is None else index
    thunk = cp.remaining[i]
    rest = cp.remaining[:i] + cp.remaining[i + 1:]
    mono = m.r.mono
    choices = m.r.choices.older_than(cp.cid)
    if rest:
        choices = choices.push(cp.advanced(rest))
    st = cp.state
    m.c, m.v, m.e, m.k, m.s, m.nc = None, VOID, st.e, st.k, st.s, st.nc
    m.r = st.r.with_choices(choices, mono)
    m.backtracks += 1
    if "amb-backtrack" in m.services.listeners:
        m.services.emit("amb-backtrack", {"id": f"cp-{cp.cid}", "alternative": cp.total - len(cp.remaining) + i + 1})
    # The polling schedule restarts before the watchers run: a watcher (the debugger) may ask
    # for the slow path right after this step, and that request must not be reset away.
    m.reset_check()
    for watcher in m.services.backtrack_watchers:
        watcher(m, cp, i)
    application.apply(m, thunk, (), cp.node)


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
