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
"""

from __future__ import annotations

import bisect
import functools
import gc
import heapq
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import attrs

from ..machine import frames as F
from ..machine import nodes as N
from ..machine.machine import Machine, MachineHalt, ProgramExit, Uncaught
from ..machine.state import State
from ..values import Condition, Symbol, sym
from .breakpoints import (
    EXCEPTION_FILTERS,
    FILTER_IDS,
    Breakpoint,
    LineTable,
    function_body_nids,
    hit_condition_holds,
    parse_hit_condition,
)
from .history import History

if TYPE_CHECKING:
    from .target import DebugTarget


class DebugStop(MachineHalt):
    """Raised by the controller's hook to end a live run at a stop."""


@attrs.define
class Stop:
    reason: str  # entry step breakpoint "function breakpoint" "data breakpoint" exception pause goto restart choice backtrack transaction
    description: str
    step: int
    hit_ids: list[int] = attrs.field(factory=list)
    text: str | None = None  # exception stops: the condition type or filter id
    condition: Condition | None = None
    filter: str | None = None
    detail: str = ""  # other filters' exceptionInfo description


@attrs.define
class Source:
    """A source the controller has prepared: a launched program, or in attach mode each file and
    `<repl-N>` input the session has evaluated (breakpoints bind through its line table)."""

    text: str
    line_table: LineTable
    roots: list[Any]  # the compiled top-level nodes


@attrs.define
class Exit:
    code: int
    report: str | None = None  # an uncaught condition's report (LANGUAGE.md 15.3)


@attrs.define
class Event:
    """Something that happened during the transition from entry `step` to the next."""

    kind: str  # signal rollback oracle backtrack uncaught
    data: Any
    filter: str | None = None


def activation_depth(k: Any) -> int:
    n = 0
    while k is not None:
        if k.__class__ is F.Activation:
            n += 1
        k = k.next
    return n


def top_activation(k: Any) -> Any:
    while k is not None:
        if k.__class__ is F.Activation:
            return k
        k = k.next
    return None


def is_node_control(st: State) -> bool:
    c = st.c
    return c is not None and not c.synthetic and not c.builtin and c.span is not None


class Mode:
    """A running request's target: continue, in, over, out, instruction (forward)."""

    def __init__(self, kind: str, granularity: str, st: State, line: int | None) -> None:
        self.kind = kind
        self.granularity = granularity
        self.depth = activation_depth(st.k)
        self.activation = top_activation(st.k)
        self.line = line
        self.form = st.r.form
        self.steps = 0
        self.until = -1
        self.target: Callable[[State, bool], bool] | None = None


P = ParamSpec("P")
R = TypeVar("R")
BREAKPOINT_REASONS = ("breakpoint", "function breakpoint", "data breakpoint")


def announces_stops(method: Callable[Concatenate[DebugController, P], R]) -> Callable[Concatenate[DebugController, P], R]:
    """A request that ends at a stop tells the runtime (`stopped`, `breakpoint-hit` events,
    RUNTIME.md), whoever made it: the DAP server, `omega debug` or `OmegaRuntime.step()`. Only the
    outermost request announces (one request may make another)."""

    def announcing(self: DebugController, /, *args: P.args, **kwargs: P.kwargs) -> R:
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


