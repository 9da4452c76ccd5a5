"""The `step` event (RUNTIME.md "Events"): every machine transition, while someone listens.

The machine's loop knows nothing of it. While at least one `step` handler is registered, a hook
is installed on the machine's slow path (the one debug controllers use) and the machine is asked
to take that path after every transition (`every_step`); with no handler, neither is there, so
an unheard event costs the loop nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..machine.machine import Machine


class StepEvents:
    def __init__(self, machine: Machine, emit: Callable[[str, Any], None]) -> None:
        self._m = machine
        self._emit = emit
        self._last_t = -1  # the transition last announced (a trapped node runs the hooks again)
        self.installed = False

    def install(self) -> None:
        if self.installed:
            return
        m = self._m
        self.installed = True
        self._last_t = m.t
        m.hooks.insert(0, self._hook)  # before a debugger's hook, which may end the run at a stop
        m.every_step = True
        m.reset_check()

    def uninstall(self) -> None:
        if not self.installed:
            return
        m = self._m
        self.installed = False
        if self._hook in m.hooks:
            m.hooks.remove(self._hook)
        m.every_step = False
        m.reset_check()

    def _hook(self, m: Machine) -> None:
        t = m.t
        if t == self._last_t:
            return
        self._last_t = t
        self._emit("step", {"step": t, "state": m.snapshot()})


__all__ = ["StepEvents"]
