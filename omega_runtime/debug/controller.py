"""The one debug controller (DEBUGGER.md 6, 7, 11; LANGUAGE.md 16.4): it runs the machine, keeps
the history, decides every stop, moves over recorded entries and makes interventions. The DAP
server, `omega debug` and tests all drive this object; nothing else contains a stepping loop.

How a stop is decided:
* after each live step the controller's machine hook records the new state and checks breakpoints,
  data writes, the stepping target and the pause flag: those stop *at* the new state;
* events that must stop *before* they take effect (exception filters, oracle calls, rollbacks)
  are noticed during the step by watchers; the step is then discarded and the run stops at the
  state before it (when re-run, the step replays this session's oracle answers, 5.9);
* running from an older entry moves over the recorded states with the same checks, performing
  nothing, until the newest entry, where live execution resumes.

The controller is built in layers, one module each: its state (controller_state.py), breakpoint
settings (breakpoint_settings.py), the stop checks (stop_checks.py), time travel (time_travel.py);
this module launches programs, watches the runtime, runs the machine and makes interventions.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..machine import nodes as N
from ..machine.machine import Machine, ProgramExit, Uncaught
from ..machine.state import State
from ..values import Condition
from .breakpoints import EXCEPTION_FILTERS, LineTable
from .controller_state import announces_stops
from .stops import DebugStop, Event, Exit, Mode, Source, Stop, activation_depth
from .time_travel import TimeTravel

if TYPE_CHECKING:
    from .target import DebugTarget


class DebugController(TimeTravel):
    def __init__(self, runtime: DebugTarget, history_limit: int = 1_000_000, no_debug: bool = False) -> None:
        super().__init__(runtime, history_limit, no_debug)
        self._install_watchers()

    # ---- launch -------------------------------------------------------------------------

    def launch(self, text: str, file: str) -> list[Any]:
        """Read and prepare the program; entry 0 is its initial state. Reader diagnostics are
        returned (nothing runs then)."""
        result = self.rt.interpreter.read(text, file)
        if result.diagnostics:
            return list(result.diagnostics)
        self.sources.clear()  # one program
        self._prepare(text, file, result)
        return []

    def evaluate_next(self, text: str, file: str, result: Any) -> None:
        """Attach mode: prepare the session's next evaluation (`result`: its text read without
        diagnostics) in the same runtime and make its initial state entry 0. Earlier sources
        keep their line tables (their procedures may run again); the history, breakpoint hit
        counts and recorded events restart: time travel is within the current evaluation."""
        self._prepare(text, file, result)
        for bp in self._all_breakpoints():
            bp.hits.clear()
            bp.known_from = 0

    def _prepare(self, text: str, file: str, result: Any) -> None:
        self.file, self.text = file, text
        self.prepared = self.rt.prepare_program(result, text, file)
        self.line_table = self.add_source(file, text, [p.node for p in self.prepared]).line_table
        self.rt.interpreter.start_program(self.prepared)
        self.history.reset(self.m.snapshot())
        gc.unfreeze()  # the replaced history's objects are gone; the rest may be collected again
        self.cur = 0
        self.finished = None
        self.events = {}
        self.pending_uncaught = None
        self._rebind_function_bps()

    def add_source(self, file: str, text: str, roots: list[Any]) -> Source:
        """Know the text of `file` (and bind breakpoints in the code of `roots`)."""
        source = Source(text, LineTable.build(roots, file, len(text.splitlines())), roots)
        self.sources[file] = source
        return source

    def adopt_evaluated_sources(self) -> list[str]:
        """Attach mode: take in the sources the session evaluated before the debugger came (their
        procedures may still run); the names of those new to the controller."""
        new = [name for name in self.rt.evaluated_sources if name not in self.sources]
        for name in new:
            text, roots = self.rt.evaluated_sources[name]
            self.add_source(name, text, roots)
        if new:
            self._rebind_function_bps()
        return new

    def set_history_limit(self, limit: int) -> None:
        """Before the first run: entries kept for time travel (0: off)."""
        self.history.limit = limit

    def uninstall(self) -> None:
        """Stop watching the runtime (a detached debugger): the watchers go, and so do the
        function breakpoints' watched primitives."""
        for watchers, fn in self._watchers():
            if fn in watchers:
                watchers.remove(fn)
        self.m.watched_calls = frozenset()

    # ---- watchers: events inside a step ------------------------------------------------------

    def _watchers(self) -> list[tuple[list[Any], Any]]:
        """The host's watcher lists and this controller's watcher in each."""
        host = self.rt.host
        return [(host.signal_watchers, self._on_signal), (host.uncaught_watchers, self._on_uncaught),
                (host.rollback_watchers, self._on_rollback), (host.backtrack_watchers, self._on_backtrack),
                (host.request_watchers, self._on_oracle_request), (host.write_watchers, self._on_write),
                (host.call_watchers, self._on_call)]

    def _install_watchers(self) -> None:
        for watchers, fn in self._watchers():
            watchers.append(fn)

    def _active(self) -> bool:
        return self._mode is not None

    def _notice(self, m: Machine, event: Event) -> None:
        """An event during the live step: the slow path right after that step decides (the
        machine runs it then, a backtrack included), and credits it to that step."""
        self._pending.append(event)
        m.request_slow_path()

    def _on_signal(self, m: Machine, cond: Condition, severity: str) -> None:
        if self._active():
            self._notice(m, Event("signal", (cond, severity)))

    def _on_uncaught(self, m: Machine, cond: Condition) -> bool:
        if not self._active():
            return False
        step = self.cur_live()
        if "uncaught" in self.filters and self._suppress != step \
                and self._filter_condition_holds("uncaught", cond, step):
            self._notice(m, Event("uncaught", cond, "uncaught"))
            return True  # the step is discarded; the run stops before it
        # A signal filter (amb-exhausted, budget-exceeded, ...) that matches must stop before this
        # step too, so the step may not end the run by raising Uncaught.
        if self._suppress != step and any(
                ev.kind == "signal" and self._filter_stop(ev, step) is not None for ev in self._pending):
            m.request_slow_path()
            return True
        return False

    def _on_rollback(self, m: Machine, tx: Any, why: str) -> None:
        if self._active():
            self._notice(m, Event("rollback", (tx, why)))

    def _on_backtrack(self, m: Machine, cp: Any, index: int) -> None:
        if self._active():
            self._notice(m, Event("backtrack", (cp, index)))

    def _on_oracle_request(self, m: Machine, req: Any) -> None:
        if self._active():
            self._notice(m, Event("oracle", req))

    def _on_call(self, m: Machine, name: str) -> None:
        """A primitive about to be applied or an effect about to be dispatched, by a name a
        function breakpoint watches: the run stops before that step, arguments visible."""
        if self._active():
            self._notice(m, Event("call", name))

    def _on_write(self, m: Machine, key: Any) -> None:
        if self.data_bps and self._active():
            self._written.append(key)
            m.request_slow_path()

    # ---- running --------------------------------------------------------------------------

    @announces_stops
    def resume(self, kind: str = "continue", granularity: str = "statement") -> Stop | Exit:
        """Run forward: continue, in, over, out or (granularity instruction) one step."""
        if self.finished is not None:
            return self.finished
        if kind == "instruction" or (granularity == "instruction" and kind in ("in", "over")):
            kind = "instruction"
        st = self.state
        return self._run(Mode(kind, granularity, st, self._node_line(st)))

    @announces_stops
    def run_until(self, target: Callable[[State, bool], bool]) -> Stop | Exit:
        """Run forward, stopping (reason `step`) at the first state where `target(state,
        is_statement_stop)` holds, or earlier at breakpoints, filters and backtracks. Requests
        with their own targets (stepping into one call, running to an amb) use this."""
        if self.finished is not None:
            return self.finished
        st = self.state
        mode = Mode("target", "statement", st, self._node_line(st))
        mode.target = target
        return self._run(mode)

    def _run(self, mode: Mode) -> Stop | Exit:
        """Every forward run: over the recorded entries with every check, then live."""
        self._mode = mode
        try:
            while self.cur < self.history.newest:
                stop = self._advance_recorded()
                if stop is not None:
                    return stop
            return self._drive()
        finally:
            self._mode = None
            # A pause asked for before this run started stops it; one left over after it ends
            # must not stop the next run.
            self.pause_requested.clear()

    def pause(self) -> None:
        """Thread-safe: the running request stops at the next state (within 100 ms)."""
        self.pause_requested.set()
        self.m.request_slow_path()

    def _advance_recorded(self) -> Stop | None:
        """Move one entry forward over the record, applying every check; nothing is performed."""
        prev = self.cur
        events = self.events.get(prev, [])
        before = self._before_stop(events, prev)
        if before is not None:
            return before
        self.cur = prev + 1
        st = self.history.get(self.cur)
        return self._after_stop(st, self.cur, events, [])

    def _drive(self) -> Stop | Exit:
        """Run the machine live from the current entry until a hook raises DebugStop or the
        program ends. The machine itself records every state (Machine.record) and runs the slow
        path, where `_hook` checks for stops, only when something may stop it."""
        m = self.m
        m.restore(self.history.get(self.cur))
        mode = self._mode
        m.record = self.history.states if self.history.enabled else None
        m.set_traps(self._trap_nodes())
        self._checked_t = m.t  # resuming never re-hits the current state's breakpoint
        every_step = m.every_step  # on while a `step` event handler listens (subsystems/step_events.py)
        m.every_step = every_step or (mode is not None and mode.kind != "continue")
        m.hooks.append(self._hook)
        m.reset_check()
        self._pending = []
        self._written = []
        # The recording keeps millions of objects alive: the cyclic collector would rescan them
        # over and over (the machine's states hold no reference cycles), so it pauses meanwhile,
        # and what the run allocated is frozen before it resumes (else its first collection
        # would scan every recorded object); `_prepare` unfreezes when the history is replaced.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            if m.finished():
                return self._exit(0)
            m.run()
            return self._exit(0)
        except DebugStop:
            return self._stop_result
        except ProgramExit as exc:
            return self._exit(exc.code)
        except Uncaught as exc:
            from ..results import format_report

            report = format_report(exc.condition, exc.backtrace, m.condition_text(exc.condition))
            self.rt.stderr(report + "\n")
            return self._exit(1, report)
        finally:
            if gc_was_enabled:
                gc.freeze()
                gc.enable()
            m.hooks.remove(self._hook)
            m.record = None
            m.set_traps(())
            m.every_step = every_step
            self.cur = self.cur_live() if self.finished is not None else self.cur
            self._trim_history()
            m.reset_check()

    def terminate(self) -> Exit:
        """End the program as `(exit 1)` would: open transactions roll back."""
        return self._exit(1)

    def _exit(self, code: int, report: str | None = None) -> Exit:
        self.finished = Exit(code, report)
        # Open transactions roll back when the program stops (LANGUAGE.md 7).
        m = self.m
        while m.r.txs:
            m.rollback_tx(m.r.txs[0].tid, "exit")
        return self.finished

    def _hook(self, m: Machine) -> None:
        """The slow path of a recorded run, or a trapped node about to be evaluated: the newest
        entry is the state after the last step. A before-event discards that step; otherwise the
        new state is checked for a stop (once: a trap after the slow path saw it does nothing)."""
        if self._traps_for is not self.bp_nodes:  # breakpoints changed while running
            m.set_traps(self._trap_nodes())
        if m.t == self._checked_t and not self._pending:
            return
        self._checked_t = m.t
        history = self.history
        if not history.enabled:
            history.append(m.snapshot())
        newest = history.newest
        pre = newest - 1
        pending = self._pending
        if pending:
            self._pending = []
            stop = self._before_stop(pending, pre) if history.has(pre) else None
            if stop is not None:
                history.discard_newest()
                self.cur = pre
                m.restore(history.get(pre))
                self._raise_stop(stop)
            self.events.setdefault(pre, []).extend(pending)
        self.cur = newest
        if self._suppress is not None and self._suppress < pre:
            self._suppress = None
        written = self._written
        if written:
            self._written = []
        stop = self._after_stop(history.get(newest), newest, self.events.get(pre, []), written)
        if history.enabled and history.size > history.capacity:
            self._trim_history()
        if stop is not None:
            self._raise_stop(stop)

    def _trim_history(self) -> None:
        """Drop the oldest entries beyond the history's capacity, saying so on the console."""
        history = self.history
        before = history.oldest
        after = history.enforce_limit()
        if after != before:
            if history.capacity < history.limit:
                reached = f"Half of the memory available ({history.capacity:,} entries of history)"
            else:
                reached = f"History limit of {history.limit:,} entries"
            self.output("console", f"{reached} reached: the oldest recorded step is now {after:,}\n")

    def _raise_stop(self, stop: Stop) -> None:
        self._stop_result = stop
        self.last_stop = stop
        raise DebugStop(stop.reason)

    @announces_stops
    def goto_step(self, step: int) -> Stop | Exit:
        """Jump to entry `step`; beyond the newest, run forward to it (stopping earlier at breakpoints)."""
        if self.history.has(step):
            self._goto_entry(step)
            return Stop("goto", f"Jumped to step {step}", step)
        if step < self.history.oldest:
            self._require_history()
            return self._to_oldest()
        self._goto_entry(self.history.newest)
        result = self._run_until(step)
        return result

    def _run_until(self, step: int) -> Stop | Exit:
        mode = Mode("until", "statement", self.state, None)
        mode.until = step
        return self._run(mode)

    # ---- interventions ---------------------------------------------------------------------

    @announces_stops
    def intervene(self, summary: str, change: Callable[[Machine], None]) -> tuple[Stop, int]:
        """Discard every entry after the current one, apply `change` to the machine at the current
        state, and record the result as an edit entry. Returns the stop and how many entries were
        discarded. `change` raising leaves everything as it was."""
        m = self.m
        st = self.state
        m.restore(st)
        try:
            change(m)
        except Exception:
            m.restore(st)
            raise
        dropped = self.history.truncate_after(self.cur)
        for bp in self._all_breakpoints():
            del bp.hits[bp.count_until(self.cur):]
        for s in [s for s in self.events if s >= self.cur]:
            del self.events[s]
        self.finished = None
        self.pending_uncaught = None
        self._suppress = None
        self.cur = self.history.append(m.snapshot(), edit=summary)
        return Stop("goto", f"{summary} (step {self.cur})", self.cur), dropped

    def snapshot(self, name: str) -> int:
        self.snapshots[name] = self.state
        self.snapshot_steps[name] = self.cur
        return self.cur

    @announces_stops
    def restore_snapshot(self, name: str) -> tuple[Stop, int]:
        """Jump to the snapshot's entry when it is still on the timeline, else install its state
        as an intervention."""
        st = self.snapshots[name]
        s = self.snapshot_steps.get(name, -1)
        if self.history.same(s, st):
            self._goto_entry(s)
            return Stop("goto", f"Restored snapshot {name} (step {s})", s), 0

        def install(m: Machine) -> None:
            m.restore(st)

        return self.intervene(f"restore snapshot {name}", install)

    # ---- descriptions ----------------------------------------------------------------------

    def entry_summary(self, step: int) -> str:
        if step in self.history.edits:
            return "edit: " + self.history.edits[step]
        st = self.history.get(step)
        for ev in self.events.get(step - 1, []):
            if ev.kind == "backtrack":
                cp, index = ev.data
                return f"backtrack to cp-{cp.cid} #{cp.total - len(cp.remaining) + index + 1}"
            if ev.kind == "oracle":
                return f"oracle {ev.data.receipt_id()}"
        c = st.c
        if c is None:
            top = st.k
            return f"return to {top.kind}" if top is not None else "end"
        if isinstance(c, N.KApp):
            fn = c.fn
            name = getattr(getattr(fn, "name", None), "name", None) or getattr(getattr(fn, "binding", None), "name", None)
            return f"apply {name}" if name else "apply"
        return f"eval {c.kind}"


__all__ = ["DebugController", "Stop", "Exit", "EXCEPTION_FILTERS", "activation_depth", "time"]