class DebugController:
    def __init__(self, runtime: DebugTarget, history_limit: int = 1_000_000, no_debug: bool = False) -> None:
        self.rt = runtime
        self.m: Machine = runtime.machine
        self.history = History(0 if no_debug else history_limit)
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

    @property
    def state(self) -> State:
        return self.history.get(self.cur) if self.history.has(self.cur) else self.m.snapshot()

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

    def cur_live(self) -> int:
        return self.history.newest if self.history.enabled else self.history.base

    # ---- breakpoints ----------------------------------------------------------------------

    def _new_id(self) -> int:
        self._bp_ids += 1
        return self._bp_ids

    def set_line_breakpoints(self, file: str, specs: list[dict[str, Any]]) -> list[Breakpoint]:
        """Replace the breakpoints of `file`. `specs`: line, column, condition, hitCondition,
        logMessage. Ids and hit counts persist for identical breakpoints."""
        old = {bp.key: bp for bp in self.line_bps.get(file, [])}
        out: list[Breakpoint] = []
        source = self.sources.get(file)
        table = source.line_table if source is not None else None
        for spec in specs:
            line = int(spec["line"])
            column = spec.get("column")
            key = (file, line, column, spec.get("condition"), spec.get("hitCondition"))
            bp = old.pop(key, None)
            if bp is None:
                bp = Breakpoint(self._new_id(), "line", False, key=key, source=file,
                                known_from=self.history.newest if self.history.states else 0)
            bp.condition = spec.get("condition") or None
            bp.log_message = spec.get("logMessage") or None
            bp.message = None
            bp.reason = None
            hit_text = spec.get("hitCondition")
            bp.hit_text = hit_text
            bp.hit_condition = parse_hit_condition(hit_text) if hit_text else None
            if hit_text and bp.hit_condition is None:
                bp.verified, bp.reason, bp.message = False, "failed", f'Invalid hit condition "{hit_text}"'
                bp.nids = frozenset()
            elif table is None:
                name = file.rsplit("/", 1)[-1]
                bp.verified, bp.reason = False, "failed"
                bp.message = "This file is not part of the program being debugged" if self.file else \
                    "The program is not launched yet"
                if self.attached:
                    bp.reason, bp.message = "pending", f"Pending: the session has not loaded {name} yet"
                bp.line = line
                bp.nids = frozenset()
            else:
                node, real = table.bind(line, column)
                if node is None:
                    name = file.rsplit("/", 1)[-1]
                    bp.verified, bp.reason, bp.line = False, "failed", line
                    bp.message = f"Line {line} is past the end of {name} ({table.last_line} lines)"
                    bp.nids = frozenset()
                else:
                    span = node.span
                    assert span is not None
                    bp.verified = True
                    bp.nids = frozenset([node.nid])
                    bp.line, bp.column, bp.end_line, bp.end_column = (span.start_line, span.start_col,
                                                                      span.end_line, span.end_col)
                    if real != line:
                        bp.message = f"Moved from line {line}: no expression starts there"
            out.append(bp)
        self.line_bps[file] = out
        self._reindex()
        return out

    def set_function_breakpoints(self, specs: list[dict[str, Any]]) -> list[Breakpoint]:
        out = []
        old = {bp.key: bp for bp in self.function_bps}
        for spec in specs:
            key = ("function", str(spec["name"]), spec.get("condition"), spec.get("hitCondition"))
            bp = old.pop(key, None) or Breakpoint(self._new_id(), "function", False, name=str(spec["name"]), key=key,
                                                  known_from=self.history.newest if self.history.states else 0)
            bp.condition = spec.get("condition") or None
            hit_text = spec.get("hitCondition")
            bp.hit_condition = parse_hit_condition(hit_text) if hit_text else None
            out.append(bp)
        self.function_bps = out
        self._rebind_function_bps()
        return out

    def _rebind_function_bps(self) -> None:
        roots = [node for source in self.sources.values() for node in source.roots]
        self.m.watched_calls = frozenset(
            bp.name for bp in self.function_bps
            if bp.name and (bp.name.startswith("effect:") or bp.name in self.rt.interpreter.builtins))
        for bp in self.function_bps:
            name = bp.name or ""
            if name.startswith("effect:"):
                bp.verified, bp.nids = True, frozenset()
                continue
            bp.nids = function_body_nids(roots, name)
            prim = self.rt.interpreter.builtins.get(name)
            bp.verified = bool(bp.nids) or prim is not None
            bp.reason = None if bp.verified else "pending"
            bp.message = None if bp.verified else f"No procedure named {name} yet"
        self._reindex()

    def set_data_breakpoints(self, specs: list[dict[str, Any]]) -> list[Breakpoint]:
        out = []
        old = {bp.key: bp for bp in self.data_bps}
        for spec in specs:
            key = ("data", str(spec["dataId"]), spec.get("accessType"), spec.get("condition"), spec.get("hitCondition"))
            bp = old.pop(key, None) or Breakpoint(self._new_id(), "data", True, name=str(spec["dataId"]), key=key)
            bp.access = spec.get("accessType") or "write"
            bp.condition = spec.get("condition") or None
            hit_text = spec.get("hitCondition")
            bp.hit_condition = parse_hit_condition(hit_text) if hit_text else None
            out.append(bp)
        self.data_bps = out
        return out

    def set_exception_filters(self, filters: dict[str, str | None]) -> None:
        unknown = [f for f in filters if f not in FILTER_IDS]
        if unknown:
            raise ValueError(f"unknown exception filter {unknown[0]!r}")
        self.filters = dict(filters)

    def _reindex(self) -> None:
        index: dict[int, list[Breakpoint]] = {}
        for bps in self.line_bps.values():
            for bp in bps:
                for nid in bp.nids:
                    index.setdefault(nid, []).append(bp)
        for bp in self.function_bps:
            for nid in bp.nids:
                index.setdefault(nid, []).append(bp)
        self.bp_nodes = index
        if self._mode is not None:
            self.m.request_slow_path()  # a live run installs the new traps at once (`_hook`)

    def _all_breakpoints(self) -> list[Breakpoint]:
        return [bp for bps in self.line_bps.values() for bp in bps] + self.function_bps + self.data_bps

    def data_key(self, bp: Breakpoint) -> Any:
        """The store key a data breakpoint watches (dataId forms of DEBUGGER.md 6.4)."""
        data_id = bp.name or ""
        if data_id.startswith("global:"):
            return sym(data_id[len("global:"):])
        if data_id.startswith("cell:"):
            parts = data_id.split(":", 2)
            return int(parts[1]) if len(parts) == 2 else self._slot_key(int(parts[1]), parts[2])
        return None

    def _data_change(self, bp: Breakpoint, step: int) -> str:
        """`count changed: 0 → 1`: the target's name with its values before and after the step."""
        data_id = bp.name or ""
        name = self.data_names.get(data_id) or data_id.removeprefix("global:")
        key = self.data_key(bp)
        if key.__class__ not in (Symbol, int) or not self.history.has(step - 1):
            return f"{name} changed"  # a container slot: its value is not a store cell of its own
        before, after = self.history.get(step - 1).s, self.history.get(step).s
        return f"{name} changed: {self._cut(before, key)} → {self._cut(after, key)}"

    @staticmethod
    def _cut(store: Any, key: Any) -> str:
        from .values_view import cut_write

        return cut_write(store[key], store, 40) if key in store else "<unbound>"

    def _slot_key(self, cell: int, rest: str) -> Any:
        return self.data_slot_keys.get((cell, rest))

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

    def _node_line(self, st: State) -> int | None:
        return st.c.span.start_line if is_node_control(st) else self._last_line

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

    def _trap_nodes(self) -> list[Any]:
        """The nodes the breakpoints watch (Machine.set_traps), found once per breakpoint change."""
        wanted = self.bp_nodes
        if self._traps_for is not wanted:
            found = []
            stack = [root for source in self.sources.values() for root in source.roots]
            while stack:
                node = stack.pop()
                if node.nid in wanted:
                    found.append(node)
                stack.extend(node.children())
            self._traps_for, self._traps = wanted, found
        return self._traps

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
        if history.enabled and history.size > history.limit:
            self._trim_history()
        if stop is not None:
            self._raise_stop(stop)

    def _trim_history(self) -> None:
        """Drop the oldest entries beyond the history limit, saying so on the console."""
        before = self.history.oldest
        after = self.history.enforce_limit()
        if after != before:
            self.output("console", f"History limit of {self.history.limit:,} entries reached: "
                                   f"the oldest recorded step is now {after:,}\n")

    def _announce(self, stop: Any) -> None:
        if not isinstance(stop, Stop):
            return
        data = {"reason": stop.reason, "description": stop.description, "step": stop.step,
                "breakpoints": list(stop.hit_ids), "stop": stop}
        self.rt.emit("stopped", data)
        if stop.reason in BREAKPOINT_REASONS:
            self.rt.emit("breakpoint-hit", data)

    def _raise_stop(self, stop: Stop) -> None:
        self._stop_result = stop
        self.last_stop = stop
        raise DebugStop(stop.reason)

    # ---- the checks ------------------------------------------------------------------------

    def _before_stop(self, events: list[Event], step: int) -> Stop | None:
        """Exception filters, oracle calls and rollbacks stop at the state before their step."""
        if self._suppress == step:
            return None
        # Several filters matching one event make one stop, attributed to the first in table
        # order: `uncaught` first.
        ordered = [ev for ev in events if ev.kind == "uncaught"] + [ev for ev in events if ev.kind != "uncaught"]
        for ev in ordered:
            stop = self._filter_stop(ev, step)
            if stop is not None:
                self._suppress = step
                return stop
        return None

    def _filter_stop(self, ev: Event, step: int) -> Stop | None:
        if ev.kind == "call":
            st = self.history.get(step) if self.history.has(step) else self.m.snapshot()
            hits = [bp for bp in self.function_bps if bp.name == ev.data and self._condition_ok(bp, st, step)]
            if not hits:
                return None
            return Stop("function breakpoint", f"Paused on function breakpoint {hits[0].bid} (step {step})", step,
                        hit_ids=[b.bid for b in hits])
        if ev.kind == "uncaught":
            cond = ev.data
            self.pending_uncaught = (cond, self.history.get(step) if self.history.has(step) else self.m.snapshot())
            text = self.rt.machine.condition_text(cond)
            return Stop("exception", f"Uncaught {cond.ctype.name}: {text} (step {step})", step,
                        text=cond.ctype.name, condition=cond, filter="uncaught")
        if ev.kind == "signal":
            cond, _severity = ev.data
            for fid, types in (("signalled", None), ("amb-exhausted", "amb-exhausted"),
                               ("fixpoint-diverged", "fixpoint-diverged"), ("budget-exceeded", "budget-exceeded")):
                if fid not in self.filters:
                    continue
                if types is not None and not cond.is_a(sym(types)):
                    continue
                if not self._filter_condition_holds(fid, cond, step):
                    continue
                text = self.rt.machine.condition_text(cond)
                return Stop("exception", f"{cond.ctype.name}: {text} (step {step})", step, text=cond.ctype.name,
                            condition=cond, filter=fid)
            return None
        if ev.kind == "rollback" and "transaction-rolled-back" in self.filters:
            tx, why = ev.data
            return Stop("exception", f"Transaction tx-{tx.tid} is about to roll back ({why}) (step {step})", step,
                        text="transaction-rolled-back", filter="transaction-rolled-back",
                        detail=f"tx-{tx.tid}: {len(tx.proposals)} proposals")
        if ev.kind == "oracle" and "oracle-call" in self.filters:
            req = ev.data
            cond_text = self.filters.get("oracle-call")
            if cond_text and not cond_text.startswith("(") and cond_text.lower() not in req.prompt.lower():
                return None
            return Stop("exception", f"Oracle call {req.op}: {req.prompt[:80]} (step {step})", step,
                        text="oracle-call", filter="oracle-call", detail=f"{req.op}: {req.prompt[:200]}")
        return None

    def _filter_condition_holds(self, fid: str, cond: Condition, step: int) -> bool:
        text = self.filters.get(fid)
        if not text:
            return True
        if not text.lstrip().startswith("("):
            names = text.split()
            return any(cond.is_a(sym(n)) for n in names)
        if self.evaluate_condition is None:
            return True
        st = self.history.get(step) if self.history.has(step) else self.m.snapshot()
        try:
            return self.evaluate_condition(text, st, {"condition": cond}) is not False
        except Exception:  # a filter condition that fails to evaluate stops (reported in the stop text)
            return True

    def _after_stop(self, st: State, step: int, events: list[Event], written: list[Any]) -> Stop | None:
        mode = self._mode
        assert mode is not None
        mode.steps += 1
        if is_node_control(st):
            line = st.c.span.start_line
            stmt = st.c.stmt or line != self._last_line
        else:
            stmt = False
        # Breakpoints on the node about to be evaluated.
        hits: list[Breakpoint] = []
        c = st.c
        if c is not None and c.nid in self.bp_nodes:
            hits = self._hits(self.bp_nodes[c.nid], st, step)
        data_hits: list[Breakpoint] = []
        if written and self.data_bps:
            for bp in self.data_bps:
                key = self.data_key(bp)
                if key is not None and key in written and self._condition_ok(bp, st, step):
                    data_hits.append(bp)
        target = self._reached(mode, st, stmt, events)
        if is_node_control(st):
            self._last_line = st.c.span.start_line
        if target is not None:
            return Stop(target, self._describe(target, step, events), step,
                        hit_ids=[b.bid for b in hits + data_hits])
        if data_hits:
            return Stop("data breakpoint", f"{self._data_change(data_hits[0], step)} (step {step})",
                        step, hit_ids=[b.bid for b in data_hits])
        if hits:
            kind = "function breakpoint" if hits[0].kind == "function" else "breakpoint"
            return Stop(kind, f"Paused on {kind} {hits[0].bid} (step {step})", step, hit_ids=[b.bid for b in hits])
        if self.pause_requested.is_set():
            self.pause_requested.clear()
            return Stop("pause", f"Paused (step {step})", step)
        return None

    def _hits(self, bps: list[Breakpoint], st: State, step: int) -> list[Breakpoint]:
        out = []
        for bp in bps:
            if bp.log_message is not None:
                if self._condition_ok(bp, st, step):
                    self._log(bp, st)
                continue
            if self._condition_ok(bp, st, step):
                out.append(bp)
        return out

    def _condition_ok(self, bp: Breakpoint, st: State, step: int) -> bool:
        if bp.condition and self.evaluate_condition is not None:
            try:
                if self.evaluate_condition(bp.condition, st, {}) is False:
                    return False
            except Exception as exc:  # the condition failed: stop and say why
                bp.message = f"Breakpoint {bp.bid}: condition failed: {exc}"
                return True
        count = bp.record_hit(step)
        return hit_condition_holds(bp.hit_condition, count)

    def _log(self, bp: Breakpoint, st: State) -> None:
        assert bp.log_message is not None
        text = self.interpolate(bp.log_message, st)
        self.log_output(text + "\n", st.c.span if is_node_control(st) else None)

    def interpolate(self, template: str, st: State) -> str:
        out, i = [], 0
        while i < len(template):
            ch = template[i]
            if template.startswith("{{", i) or template.startswith("}}", i):
                out.append(ch)
                i += 2
                continue
            if ch == "{":
                j = template.find("}", i)
                if j < 0:
                    out.append(template[i:])
                    break
                expr = template[i + 1:j]
                try:
                    assert self.evaluate_condition is not None
                    from ..printer import display_repr

                    out.append(display_repr(self.evaluate_condition(expr, st, {}), st.s))
                except Exception as exc:
                    out.append(f"<error: {exc}>")
                i = j + 1
                continue
            out.append(ch)
            i += 1
        return "".join(out)

    def _reached(self, mode: Mode, st: State, stmt: bool, events: list[Event]) -> str | None:
        kind = mode.kind
        if kind == "continue":
            return None
        if kind == "until":
            return "goto" if self.cur >= mode.until else None
        if kind == "target":
            assert mode.target is not None
            return "step" if mode.target(st, stmt) else None
        if kind == "instruction":
            return "step"
        if any(ev.kind == "backtrack" for ev in events):
            return "backtrack"
        if kind == "out":
            if mode.depth == 0:
                return "step" if st.r.form != mode.form and st.c is not None else None
            return "step" if activation_depth(st.k) < mode.depth else None
        if not stmt:
            return None
        if mode.granularity == "line" and is_node_control(st) and st.c.span.start_line == mode.line \
                and top_activation(st.k) is mode.activation:
            return None
        if kind == "in":
            return "step"
        if kind == "over":
            return "step" if activation_depth(st.k) <= mode.depth else None
        return None

    def _describe(self, reason: str, step: int, events: list[Event]) -> str:
        if reason == "goto":
            return f"Ran to step {step}"
        if reason == "backtrack":
            for ev in events:
                if ev.kind == "backtrack":
                    cp, index = ev.data
                    loc = cp.span.location().rsplit("/", 1)[-1] if cp.span is not None else "?"
                    alt = cp.total - len(cp.remaining) + index + 1
                    return f"Backtracked to cp-{cp.cid} (amb at {loc}): alternative {alt} of {cp.total} (step {step})"
        return f"Stepped (step {step})"

    # ---- time travel ------------------------------------------------------------------------

    def _require_history(self) -> None:
        if not self.history.enabled:
            raise ValueError("Time travel is off")

    def _goto_entry(self, step: int) -> None:
        self.cur = step
        self._suppress = None
        st = self.history.get(step)
        self._last_line = int(st.c.span.start_line) if is_node_control(st) else self._prev_line(step)
        self.m.restore(st)
        self.finished = None

    def _prev_line(self, step: int) -> int | None:
        for s in range(step - 1, max(self.history.oldest, step - 200) - 1, -1):
            st = self.history.get(s)
            if is_node_control(st):
                return int(st.c.span.start_line)
        return None

    def _is_stmt(self, step: int) -> bool:
        st = self.history.get(step)
        if not is_node_control(st):
            return False
        return bool(st.c.stmt) or st.c.span.start_line != self._prev_line(step)

    def _bp_hit_at(self, step: int) -> list[Breakpoint]:
        st = self.history.get(step)
        c = st.c
        if c is None or c.nid not in self.bp_nodes:
            return []
        return [bp for bp in self.bp_nodes[c.nid] if bp.log_message is None]

    def _back_stops(self, start: int) -> Any:
        """Entries before `start` whose control is a user node, newest first, as (step, control,
        continuation, is statement stop). Scans the recorded entries directly: a statement stop is known
        once the next older user node (the line before it) is seen."""
        pending: tuple[int, Any, Any] | None = None
        for step, c, k in self.history.controls_before(start):
            if c.synthetic or c.builtin or c.span is None:
                continue
            if pending is not None:
                ps, pc, pk = pending
                yield ps, pc, pk, bool(pc.stmt) or pc.span.start_line != c.span.start_line
            pending = (step, c, k)
        if pending is not None:
            yield (*pending, True)

    @announces_stops
    def step_back(self, granularity: str = "statement") -> Stop:
        self._require_history()
        start = self.cur
        if start <= self.history.oldest:
            return Stop("step", f"Reached the oldest recorded step (step {start})", start)
        if granularity == "instruction":
            self._goto_entry(start - 1)
            return Stop("step", f"Stepped back to step {start - 1}", start - 1)
        st0 = self.history.get(start)
        d = activation_depth(st0.k)
        act = top_activation(st0.k)
        line = self._node_line(st0)
        bpn = self.bp_nodes
        for s, c, k, stmt in self._back_stops(start):
            if c.nid in bpn and any(bp.log_message is None for bp in bpn[c.nid]):
                self._goto_entry(s)
                return Stop("step", f"Stepped back to step {s}", s)
            if not stmt or activation_depth(k) > d:
                continue
            if granularity == "line" and c.span.start_line == line and top_activation(k) is act:
                continue
            self._goto_entry(s)
            return Stop("step", f"Stepped back to step {s}", s)
        return self._to_oldest()

    @announces_stops
    def reverse_step_in(self) -> Stop:
        self._require_history()
        for s, _c, _k, stmt in self._back_stops(self.cur):
            if stmt:
                self._goto_entry(s)
                return Stop("step", f"Stepped back to step {s}", s)
        return self._to_oldest()

    @announces_stops
    def reverse_step_out(self) -> Stop:
        self._require_history()
        d = activation_depth(self.state.k)
        for s, _c, k, stmt in self._back_stops(self.cur):
            if stmt and activation_depth(k) < d:
                self._goto_entry(s)
                return Stop("step", f"Stepped back to step {s}", s)
        return self._to_oldest()

    def _to_oldest(self) -> Stop:
        oldest = self.history.oldest
        self._goto_entry(oldest)
        return Stop("entry" if oldest == 0 else "step", f"Reached the oldest recorded step (step {oldest})", oldest)

    @announces_stops
    def reverse_continue(self) -> Stop:
        """Back to the most recent earlier entry where a breakpoint hits or an enabled filter
        matches. Hits recorded while running answer directly (the breakpoints' hit lists);
        only the part of the record older than a breakpoint's arming is scanned."""
        self._require_history()
        oldest = self.history.oldest
        stoppers = [bp for bp in self._all_breakpoints() if bp.kind != "data" and bp.nids and bp.log_message is None]
        known = max([bp.known_from for bp in stoppers] + [oldest])
        candidates: set[int] = set()
        for bp in stoppers:
            hi = bisect.bisect_left(bp.hits, self.cur)
            lo = bisect.bisect_left(bp.hits, known)
            candidates.update(bp.hits[lo:hi])
        candidates.update(s for s in self.events if known <= s < self.cur)
        for s in sorted(candidates, reverse=True):
            stop = self._reverse_stop_at(s)
            if stop is not None:
                return stop
        limit = min(self.cur, known)
        event_steps = sorted((s for s in self.events if s < limit), reverse=True)
        for s in heapq.merge(self._breakpoint_steps(limit), event_steps, reverse=True):
            stop = self._reverse_stop_at(s)
            if stop is not None:
                return stop
        return self._to_oldest()

    def _breakpoint_steps(self, limit: int) -> Iterator[int]:
        """Entries before `limit` whose control is a breakpoint's node, newest first. While a
        stretch of the record is scanned the nodes are trapped (Machine.set_traps), which gives
        them classes of their own: the scan then only compares classes."""
        nodes = self._trap_nodes()
        for lo, hi in self.history.chunks_before(limit):
            self.m.set_traps(nodes)
            try:
                hits = self.history.steps_with_control_class({node.__class__ for node in nodes}, lo, hi)
            finally:
                self.m.set_traps(())
            yield from hits

    def _reverse_stop_at(self, s: int) -> Stop | None:
        st = self.history.get(s)
        c = st.c
        if c is not None and c.nid in self.bp_nodes:
            hits = [bp for bp in self.bp_nodes[c.nid] if bp.log_message is None]
            ok = [bp for bp in hits if self._reverse_condition_ok(bp, st, s)]
            if ok:
                self._goto_entry(s)
                kind = "function breakpoint" if ok[0].kind == "function" else "breakpoint"
                return Stop(kind, f"Paused on {kind} {ok[0].bid} (step {s})", s, hit_ids=[b.bid for b in ok])
        for ev in self.events.get(s, []):
            stop = self._filter_stop(ev, s)
            if stop is not None:
                self._goto_entry(s)
                return stop
        return None

    def _reverse_condition_ok(self, bp: Breakpoint, st: State, step: int) -> bool:
        if bp.condition and self.evaluate_condition is not None:
            try:
                if self.evaluate_condition(bp.condition, st, {}) is False:
                    return False
            except Exception:
                return True
        return hit_condition_holds(bp.hit_condition, bp.count_until(step))

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
