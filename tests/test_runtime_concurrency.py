"""`runtime.concurrency` (RUNTIME.md, issue 16.2): the fibers and channels the machine schedules,
as the debugger shows them (each live fiber is a thread)."""

from __future__ import annotations

from typing import Any

from omega_runtime import OmegaRuntime
from omega_runtime.debug import inspector

PROGRAM = """(define ch (make-channel))
(define worker
  (spawn (lambda ()
           (effect tool.op 'probe)
           (channel-send ch 'hello)
           'worker-done)
         "worker"))
(define reader (spawn (lambda () (channel-receive ch)) "reader"))
(yield)
(list (join worker) (join reader))
"""


def test_fibers_and_channels_seen_while_they_run() -> None:
    seen: list[Any] = []
    with OmegaRuntime.create(config={"capabilities": ["tool"]}) as rt:
        assert rt.concurrency.get_state() is None
        assert rt.concurrency.threads() == [(1, "main")]

        def probe() -> bool:
            ch = rt.state_coordinator.global_value("ch")
            seen.append((rt.concurrency.get_state(), rt.concurrency.threads(), rt.concurrency.channel(ch)))
            return True

        rt.register_tool("probe", probe)
        result = rt.eval(PROGRAM, source="fibers.omega")
        assert result.printed == "(worker-done hello)", result.report
        [(state, threads, channel)] = seen
        statuses = {f.name: (f.status, f.waiting_for) for f in state.fibers}
        # The worker runs first (spawned first); main waits in the run queue, behind the reader.
        assert statuses == {"main": ("ready", ""), "worker": ("running", ""), "reader": ("ready", "")}
        assert state.current == 2 and threads == [(1, "main"), (2, "worker"), (3, "reader")]
        assert channel.queued == () and channel.receivers == ()
        after = rt.concurrency.get_state()
        assert after is not None
        done = {f.name: (f.status, f.result) for f in after.fibers if f.status == "done"}
        assert {name: status for name, (status, _r) in done.items()} == {"worker": "done", "reader": "done"}
        assert rt.concurrency.started == 2 and rt.concurrency.finished == 2


def test_a_receiver_waiting_on_a_channel() -> None:
    with OmegaRuntime.create(config={"capabilities": ["tool"]}) as rt:
        seen: list[Any] = []
        rt.register_tool("probe", lambda: seen.append((rt.concurrency.get_state(),
                                                       rt.concurrency.channel(rt.state_coordinator.global_value("ch")))) or True)
        result = rt.eval("""(define ch (make-channel))
          (define r (spawn (lambda () (channel-receive ch)) "reader"))
          (yield)
          (effect tool.op 'probe)
          (channel-send ch 1) (channel-send ch 2)
          (effect tool.op 'probe)
          (join r)""")
        assert result.printed == "1", result.report
        (first, ch1), (second, ch2) = seen
        assert [(f.name, f.status, f.waiting_for) for f in first.fibers] == [
            ("main", "running", ""), ("reader", "blocked", "channel")]
        assert ch1.receivers == (2,) and ch1.queued == ()
        assert ch2.receivers == () and ch2.queued == (2,)
        assert [(f.name, f.status) for f in second.fibers] == [("main", "running"), ("reader", "ready")]


def test_each_live_fiber_is_a_debugger_thread() -> None:
    with OmegaRuntime.create() as rt:
        rt.debug.launch(PROGRAM.replace("(effect tool.op 'probe)", "(display 'probe)"), "fibers.omega")
        rt.breakpoints.set_line("fibers.omega", [{"line": 5}])
        stop = rt.debug.resume()
        assert stop.reason == "breakpoint"
        assert rt.concurrency.threads() == inspector.threads(rt.debug.controller.state)
        assert [name for _id, name in rt.concurrency.threads()] == ["main", "worker", "reader"]
