"""The DAP session inside `omega serve` (attach mode; DEBUGGER.md 2, 3, 6.1, 8, 12).

`serve` is the `dap` entry point of group `omega.debug_channels`: the serve session hands it a
connection upgraded by omega-dap's relay (omega_dap/relay.py), and it runs the ordinary
`Session` over it with the serve session's runtime. On `attach`, `AttachedEvaluations` becomes
the runtime's evaluation interceptor: each evaluation the session is asked for (by any client)
is prepared by the one DebugController as the next run in the same runtime and run under it on
the session's engine thread, with every stop, step and step back; the evaluation's reply goes
out when the run reaches its end. Between evaluations the session is "running" with nothing to
stop; the end of an evaluation sends no `exited`/`terminated`. Time travel is within the
current evaluation (the history restarts with each one).

Detaching (`disconnect`, or the connection ending) clears the interceptor; an evaluation stopped
or running at that moment continues undebugged to its end, on the serve session's own thread.
"""

from __future__ import annotations

import os
import threading
import traceback
from typing import TYPE_CHECKING, Any

import attrs

from omega_runtime.debug.controller import DebugController, Exit, Stop
from omega_runtime.debug.interventions import InterventionError, Interventions
from omega_runtime.debug.views import Views
from omega_runtime.machine.machine import MachineHalt, ProgramExit, Uncaught
from omega_runtime.runtime import EvalResult, OmegaRuntime

from .launch import ATTACH_KNOWN, AttachConfig
from .session import DapError, Request, Session
from .transport import Channel, pump

if TYPE_CHECKING:
    from omega_runtime.protocol import DebugLink


def served_runtime(link: DebugLink) -> OmegaRuntime:
    """The runtime of the session the link belongs to: an eval server serves an OmegaRuntime
    (the protocol package sees it through a narrow protocol of its own)."""
    runtime = link.runtime
    assert isinstance(runtime, OmegaRuntime)
    return runtime


def serve(link: DebugLink) -> None:
    """Serve one DAP session over an upgraded `omega serve` connection until it ends."""
    session = Session(Channel(link.write))
    session.link = link
    # Breakpoints set before `attach` are verified as attach mode does: pending until loaded.
    session.ctl = DebugController(served_runtime(link))
    session.ctl.attached = True
    session.ctl.adopt_evaluated_sources()  # code the session loaded before the debugger came
    try:
        pump(link.read, session, None)
    finally:
        if session.attached is None:
            session.ctl.uninstall()
        session.worker.join(timeout=10)  # the detached evaluation has been handed back


@attrs.define(eq=False)
class Job:
    """One evaluation handed to the debugger: queued, debugged (the engine runs it),
    undebugged (handed back) or finished; `outcome` says how it ended."""

    text: str
    source: str
    read: Any  # the ReadResult (read without diagnostics)
    state: str = "queued"
    interrupt: bool = False
    outcome: tuple[Any, ...] = ()
    done: threading.Event = attrs.field(factory=threading.Event)


