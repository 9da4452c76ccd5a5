"""The state of a DebugController (controller.py), shared by the layers it is built from:
breakpoint settings, stop checks, time travel and the controller's own running and launching.
Also `announces_stops`, which tells the runtime where each request stopped."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from ..machine.machine import Machine
from ..machine.state import State
from ..values import Condition
from .breakpoints import Breakpoint, LineTable
from .history import History, available_memory
from .stops import BREAKPOINT_REASONS, Event, Exit, Mode, Source, Stop, is_node_control

if TYPE_CHECKING:
    from .target import DebugTarget

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="ControllerState")


def announces_stops(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """A request that ends at a stop tells the runtime (`stopped`, `breakpoint-hit` events,
    RUNTIME.md), whoever made it: the DAP server, `omega debug` or `OmegaRuntime.step()`. Only the
    outermost request announces (one request may make another)."""

    def announcing(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        self._requests += 1
        try:
            result = method(self, *args, **kwargs)
        finally:
            self._requests -= 1
        if self._requests == 0:
            self._announce(result[0] if isinstance(result, tuple) else result)
        return result

    functools.update_wrapper(announcing, method)
    return announcing


class ControllerState:
    """Everything a controller knows: the runtime, the history, the breakpoints, the current
    entry and the running request."""

    _stop_result: Stop  # the stop the last live run ended at (set at its first stop)

    def __init__(self, runtime: DebugTarget, history_limit: int = 1_000_000, no_debug: bool = False) -> None:
        self.rt = runtime
        self.m: Machine = runtime.machine
        self.history = History(0 if no_debug else history_limit, available_memory())
        self.no_debug = no_debug
        self.file: str | None = None
        self.text = ""
        self.prepared: list[Any] = []
        self.line_table: LineTable | None = None
        self.sources: dict[str, Source] = {}  # by file name; attach mode keeps every evaluation's
        self.attached = False  # attach mode: successive evaluations; unknown files are pending
        self.cur = 0
        self.finished: Exit | None = None
        self.breakpoints: dict[int, Breakpoint] = {}
        self._bp_ids = 0
        self.line_bps: dict[str, list[Breakpoint]] = {}
        self.function_bps: list[Breakpoint] = []
        self.data_bps: list[Breakpoint] = []
        self.filters: dict[str, str | None] = {"uncaught": None}  # enabled filter -> condition text
        self.bp_nodes: dict[int, list[Breakpoint]] = {}
        self.events: dict[int, list[Event]] = {}
        self.pause_requested = threading.Event()
        self.snapshots: dict[str, State] = {}
        self.snapshot_steps: dict[str, int] = {}
        self.output: Callable[[str, str], None] = lambda category, text: None  # console output
        # A logpoint's message and the span of the node it is bound to (clients link the two).
        self.log_output: Callable[[str, Any], None] = lambda text, span: self.output("console", text)
        self.evaluate_condition: Callable[[str, State, dict[str, Any]], Any] | None = None
        self._pending: list[Event] = []
        self._written: list[Any] = []
        self._suppress: int | None = None  # a step whose before-events were already stopped at
        self.data_slot_keys: dict[tuple[int, str], Any] = {}  # cell:N:FIELD data ids -> store keys (views)
        self.data_names: dict[str, str] = {}  # data ids -> the names stops describe them by (views)
        self.last_stop: Stop | None = None
        self._mode: Mode | None = None
        self._last_line: int | None = None
        self.pending_uncaught: tuple[Condition, State] | None = None
        self._checked_t = -1  # the machine's `t` at the last state `_hook` checked
        self._traps_for: Any = None
        self._traps: list[Any] = []
        self._requests = 0  # requests in progress (announces_stops)

    @property
    def state(self) -> State:
        return self.history.get(self.cur) if self.history.has(self.cur) else self.m.snapshot()

    def cur_live(self) -> int:
        return self.history.newest if self.history.enabled else self.history.oldest

    def _node_line(self, st: State) -> int | None:
        return st.c.span.start_line if is_node_control(st) else self._last_line

    def _announce(self, stop: Any) -> None:
        if not isinstance(stop, Stop):
            return
        data = {"reason": stop.reason, "description": stop.description, "step": stop.step,
                "breakpoints": list(stop.hit_ids), "stop": stop}
        self.rt.emit("stopped", data)
        if stop.reason in BREAKPOINT_REASONS:
            self.rt.emit("breakpoint-hit", data)


__all__ = ["ControllerState", "announces_stops"]
