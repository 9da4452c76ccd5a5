"""The concurrency subsystem (RUNTIME.md `concurrency`): the fibers and channels the machine
schedules (machine/fibers.py), read from the fiber table, a register, so that what it reports is
what a debugger shows at the same state; each live fiber is a debugger thread."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..machine.fibers import MAIN, Channel, FiberTable, fiber_name

if TYPE_CHECKING:
    from .state import StateCoordinator
    from .views import ChannelView, ConcurrencyState, FiberView


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
        from .views import ConcurrencyState, FiberView

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
        from .views import ChannelView

        queued, receivers = self._state.store().get(channel, ((), ()))
        return ChannelView(tuple(queued), tuple(receivers))


__all__ = ["ConcurrencyManager"]