class AttachedEvaluations:
    """The runtime's evaluation interceptor while a DAP client is attached."""

    def __init__(self, session: Session, runtime: OmegaRuntime, ctl: DebugController) -> None:
        self.s = session
        self.rt = runtime
        self.ctl = ctl
        self._lock = threading.Lock()
        self.active = False
        self.terminating = False
        self.job: Job | None = None
        self.pause_next = False  # `pause` while idle: the next evaluation stops on entry
        self._uncaught: tuple[Any, Any] | None = None
        self._installed = False

    # ---- installation ---------------------------------------------------------------------------

    def install(self) -> None:
        rt = self.rt
        if rt.evaluation_interceptor is not None:
            raise DapError(1008, "Cannot attach: a debugger is already attached to this session")
        rt.host.uncaught_watchers.append(self._record_uncaught)
        rt.host.oracle_watchers.append(self._oracle)
        rt.on("output", self._output)
        self._installed = True
        self.active = True
        rt.evaluation_interceptor = self

    def _cleanup(self) -> None:
        """Leave the runtime as before the attach (idempotent; before any undebugged run)."""
        if not self._installed:
            return
        self._installed = False
        rt = self.rt
        if rt.evaluation_interceptor is self:
            rt.evaluation_interceptor = None
        for watchers, fn in ((rt.host.uncaught_watchers, self._record_uncaught),
                             (rt.host.oracle_watchers, self._oracle)):
            if fn in watchers:
                watchers.remove(fn)  # type: ignore[arg-type]
        rt.off("output", self._output)
        self.ctl.uninstall()

    def _record_uncaught(self, m: Any, cond: Any) -> bool:
        # Called only when no watcher before it (the controller's) took control: the evaluation
        # is about to end with this condition.
        self._uncaught = (cond, m.backtrace(cond))
        return False

    def _output(self, data: Any) -> None:
        if not self.active or not isinstance(data, dict):
            return
        if data.get("category") == "stdout":
            self.s.out.write(str(data.get("text", "")))
        else:
            self.s.output("stderr", str(data.get("text", "")))

    def _oracle(self, m: Any, ev: Any) -> None:
        if self.active:
            from .handlers_config import _oracle_event

            _oracle_event(self.s, ev)

    # ---- the interceptor (the serve session's evaluation thread) -------------------------------

    def evaluate(self, text: str, source: str) -> EvalResult:
        read = self.rt.interpreter.read(text, source)
        if read.diagnostics:
            return EvalResult(receipts=[], diagnostics=list(read.diagnostics))
        job = Job(text, source, read)
        with self._lock:
            self.job = job
            if self.active:
                self.s.tasks.put(lambda: self._begin(job))
            else:
                self._finish(job, ("undebugged", None))
        try:
            return self.rt.run_evaluation(lambda: self._outcome(job))
        finally:
            with self._lock:
                if self.job is job:
                    self.job = None

    def _outcome(self, job: Job) -> Any:
        """Wait for the evaluation's end: its value, or the halt it ended with."""
        job.done.wait()
        kind = job.outcome[0]
        if kind == "value":
            return job.outcome[1]
        if kind == "uncaught":
            raise Uncaught(job.outcome[1], job.outcome[2])
        if kind == "exit":
            raise ProgramExit(job.outcome[1])
        if kind == "halt":
            raise MachineHalt("interrupted")
        m = self.rt.machine  # undebugged: from the start, or from where the debugger left it
        state = job.outcome[1]
        if state is None:
            return self.rt.interpreter.run_program(self.rt.prepare_program(job.read, job.text))
        m.restore(state)
        return m.run()

    def interrupt(self) -> bool:
        """End the evaluation being debugged (False when it is not ours to end)."""
        with self._lock:
            job = self.job
            if job is None or job.state == "undebugged":
                return False
            if job.state == "finished":
                return True
            job.interrupt = True
            debugged = job.state == "debugged"
        if debugged:
            self._stop_job(job)
        return True

    def _stop_job(self, job: Job) -> None:
        """A running evaluation pauses and ends at its stop (on_result); a stopped one ends now."""
        if self.s.state == "running":
            self.ctl.pause()
        self.s.tasks.put(lambda: self._end_stopped(job))

    # ---- the engine thread ------------------------------------------------------------------------

    def _finish(self, job: Job, outcome: tuple[Any, ...]) -> None:
        job.state = "undebugged" if outcome[0] == "undebugged" else "finished"
        job.outcome = outcome
        job.done.set()

    def _live_state(self) -> Any:
        h = self.ctl.history
        return h.get(h.newest) if h.enabled and h.states else self.ctl.m.snapshot()

    def _begin(self, job: Job) -> None:
        s, ctl = self.s, self.ctl
        with self._lock:
            if job.interrupt:
                self._finish(job, ("halt",))
                return
            if not self.active:
                self._cleanup()
                self._finish(job, ("undebugged", None))
                return
            job.state = "debugged"
        self._uncaught = None
        fn_before = [s.bp_body(b) for b in s.fn_bps]
        ctl.evaluate_next(job.text, job.source, job.read)
        s.views = Views(ctl)
        s.interventions = Interventions(ctl, s.views)
        s.invalidate()
        self._announce(job.source, fn_before)
        s.state = "running"
        s.last_stop = None
        s.run_id += 1
        pause, self.pause_next = self.pause_next, False
        ctl.pause_requested.clear()  # one that came as the previous evaluation ended is stale
        progress = s._start_progress(s.run_id)
        try:
            result = self._first_run(pause)
        except Exception:
            self.run_failed()
            return
        finally:
            s._end_progress(progress)
        s.report(result)

    def _first_run(self, pause: bool) -> Stop | Exit:
        if not pause:
            return self.ctl.resume("continue")
        result = self.ctl.resume("in")
        if isinstance(result, Stop) and result.reason == "step":
            result.reason = "pause"
            result.description = f"Paused on entry (step {result.step})"
        return result

    def _announce(self, source: str, fn_before: list[dict[str, Any]]) -> None:
        """Breakpoints this evaluation's source verifies (`changed`), then `loadedSource`."""
        s = self.s
        for path in list(s.line_specs):
            if s.internal_file(path) != source:
                continue
            before = [s.bp_body(b, path) for b in s.line_bps.get(path, [])]
            for old, bp in zip(before, s.apply_line_bps(path), strict=False):
                new = s.bp_body(bp, path)
                if new != old:
                    s.send_event("breakpoint", {"reason": "changed", "breakpoint": new})
        for old, bp in zip(fn_before, s.fn_bps, strict=False):
            new = s.bp_body(bp)
            if new != old:
                s.send_event("breakpoint", {"reason": "changed", "breakpoint": new})
        s.announce_sources()

    def on_result(self, result: Stop | Exit) -> bool:
        """A debugged run has stopped or ended (Session.report): True when handled here, that
        is unless it is a stop to show the client."""
        job = self.job
        if job is None or job.state != "debugged":
            return isinstance(result, Exit)
        s = self.s
        if isinstance(result, Exit):
            if result.report is not None:
                s.output("stderr", result.report + "\n")
            self._end(job, self._exit_outcome(result))
            return True
        if job.interrupt or self.terminating:
            self.ctl.terminate()
            self._end(job, ("exit", 1) if self.terminating else ("halt",))
            return True
        if not self.active:
            self._cleanup()
            self._finish(job, ("undebugged", self._live_state()))
            return True
        return False

    def _end(self, job: Job, outcome: tuple[Any, ...]) -> None:
        s = self.s
        was_stopped = s.state == "stopped"
        s.state = "running"
        s.last_stop = None
        s.invalidate()
        if not self.active:
            self._cleanup()
        self._finish(job, outcome)
        if was_stopped and self.active:
            s.send_event("continued", {"threadId": 1, "allThreadsContinued": True})

    def _end_stopped(self, job: Job) -> None:
        if self.job is job and job.state == "debugged" and self.s.state == "stopped":
            self.on_result(self.ctl.last_stop or Stop("pause", "", self.ctl.cur))

    def _exit_outcome(self, result: Exit) -> tuple[Any, ...]:
        if result.report is not None and self._uncaught is not None:
            return ("uncaught", *self._uncaught)
        st = self.ctl.state
        if result.code == 0 and st.c is None and st.k is None:
            return ("value", st.v)
        return ("exit", result.code)

    def run_failed(self) -> None:
        """An internal error (or a halt) during a debugged run: the evaluation ends with it."""
        job = self.job
        if self.s.log is not None:
            self.s.log.note(f"internal error while running an attached evaluation:\n{traceback.format_exc()}")
        if job is not None and job.state == "debugged":
            self._end(job, ("halt",))

    # ---- requests ----------------------------------------------------------------------------

    def idle(self) -> bool:
        job = self.job
        return job is None or job.state != "debugged"

    def terminate_current(self) -> None:
        """DAP `terminate`: the evaluation being debugged ends as `(exit 1)` would."""
        job = self.job
        if job is None or job.state != "debugged":
            return
        self.s.run_id += 1

        def end() -> None:
            if self.job is job and job.state == "debugged":
                self.ctl.terminate()
                self._end(job, ("exit", 1))

        if self.s.state == "running":
            self.ctl.pause()
        self.s.tasks.put(end)

    def detach(self, terminate: bool = False) -> None:
        """Stop debugging: breakpoints go; the evaluation being debugged continues undebugged to
        its end (with `terminate`, it ends as `(exit 1)`). Idempotent."""
        with self._lock:
            if not self.active:
                return
            self.active = False
            self.terminating = terminate
            if self.rt.evaluation_interceptor is self:
                self.rt.evaluation_interceptor = None
            job = self.job
        if job is not None and job.state == "debugged" and self.s.state == "running":
            self.ctl.pause()
        self.s.tasks.put(self._final)

    def _final(self) -> None:
        job = self.job
        if job is not None and job.state == "debugged":
            if self.terminating:
                self.ctl.terminate()
                self._cleanup()
                self._finish(job, ("exit", 1))
                return
            self._cleanup()
            self._finish(job, ("undebugged", self._live_state()))
            return
        self._cleanup()


