"""The concurrency subsystem (RUNTIME.md `concurrency`): the fibers and channels the machine
schedules (machine/fibers.py), read from the fiber table, a register, so that what it reports is
what a debugger shows at the same state; each live fiber is a debugger thread."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ..machine.fibers import MAIN, Channel, FiberTable, fiber_name

if TYPE_CHECKING:
    from .state import StateCoordinator


@attrs.frozen
class FiberView:
    id: int  # 1 is main; a DAP thread id
    name: str
    status: str  # running | ready | blocked | sleeping | done
    waiting_for: str = ""  # blocked: "fiber N" (a join) or "channel"; sleeping: "clock T"
    result: Any = None  # a finished fiber's value


@attrs.frozen
class ConcurrencyState:
    fibers: tuple[FiberView, ...]  # by id, main first
    current: int  # the running fiber
    clock: float  # the virtual clock `sleep` uses, in seconds

    @property
    def live(self) -> tuple[FiberView, ...]:
        return tuple(f for f in self.fibers if f.status != "done")


@attrs.frozen
class ChannelView:
    queued: tuple[Any, ...]  # values sent and not yet received, oldest first
    receivers: tuple[int, ...]  # fibers blocked receiving from it, in arrival order


def _blocked_on(why: str) -> str:
    return f"fiber {why.split()[1]}" if why.startswith("join ") else "channel"


class ConcurrencyManager:
    def __init__(self, state: StateCoordinator) -> None:
        self._state = state
        self.started = 0  # fibers spawned this run (fiber-start events)
        self.finished = 0  # fibers that ended (fiber-exit events)

    def on_start(self, _data: Any) -> None:
        self.started += 1

    def on_exit(self, _data: Any) -> None:
        self.finished += 1

    def _table(self) -> FiberTable | None:
        table: FiberTable | None = self._state.registers().fibers
        return table

    def get_state(self) -> ConcurrencyState | None:
        """None until the first `spawn`; else every fiber's status."""
        t = self._table()
        if t is None:
            return None
        views: dict[int, FiberView] = {}
        for fid in [MAIN, *sorted(t.fibers)]:
            if fid in t.done:
                views[fid] = FiberView(fid, fiber_name(t, fid), "done", result=t.done[fid])
        views[t.current] = FiberView(t.current, fiber_name(t, t.current), "running")
        for s in t.ready:
            views[s.fid] = FiberView(s.fid, fiber_name(t, s.fid), "ready")
        for fid, s in t.blocked.items():
            views[fid] = FiberView(fid, fiber_name(t, fid), "blocked", _blocked_on(s.why))
        for wake, _order, s in t.sleeping:
            views[s.fid] = FiberView(s.fid, fiber_name(t, s.fid), "sleeping", f"clock {wake!r}")
        return ConcurrencyState(tuple(views[fid] for fid in sorted(views)), t.current, t.clock)

    def threads(self) -> list[tuple[int, str]]:
        """(id, name) of every live fiber, main first: the debugger's threads."""
        state = self.get_state()
        if state is None:
            return [(MAIN, "main")]
        return [(f.id, f.name) for f in state.live]

    def channel(self, channel: Channel) -> ChannelView:
        """What a channel holds: its queued values and the fibers waiting to receive."""
        if not isinstance(channel, Channel):
            raise TypeError(f"not a channel: {channel!r}")
        queued, receivers = self._state.store().get(channel, ((), ()))
        return ChannelView(tuple(queued), tuple(receivers))


__all__ = ["ConcurrencyManager", "ConcurrencyState", "FiberView", "ChannelView"]
