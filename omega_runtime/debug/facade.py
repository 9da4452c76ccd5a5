"""The facade's debug subsystems (RUNTIME.md: `debug`, `breakpoints`, `inspector`, `history`,
`snapshots`) and `OmegaRuntime.step()`: thin views of the one DebugController of a runtime."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from .controller import DebugController, Exit, Stop

if TYPE_CHECKING:
    from .target import DebugTarget


@attrs.define
class StepResult:
    """What `OmegaRuntime.step()` reports: the step now current and whether the evaluation ended."""

    step: int
    terminal: bool
    stop: Stop | Exit
    value: Any = None  # the write form of the current value when the step left a value


class DebugSubsystem:
    """`runtime.debug`: launch a program under the controller, run, step, step back."""

    def __init__(self, runtime: DebugTarget) -> None:
        self._rt = runtime
        config = runtime.get_config()
        limit = config.history_limit if config.history else 0
        self.controller = DebugController(runtime, history_limit=limit)

    def launch(self, code: str, source: str = "<eval>") -> list[Any]:
        """Prepare `code` for debugging (entry 0); reader diagnostics when it does not read."""
        return self.controller.launch(code, source)

    @property
    def launched(self) -> bool:
        return self.controller.file is not None

    def resume(self, kind: str = "continue", granularity: str = "statement") -> Stop | Exit:
        return self.controller.resume(kind, granularity)

    def step_back(self, granularity: str = "statement") -> Stop:
        return self.controller.step_back(granularity)

    def reverse_continue(self) -> Stop:
        return self.controller.reverse_continue()

    def goto_step(self, step: int) -> Stop | Exit:
        return self.controller.goto_step(step)

    def pause(self) -> None:
        self.controller.pause()


class BreakpointsSubsystem:
    def __init__(self, debug: DebugSubsystem) -> None:
        self._c = debug.controller

    def set_line(self, file: str, specs: list[dict[str, Any]]) -> list[Any]:
        return self._c.set_line_breakpoints(file, specs)

    def set_function(self, specs: list[dict[str, Any]]) -> list[Any]:
        return self._c.set_function_breakpoints(specs)

    def set_data(self, specs: list[dict[str, Any]]) -> list[Any]:
        return self._c.set_data_breakpoints(specs)

    def set_exception_filters(self, filters: dict[str, str | None]) -> None:
        self._c.set_exception_filters(filters)

    def all(self) -> list[Any]:
        return self._c._all_breakpoints()


class SnapshotsSubsystem:
    def __init__(self, debug: DebugSubsystem) -> None:
        self._c = debug.controller

    def save(self, name: str) -> int:
        return self._c.snapshot(name)

    def restore(self, name: str) -> Stop:
        return self._c.restore_snapshot(name)[0]

    def names(self) -> list[str]:
        return sorted(self._c.snapshots)


def step_launched(debug: DebugSubsystem) -> StepResult:
    """One machine transition of the launched evaluation (through the controller's loop)."""
    if not debug.launched:
        raise RuntimeError("no evaluation to step: launch one with runtime.debug.launch(code)")
    c = debug.controller
    stop = c.resume("instruction")
    from ..printer import write_repr

    st = c.state
    terminal = isinstance(stop, Exit) or (st.c is None and st.k is None)
    value = write_repr(st.v, st.s) if st.c is None else None
    return StepResult(c.cur, terminal, stop, value)


def launched_is_terminal(debug: DebugSubsystem) -> bool:
    c = debug.controller
    return not debug.launched or c.finished is not None or (c.state.c is None and c.state.k is None)