def attach_here(s: Session, req: Request, cfg: AttachConfig) -> None:
    """`attach` in the serve process: debug the session's evaluations from now on."""
    link = s.link
    ctl = s.ctl
    assert link is not None and ctl is not None
    if s.state != "new":
        raise DapError(1004, "The session is already attached")
    unknown = [k for k in req.args if k not in ATTACH_KNOWN and not k.startswith("__")]
    rt = served_runtime(link)

    def run() -> None:
        ctl.set_history_limit(cfg.history_limit)
        ctl.output = lambda category, text: s.output(category, text)
        ctl.log_output = s.log_output
        attached = AttachedEvaluations(s, rt, ctl)
        attached.install()
        s.rt = rt
        s.attached = attached
        s.views = Views(ctl)
        s.interventions = Interventions(ctl, s.views)
        s.intervention_error = InterventionError
        from .handlers_config import _apply_all

        ctl.adopt_evaluated_sources()  # what the session loaded since the upgrade
        s.announced.update(ctl.sources)  # listed by loadedSources from the start
        _apply_all(s)
        s.state = "running"
        s.respond(req)
        if unknown:
            s.console(f"attach: ignoring unknown attributes: {', '.join(unknown)}")
        s.send_event("process", {"name": f"omega serve (session {rt.session.id[:8]})", "startMethod": "attach",
                                 "systemProcessId": os.getpid()})
        s.send_event("thread", {"reason": "started", "threadId": 1})

    s.queue(req, run)


__all__ = ["serve", "AttachedEvaluations", "attach_here", "Job"]
