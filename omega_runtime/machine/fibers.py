"""Fibers and channels, scheduled deterministically by the machine (RUNTIME.md `concurrency`).

The running fiber's state is the machine's (c, v, e, k); the others wait in the fiber table, a
register, so backtracking, time travel and snapshots restore every fiber exactly. Scheduling is
cooperative (`yield`, `join`, `channel-receive`, `sleep`, a fiber's end) plus a deterministic
time slice: the running fiber is preempted every `SLICE` transitions. `sleep` uses a virtual
clock that advances only when every fiber is asleep or blocked, so runs are reproducible. When no
fiber can run and some are blocked, `deadlock` is signalled naming them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import immutables

from ..conditions import OmegaError, wrong_type
from ..primitives.registry import BUILTINS, primitive
from ..values import VOID, Procedure, make_list, sym
from . import frames as F
from .dynamic import inherit_parameters

if TYPE_CHECKING:
    from .machine import Machine

SLICE = 1000
MAIN = 1
EMPTY: immutables.Map[Any, Any] = immutables.Map()


class Fiber:
    """The value `spawn` returns (identity: its id)."""

    __slots__ = ("fid", "name")

    def __init__(self, fid: int, name: str) -> None:
        self.fid = fid
        self.name = name


class Channel:
    """An unbounded FIFO channel; its queue and waiting receivers live in the store."""

    __slots__ = ("serial",)

    def __init__(self) -> None:
        from ..values import next_serial

        self.serial = next_serial()


class Suspended(NamedTuple):
    fid: int
    c: Any
    v: Any
    e: Any
    k: Any
    why: str  # ready | join N | receive | sleep


class FiberTable(NamedTuple):
    current: int = MAIN
    fibers: immutables.Map[int, Fiber] = EMPTY  # every fiber but main, by id
    ready: tuple[Suspended, ...] = ()  # run queue, in order
    blocked: immutables.Map[int, Suspended] = EMPTY  # joiners and receivers
    sleeping: tuple[tuple[float, int, Suspended], ...] = ()  # (wake time, order, fiber), sorted
    done: immutables.Map[int, Any] = EMPTY  # results of finished fibers
    clock: float = 0.0  # virtual seconds
    next_id: int = 2
    slice_end: int = 0  # transition count at which the running fiber is preempted


def table(m: Machine) -> FiberTable:
    t = m.r.fibers
    return t if t is not None else FiberTable()


def _set(m: Machine, t: FiberTable) -> None:
    m.r = m.r._replace(fibers=t)


def fiber_name(t: FiberTable, fid: int) -> str:
    if fid == MAIN:
        return "main"
    f = t.fibers.get(fid)
    return f.name if f is not None else f"fiber {fid}"


class FiberEndFrame(F.Frame):
    """The bottom of a spawned fiber's continuation: its value is the fiber's result."""

    __slots__ = ("fid",)
    kind = "fiber-end"

    def __init__(self, fid: int) -> None:
        self.fid = fid
        self.next = None

    def resume(self, m: Machine, v: Any) -> None:
        t = table(m)
        blocked = t.blocked
        ready = t.ready
        for fid, s in list(blocked.items()):
            if s.why == f"join {self.fid}":
                blocked = blocked.delete(fid)
                ready = ready + (s._replace(v=v, why="ready"),)
        _set(m, t._replace(done=t.done.set(self.fid, v), blocked=blocked, ready=ready))
        m.services.emit("fiber-exit", {"fiber": self.fid})
        switch(m, None)


def switch(m: Machine, suspended: Suspended | None) -> None:
    """Suspend the running fiber (as `suspended`, or drop it when None) and run the next one."""
    t = table(m)
    if suspended is not None:
        if suspended.why == "ready":
            t = t._replace(ready=t.ready + (suspended,))
        elif suspended.why.startswith("sleep"):
            wake = float(suspended.why.split()[1])
            order = len(t.sleeping) + t.next_id * 1000 + m.t
            t = t._replace(sleeping=tuple(sorted(t.sleeping + ((wake, order, suspended),), key=lambda x: (x[0], x[1]))))
        else:
            t = t._replace(blocked=t.blocked.set(suspended.fid, suspended))
    if not t.ready and t.sleeping:
        wake, _order, s = t.sleeping[0]
        t = t._replace(sleeping=t.sleeping[1:], clock=max(t.clock, wake),
                       ready=(s._replace(why="ready", v=VOID),))
    if not t.ready:
        names = sorted(fiber_name(t, fid) for fid in t.blocked)
        _set(m, t)
        if suspended is not None and suspended.why != "ready":
            # Deadlock: signal in the fiber that just blocked, at its own continuation.
            t2 = table(m)
            _set(m, t2._replace(blocked=t2.blocked.delete(suspended.fid), current=suspended.fid))
            m.c, m.v, m.e, m.k = suspended.c, suspended.v, suspended.e, suspended.k
            m.raise_error(OmegaError("deadlock", "blocked fibers: " + ", ".join(names),
                                     tuple(sym(n) for n in names), restarts=()), None)
            return
        m.k = None  # nothing left to run
        m.c = None
        return
    nxt, rest = t.ready[0], t.ready[1:]
    _set(m, t._replace(ready=rest, current=nxt.fid, slice_end=m.t + SLICE))
    m.c, m.v, m.e, m.k = nxt.c, nxt.v, nxt.e, nxt.k
    m.reset_check()


def preempt(m: Machine) -> None:
    """Called from the machine's slow path: end the running fiber's time slice when it is over."""
    t = m.r.fibers
    if t is None or not t.ready or m.t < t.slice_end:
        return
    switch(m, Suspended(t.current, m.c, m.v, m.e, m.k, "ready"))


def _suspend_here(m: Machine, why: str, value: Any = VOID) -> Suspended:
    """The running fiber, suspended so that it resumes returning `value` to its continuation."""
    return Suspended(table(m).current, None, value, m.e, m.k, why)


@primitive("spawn", 1, 2, kind="control", signature="(spawn thunk [name])")
def _spawn(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    thunk = args[0]
    if not isinstance(thunk, Procedure):
        raise wrong_type("spawn", "procedure", thunk)
    t = table(m)
    fid = t.next_id
    name = args[1] if len(args) > 1 else f"fiber {fid}"
    from ..printer import display_repr

    fiber = Fiber(fid, name if isinstance(name, str) else display_repr(name, m.s))
    # The new fiber starts by applying its thunk: its first state is an application in waiting.
    start = Suspended(fid, None, thunk, m.e, F.CallbackFrame("fiber_start", (node,), inherit_parameters(m.k, FiberEndFrame(fid)), "spawn"), "ready")
    _set(m, t._replace(fibers=t.fibers.set(fid, fiber), ready=t.ready + (start,), next_id=fid + 1,
                       slice_end=t.slice_end or m.t + SLICE))
    m.services.emit("fiber-start", {"fiber": fid, "name": fiber.name})
    m.v, m.c = fiber, None
    m.reset_check()


def fiber_start(m: Machine, thunk: Any, node: Any) -> None:
    m.apply(thunk, (), node)


@primitive("yield", 0, kind="control")
def _yield(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    if not table(m).ready:
        m.v, m.c = VOID, None
        return
    switch(m, _suspend_here(m, "ready"))


@primitive("join", 1, kind="control", signature="(join fiber)")
def _join(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    f = args[0]
    if not isinstance(f, Fiber):
        raise wrong_type("join", "fiber", f)
    t = table(m)
    if f.fid in t.done:
        m.v, m.c = t.done[f.fid], None
        return
    switch(m, _suspend_here(m, f"join {f.fid}"))


@primitive("sleep", 1, kind="control", signature="(sleep seconds)")
def _sleep(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    secs = args[0]
    if secs.__class__ is bool or not isinstance(secs, (int, float)) or secs < 0:
        raise wrong_type("sleep", "number", secs)
    t = table(m)
    switch(m, _suspend_here(m, f"sleep {t.clock + secs!r}"))


@primitive("current-fiber", 0, kind="ctx", derives=False)
def _current_fiber(m: Machine) -> Any:
    t = table(m)
    return t.fibers.get(t.current, False) if t.current != MAIN else sym("main")


@primitive("fiber?", 1, derives=False)
def _fiber_p(v: Any) -> bool:
    return isinstance(v, Fiber)


@primitive("make-channel", 0, kind="pure")
def _make_channel() -> Channel:
    return Channel()


@primitive("channel?", 1, derives=False)
def _channel_p(v: Any) -> bool:
    return isinstance(v, Channel)


def _queue(m: Machine, ch: Channel) -> tuple[tuple[Any, ...], tuple[int, ...]]:
    q = m.s.get(ch, None)
    return q if q is not None else ((), ())


@primitive("channel-send", 2, kind="control", signature="(channel-send channel value)")
def _channel_send(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    ch, value = args
    if not isinstance(ch, Channel):
        raise wrong_type("channel-send", "channel", ch)
    values, waiting = _queue(m, ch)
    if waiting:
        fid, rest = waiting[0], waiting[1:]
        t = table(m)
        s = t.blocked[fid]
        _set(m, t._replace(blocked=t.blocked.delete(fid), ready=t.ready + (s._replace(v=value, why="ready"),)))
        m.s = m.s.set(ch, (values, rest))
    else:
        m.s = m.s.set(ch, (values + (value,), waiting))
    m.v, m.c = VOID, None


@primitive("channel-receive", 1, kind="control", signature="(channel-receive channel)")
def _channel_receive(m: Machine, args: tuple[Any, ...], node: Any) -> None:
    ch = args[0]
    if not isinstance(ch, Channel):
        raise wrong_type("channel-receive", "channel", ch)
    values, waiting = _queue(m, ch)
    if values:
        m.s = m.s.set(ch, (values[1:], waiting))
        m.v, m.c = values[0], None
        return
    fid = table(m).current
    m.s = m.s.set(ch, (values, waiting + (fid,)))
    switch(m, _suspend_here(m, "receive"))


def fiber_threads(m: Machine) -> list[tuple[int, str]]:
    """(id, name) of every live fiber, main first (a debugger's threads)."""
    t = m.r.fibers
    if t is None:
        return [(MAIN, "main")]
    live = [(MAIN, "main")] if MAIN not in t.done else []
    live += [(fid, f.name) for fid, f in sorted(t.fibers.items()) if fid not in t.done]
    return live


F.CALLBACKS["fiber_start"] = fiber_start

__all__ = ["Fiber", "Channel", "FiberTable", "preempt", "fiber_threads", "make_list"]

DOCS = {
    "spawn": "Start a fiber running thunk (optionally named); gives the fiber.",
    "yield": "Let the other ready fibers run.",
    "join": "Wait for a fiber to finish; gives its result.",
    "sleep": "Suspend the fiber for that many seconds of the machine's virtual clock.",
    "current-fiber": "The running fiber, or main.",
    "fiber?": "#t for a fiber.",
    "make-channel": "A fresh unbounded FIFO channel.",
    "channel?": "#t for a channel.",
    "channel-send": "Put a value on a channel (never blocks).",
    "channel-receive": "Take the next value from a channel, waiting for one.",
}
for _name, _doc in DOCS.items():
    BUILTINS[_name].doc = BUILTINS[_name].doc or _doc
