"""`omega debug FILE`: a pdb-like terminal debugger on the runtime's DebugController
(DEBUGGER.md 6, 7, 11; LANGUAGE.md 16.4).

The terminal owns only presentation: command parsing, breakpoint numbering and printing. Every
stop, step and jump is decided by the controller; states are read through the inspector (or the
views layer when it is installed), and every change of state goes through `controller.intervene`.
Works with piped stdin (prompts are still written, like pdb) and under a terminal (readline).
"""

from __future__ import annotations

import cmd
import importlib
import signal
import sys
import threading
from collections.abc import Callable
from typing import IO, Any

import attrs

from ..machine import frames as F
from ..machine.state import State
from ..printer import display_repr, write_repr
from ..span import Span
from ..values import sym
from .controller import DebugController, Exit, Stop
from .inspector import UNINITIALIZED, EvaluationError, Evaluator, FrameInfo, activation_locals, frames

PROMPT = "(odb) "

# Stop reasons whose controller description says more than the header line does.
DESCRIBED = {"exception", "backtrack", "data breakpoint", "choice", "restart", "transaction"}


@attrs.define(eq=False)
class TermBreakpoint:
    """One breakpoint as the user numbered it; `bp` is the controller's record after a sync
    (function and data breakpoints get new controller ids at each sync, so numbers are ours)."""

    number: int
    kind: str  # line | function | data
    file: str | None = None
    line: int | None = None
    name: str | None = None  # function name or dataId
    condition: str | None = None
    temporary: bool = False
    bp: Any = None


def _optional_module(name: str) -> Any:
    """The views/interventions layer when it is installed, else None (the terminal then reads
    states through the inspector directly)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


class TerminalDebugger(cmd.Cmd):
    """The `(odb) ` command loop over one launched DebugController."""

    prompt = PROMPT
    doc_header = "Commands (type help COMMAND):"
    misc_header = "Topics:"
    undoc_header = "Aliases:"

    def __init__(self, controller: DebugController, stdin: IO[str], stdout: IO[str], interactive: bool) -> None:
        super().__init__(stdin=stdin, stdout=stdout)
        self.use_rawinput = interactive  # readline editing only on a terminal
        self.dc = controller
        self.rt = controller.rt
        self.out = stdout
        self.evaluator = Evaluator(self.rt.interpreter)
        self.bps: list[TermBreakpoint] = []
        self.bp_files: set[str] = set()
        self._numbers = 0
        self.displays: list[tuple[int, str]] = []
        self._display_numbers = 0
        self.frame_index = 0
        self._frames: list[FrameInfo] | None = None
        self.exit_code: int | None = None
        self.views: Any = None
        self.interventions: Any = None
        self._install_layers()
        controller.output = self._console

    # ---- plumbing -----------------------------------------------------------------------------

    def _install_layers(self) -> None:
        views_mod = _optional_module("omega_runtime.debug.views")
        if views_mod is not None:
            self.views = views_mod.Views(self.dc)  # also installs controller.evaluate_condition
            inter_mod = _optional_module("omega_runtime.debug.interventions")
            if inter_mod is not None:
                self.interventions = inter_mod.Interventions(self.dc, self.views)
        if self.dc.evaluate_condition is None:
            self.dc.evaluate_condition = self._evaluate_condition

    def _evaluate_condition(self, text: str, st: State, extras: dict[str, Any]) -> Any:
        return self.evaluator.watch(text, st, self._env_of(frames(st), 0), extras)

    @staticmethod
    def _env_of(fs: list[FrameInfo], index: int) -> Any:
        for f in fs[index:]:
            if f.env is not None:
                return f.env
        return None

    def _console(self, category: str, text: str) -> None:
        self.write(text)

    def write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def say(self, text: str = "") -> None:
        self.write(text + "\n")

    def error(self, text: str) -> None:
        self.say(f"*** {text}")

    @property
    def state(self) -> State:
        return self.dc.state

    def frame_list(self) -> list[FrameInfo]:
        if self._frames is None:
            self._frames = list(self.views.frames()) if self.views is not None else frames(self.state)
        return self._frames

    def _invalidate(self) -> None:
        self._frames = None
        self.frame_index = 0
        if self.views is not None:
            self.views.invalidate()

    # ---- the loop ------------------------------------------------------------------------------

    def run(self) -> int:
        """Show the entry stop, then read commands until `quit` or end of input."""
        self.show(Stop("entry", "Entry (step 0)", self.dc.cur))
        while True:
            try:
                self.cmdloop()
                break
            except KeyboardInterrupt:
                self.say("\n--KeyboardInterrupt--")
        return self.exit_code if self.exit_code is not None else 0

    def emptyline(self) -> bool:
        # like pdb: an empty line repeats the last command
        return bool(self.onecmd(self.lastcmd)) if self.lastcmd else False

    def default(self, line: str) -> bool:
        self.error(f"Unknown command: {line.split()[0]!r} (type help)")
        return False

    def onecmd(self, line: str) -> bool:
        try:
            return bool(super().onecmd(line))
        except (ValueError, KeyError, EvaluationError) as exc:
            self.error(str(exc) or type(exc).__name__)
            return False

    # ---- showing stops ------------------------------------------------------------------------

    def location(self) -> Span | None:
        st = self.state
        if st.c is not None and st.c.span is not None and not st.c.builtin:
            span: Span = st.c.span
            return span
        fs = self.frame_list()
        return fs[0].span if fs else None

    def show(self, result: Stop | Exit) -> None:
        self._invalidate()
        if isinstance(result, Exit):
            self.exit_code = result.code
            self.say(f"The program exited with code {result.code}")
            return
        self.exit_code = None
        span = self.location()
        where = span.location() if span is not None else self.dc.file or "?"
        self.say(f"{result.reason} at {where} (step {result.step})")
        numbers = self._hit_numbers(result.hit_ids)
        if numbers and result.reason in ("breakpoint", "function breakpoint", "data breakpoint"):
            self.say("  hit breakpoint " + ", ".join(str(n) for n in numbers))
        if result.reason in DESCRIBED or result.description.startswith("Reached"):
            self.say("  " + result.description)
        for tb in self.bps:
            if tb.bp is not None and tb.bp.bid in result.hit_ids and tb.bp.message and "condition failed" in tb.bp.message:
                self.say("  " + tb.bp.message)
        if span is not None and span.file == self.dc.file:
            lines = self.dc.text.splitlines()
            if 1 <= span.start_line <= len(lines):
                self.say(f"{span.start_line:4d} -> {lines[span.start_line - 1]}")
        self._drop_temporary(result.hit_ids)
        for number, text in self.displays:
            self.say(f"display {number}: {text} = {self._value_text(text, 0)}")

    def _hit_numbers(self, hit_ids: list[int]) -> list[int]:
        return [tb.number for tb in self.bps if tb.bp is not None and tb.bp.bid in hit_ids]

    def _drop_temporary(self, hit_ids: list[int]) -> None:
        gone = [tb for tb in self.bps if tb.temporary and tb.bp is not None and tb.bp.bid in hit_ids]
        if gone:
            for tb in gone:
                self.bps.remove(tb)
                self.say(f"Deleted temporary breakpoint {tb.number}")
            self._sync()

    def _run(self, action: Callable[[], Stop | Exit]) -> bool:
        """Run a forward request; Ctrl-C pauses it (the controller checks at every step)."""
        if self.dc.finished is not None:
            self.say(f"The program has finished (exit code {self.dc.finished.code}); "
                     "use back, rcontinue or goto to travel in its history")
            return False
        previous = None
        main = threading.current_thread() is threading.main_thread()
        if main:
            previous = signal.signal(signal.SIGINT, lambda *_: self.dc.pause())
        try:
            result = action()
        finally:
            if main:
                signal.signal(signal.SIGINT, previous)
        self.show(result)
        return False

    def _travel(self, action: Callable[[], Stop | Exit]) -> bool:
        try:
            result = action()
        except ValueError as exc:  # history off
            self.error(str(exc))
            return False
        self.show(result)
        return False

    # ---- breakpoints --------------------------------------------------------------------------

    def _sync(self) -> None:
        """Send every breakpoint to the controller and remember its record."""
        for file in sorted(self.bp_files):
            mine = [tb for tb in self.bps if tb.kind == "line" and tb.file == file]
            specs = [{"line": tb.line, "condition": tb.condition} for tb in mine]
            for tb, bp in zip(mine, self.dc.set_line_breakpoints(file, specs)):
                tb.bp = bp
        funcs = [tb for tb in self.bps if tb.kind == "function"]
        for tb, bp in zip(funcs, self.dc.set_function_breakpoints(
                [{"name": tb.name, "condition": tb.condition} for tb in funcs])):
            tb.bp = bp
        datas = [tb for tb in self.bps if tb.kind == "data"]
        for tb, bp in zip(datas, self.dc.set_data_breakpoints(
                [{"dataId": tb.name, "accessType": "write", "condition": tb.condition} for tb in datas])):
            tb.bp = bp

    def _program_file(self, name: str) -> str:
        """`name` as the program's file when it names it (path or base name), else unchanged."""
        prog = self.dc.file or ""
        if name == prog or prog.endswith("/" + name.lstrip("./")):
            return prog
        return name

    def _add_breakpoint(self, arg: str, temporary: bool) -> None:
        spec, _, cond = arg.partition(" if ")
        spec = spec.strip()
        if not spec:
            self._list_breakpoints()
            return
        self._numbers += 1
        tb = TermBreakpoint(self._numbers, "line", condition=cond.strip() or None, temporary=temporary)
        head, sep, tail = spec.rpartition(":")
        if spec.isdigit():
            tb.file, tb.line = self.dc.file, int(spec)
        elif sep and tail.isdigit():
            tb.file, tb.line = self._program_file(head), int(tail)
        else:
            tb.kind, tb.name = "function", spec
        if tb.file is not None:
            self.bp_files.add(tb.file)
        self.bps.append(tb)
        self._sync()
        self.say(self._describe_bp(tb))

    def _describe_bp(self, tb: TermBreakpoint) -> str:
        bp = tb.bp
        word = "Temporary breakpoint" if tb.temporary else "Breakpoint"
        cond = f" if {tb.condition}" if tb.condition else ""
        if tb.kind == "function":
            state = "" if bp.verified else f" (unverified: {bp.message})"
            return f"{word} {tb.number} at function {tb.name}{cond}{state}"
        if tb.kind == "data":
            return f"Watchpoint {tb.number} on {tb.name}{cond}"
        if not bp.verified:
            return f"{word} {tb.number} unverified: {bp.message}"
        file = (bp.source or "").rsplit("/", 1)[-1]
        moved = f" ({bp.message})" if bp.message else ""
        return f"{word} {tb.number} at {file}:{bp.line}:{bp.column}{cond}{moved}"

    def _list_breakpoints(self) -> None:
        if not self.bps:
            self.say("No breakpoints")
            return
        for tb in self.bps:
            hits = len(tb.bp.hits) if tb.bp is not None else 0
            self.say(f"{self._describe_bp(tb)}; hit {hits} time{'s' if hits != 1 else ''}")

    def _find_bp(self, text: str) -> TermBreakpoint:
        if not text.strip().isdigit():
            raise ValueError(f"not a breakpoint number: {text.strip()!r}")
        number = int(text)
        for tb in self.bps:
            if tb.number == number:
                return tb
        raise ValueError(f"No breakpoint numbered {number}")

    def do_break(self, arg: str) -> bool:
        """break [FILE:]LINE [if COND] | break FUNCTION [if COND] | break
        Set a breakpoint at a line of the program (a blank or comment line moves to the next
        expression), or at the first statement of every procedure named FUNCTION (`effect:OP`
        for an effect, a primitive's name where it is applied). COND is an Omega expression
        evaluated in the stopped frame; the breakpoint stops when it is not #f. Without an
        argument, list the breakpoints."""
        self._add_breakpoint(arg, temporary=False)
        return False

    do_b = do_break

    def do_tbreak(self, arg: str) -> bool:
        """tbreak [FILE:]LINE [if COND] | tbreak FUNCTION [if COND]
        Like break, but the breakpoint is deleted when it is first hit."""
        self._add_breakpoint(arg, temporary=True)
        return False

    def do_watch(self, arg: str) -> bool:
        """watch NAME [if COND]
        Stop after every step that writes the global variable NAME (a data breakpoint,
        dataId global:NAME)."""
        name, _, cond = arg.partition(" if ")
        if not name.strip():
            raise ValueError("usage: watch NAME [if COND]")
        self._numbers += 1
        tb = TermBreakpoint(self._numbers, "data", name="global:" + name.strip(), condition=cond.strip() or None)
        self.bps.append(tb)
        self._sync()
        self.say(self._describe_bp(tb))
        return False

    def do_condition(self, arg: str) -> bool:
        """condition N [EXPR]
        Make breakpoint N stop only when EXPR is not #f; without EXPR, stop unconditionally."""
        number, _, expr = arg.strip().partition(" ")
        tb = self._find_bp(number)
        tb.condition = expr.strip() or None
        self._sync()
        self.say(f"Breakpoint {tb.number} is now " + (f"conditional on {tb.condition}" if tb.condition
                                                     else "unconditional"))
        return False

    def do_delete(self, arg: str) -> bool:
        """delete N [N...] | delete
        Delete the numbered breakpoints, or all of them."""
        targets = [self._find_bp(a) for a in arg.split()] if arg.strip() else list(self.bps)
        for tb in targets:
            self.bps.remove(tb)
            self.say(f"Deleted breakpoint {tb.number}")
        self._sync()
        return False

    do_clear = do_delete

    # ---- running forward ----------------------------------------------------------------------

    def do_step(self, arg: str) -> bool:
        """step | s
        Run to the next statement stop at any depth (step in)."""
        return self._run(lambda: self.dc.resume("in"))

    do_s = do_step

    def do_next(self, arg: str) -> bool:
        """next | n
        Run to the next statement stop in this activation or its callers (step over)."""
        return self._run(lambda: self.dc.resume("over"))

    do_n = do_next

    def do_finish(self, arg: str) -> bool:
        """finish
        Run until the current activation returns, and stop at its caller's call site (step out)."""
        return self._run(lambda: self.dc.resume("out"))

    def do_stepi(self, arg: str) -> bool:
        """stepi
        Make exactly one machine step."""
        return self._run(lambda: self.dc.resume("instruction"))

    do_si = do_stepi

    def do_continue(self, arg: str) -> bool:
        """continue | c
        Run until a breakpoint, an enabled exception filter, Ctrl-C or the end of the program."""
        return self._run(lambda: self.dc.resume("continue"))

    do_c = do_cont = do_continue

    # ---- time travel ------------------------------------------------------------------------

    def do_back(self, arg: str) -> bool:
        """back
        Step back to the previous statement stop in this activation or its callers (reverse
        step over), or sooner to a breakpoint hit in between."""
        return self._travel(lambda: self.dc.step_back())

    def do_rstep(self, arg: str) -> bool:
        """rstep
        Step back to the previous statement stop at any depth (reverse step in)."""
        return self._travel(self.dc.reverse_step_in)

    def do_rfinish(self, arg: str) -> bool:
        """rfinish
        Step back to the caller's statement that made the current call (reverse step out)."""
        return self._travel(self.dc.reverse_step_out)

    def do_rcontinue(self, arg: str) -> bool:
        """rcontinue
        Run backwards to the most recent breakpoint hit or filter event, or to the oldest step."""
        return self._travel(self.dc.reverse_continue)

    def do_goto(self, arg: str) -> bool:
        """goto STEP
        Jump to recorded step STEP; beyond the newest, run forward to it (stopping earlier at
        breakpoints)."""
        if not arg.strip().isdigit():
            raise ValueError("usage: goto STEP")
        step = int(arg)
        if self.dc.finished is not None and not self.dc.history.has(step):
            return self._run(lambda: self.dc.goto_step(step))
        return self._travel(lambda: self.dc.goto_step(step)) if self.dc.history.has(step) \
            else self._run(lambda: self.dc.goto_step(step))

    # ---- stack --------------------------------------------------------------------------------

    def do_where(self, arg: str) -> bool:
        """where | bt
        Print the stack, innermost first; `>` marks the selected frame."""
        for i, f in enumerate(self.frame_list()):
            mark = ">" if i == self.frame_index else " "
            loc = f.span.location() if f.span is not None else "?"
            if f.kind == "label":
                self.say(f"{mark} {i:3d}   [{f.name}] at {loc}")
            else:
                self.say(f"{mark} {i:3d} {f.name} at {loc}")
        return False

    do_bt = do_w = do_where

    def _move_frame(self, delta: int) -> None:
        fs = self.frame_list()
        i = self.frame_index + delta
        while 0 <= i < len(fs) and fs[i].env is None:
            i += delta  # labels and subtle frames have no environment to select
        if not 0 <= i < len(fs):
            raise ValueError("Oldest frame" if delta > 0 else "Newest frame")
        self.frame_index = i
        f = fs[i]
        self.say(f"{i:3d} {f.name} at {f.span.location() if f.span is not None else '?'}")

    def do_up(self, arg: str) -> bool:
        """up
        Select the caller's frame (for print, locals and display)."""
        self._move_frame(1)
        return False

    do_u = do_up

    def do_down(self, arg: str) -> bool:
        """down
        Select the frame called by the selected one."""
        self._move_frame(-1)
        return False

    do_d = do_down

    # ---- inspection --------------------------------------------------------------------------

    def _value_text(self, text: str, frame_index: int) -> str:
        try:
            if self.views is not None:
                return str(self.views.evaluate(text, frame_index, "watch").value)
            st = self.state
            value = self.evaluator.watch(text, st, self._env_of(self.frame_list(), frame_index))
            return write_repr(value, st.s)
        except EvaluationError as exc:
            return f"<error: {exc}>"

    def do_print(self, arg: str) -> bool:
        """print EXPR | p EXPR
        Evaluate EXPR in the selected frame under the watch rules (it cannot change the
        program) and print its write form."""
        if not arg.strip():
            raise ValueError("usage: print EXPR")
        self.say(self._value_text(arg.strip(), self.frame_index))
        return False

    do_p = do_print

    def do_display(self, arg: str) -> bool:
        """display EXPR | display
        Print EXPR's value now and at every stop; without EXPR, list the displays."""
        if not arg.strip():
            for number, text in self.displays:
                self.say(f"display {number}: {text}")
            return False
        self._display_numbers += 1
        self.displays.append((self._display_numbers, arg.strip()))
        self.say(f"display {self._display_numbers}: {arg.strip()} = {self._value_text(arg.strip(), 0)}")
        return False

    def do_undisplay(self, arg: str) -> bool:
        """undisplay N | undisplay
        Remove display N, or all displays."""
        keep = [] if not arg.strip() else [d for d in self.displays if str(d[0]) != arg.strip()]
        self.displays = keep
        return False

    def do_locals(self, arg: str) -> bool:
        """locals
        Print the selected frame's local variables."""
        fs = self.frame_list()
        st = self.state
        infos = activation_locals(st, fs[self.frame_index])
        if not infos:
            self.say("No locals")
        for info in infos:
            value = info.value if info.value == UNINITIALIZED else write_repr(info.value, st.s)
            self.say(f"{info.name} = {value}")
        return False

    def do_amb(self, arg: str) -> bool:
        """amb
        Print the pending choice points, newest first, with their untried alternatives."""
        st = self.state
        choices = list(reversed(st.r.choices))
        if not choices:
            self.say("No pending choice points")
        for cp in choices:
            loc = _short(cp.span)
            self.say(f"cp-{cp.cid}  amb at {loc} · alternative {cp.tried} of {cp.total} · "
                     f"{len(cp.remaining)} left")
            first = cp.total - len(cp.remaining)
            for i in range(len(cp.remaining)):
                span = cp.alt_spans[first + i] if first + i < len(cp.alt_spans) else None
                self.say(f"    #{first + i + 1} {self._span_text(span)}   ({_short(span)})")
        return False

    def _span_text(self, span: Span | None) -> str:
        if span is None or span.file != self.dc.file:
            return "?"
        return self.dc.text[span.start_offset:span.end_offset]

    def do_tx(self, arg: str) -> bool:
        """tx
        Print the open transactions, innermost first, with their proposals."""
        st = self.state
        txs = list(reversed(st.r.txs))
        if not txs:
            self.say("No open transactions")
        for tx in txs:
            self.say(f"tx-{tx.tid}  {tx.status} at {_short(tx.span)} · {len(tx.proposals)} proposal"
                     f"{'s' if len(tx.proposals) != 1 else ''}")
            for p in tx.proposals:
                target = display_repr(p.target, st.s) if not isinstance(p.target, str) else p.target
                self.say(f"    {p.kind} {target}: {self._repr(p.old, st)} → {self._repr(p.new, st)}")
        return False

    @staticmethod
    def _repr(value: Any, st: State) -> str:
        try:
            return write_repr(value, st.s)
        except Exception:  # undo records may hold markers that are not Omega values
            return str(value)

    def do_fixpoint(self, arg: str) -> bool:
        """fixpoint
        Print the fixpoints being computed, innermost first."""
        st = self.state
        found = False
        k = st.k
        while k is not None:
            if k.__class__ is F.CallbackFrame and k.method in ("fp_stepped", "fp_compared"):
                fp = k.args[0]
                found = True
                self.say(f"fp-{fp.fid} at {_short(fp.span)} · iteration {fp.iteration} of at most {fp.max_iter}"
                         f" · converged {'yes' if fp.converged else 'no'}")
                self.say(f"    previous = {self._repr(fp.previous, st)}")
                self.say(f"    current  = {self._repr(fp.current, st)}")
            k = k.next
        if not found:
            self.say("No fixpoint is being computed")
        return False

    def do_facts(self, arg: str) -> bool:
        """facts
        Print the asserted facts in assertion order."""
        st = self.state
        items = sorted(st.r.facts.items(), key=lambda kv: kv[1][0])
        if not items:
            self.say("No facts")
        for key, (_seq, value) in items:
            self.say(f"{display_repr(key, st.s)} = {self._repr(value, st)}")
        return False

    def do_budget(self, arg: str) -> bool:
        """budget
        Print the active budgets, innermost first: each dimension's use and limit."""
        st = self.state
        found = False
        k = st.k
        while k is not None:
            if k.__class__ is F.ExtentFrame and k.ekind == "with-budget":
                b = k.data
                found = True
                parts = []
                for dim, limit in b.limits:
                    limit = limit + st.s.get(("budget-extra", b.bid, dim), 0)
                    parts.append(f"{dim} {_num(_used(st, b, dim))}/{_num(limit)}")
                self.say(f"budget at {_short(b.span)}: " + ", ".join(parts))
            k = k.next
        if not found:
            self.say("No active budget")
        return False

    def do_receipts(self, arg: str) -> bool:
        """receipts
        Print this session's oracle receipts in order."""
        receipts = list(self.rt.receipt_log.receipts)
        if not receipts:
            self.say("No receipts")
        for r in receipts:
            self.say(f"{r.seq} {r.id} {r.op}: {_cut(r.prompt)} → {_cut(r.response)} ({r.total_tokens} tokens)")
        return False

    # ---- interventions -----------------------------------------------------------------------

    def _intervened(self, stop: Stop, dropped: int, reason: str) -> None:
        if dropped:
            self.say(f"Discarded {dropped:,} recorded steps after step {stop.step - 1}")
        self.show(attrs.evolve(stop, reason=reason))

    def do_restart(self, arg: str) -> bool:
        """restart NAME [ARGS...]
        Invoke the active restart NAME (e.g. `restart use-value 0`); ARGS are Omega expressions
        evaluated in the top frame. Discards the recorded steps after this one."""
        words = arg.split()
        if not words:
            raise ValueError("usage: restart NAME [ARGS...]")
        name, args = words[0], words[1:]
        if self.interventions is not None:
            result = self.interventions.invoke_restart(name, args)
            self.show(result)
            return False
        st = self.state
        env = self._env_of(self.frame_list(), 0)
        values = tuple(self.evaluator.watch(a, st, env) for a in args)

        def change(m: Any) -> None:
            m.invoke_restart(sym(name), values, None)

        before = len(self.dc.history.states)
        stop, dropped = self.dc.intervene(f"invoke restart {name}", change)
        del before
        self._intervened(stop, dropped, "restart")
        return False

    def do_choose(self, arg: str) -> bool:
        """choose cp-N INDEX
        Take alternative INDEX (its position in the amb, from 1) of choice point cp-N now; the
        other alternatives stay pending in order."""
        words = arg.split()
        if len(words) != 2 or not words[1].isdigit():
            raise ValueError("usage: choose cp-N INDEX")
        cp_name, index = words[0], int(words[1])
        if self.interventions is not None:
            self.show(self.interventions.choose_alternative(cp_name, index))
            return False
        cid_text = cp_name[3:] if cp_name.startswith("cp-") else cp_name
        cp = next((c for c in self.state.r.choices if str(c.cid) == cid_text), None)
        if cp is None:
            raise ValueError(f"No pending choice point {cp_name}")
        first = cp.total - len(cp.remaining)
        position = index - first - 1
        if not 0 <= position < len(cp.remaining):
            raise ValueError(f"{cp_name} has no untried alternative {index}")

        def change(m: Any) -> None:
            m.resume_choice(cp, position)

        stop, dropped = self.dc.intervene(f"choose {cp_name} #{index}", change)
        self._intervened(stop, dropped, "choice")
        return False

    # ---- leaving ------------------------------------------------------------------------------

    def do_quit(self, arg: str) -> bool:
        """quit | q
        Leave the debugger (the program stops where it is)."""
        return True

    do_q = do_exit = do_quit

    def do_EOF(self, arg: str) -> bool:
        """End of input: like quit."""
        self.say("")
        return True

    def do_help(self, arg: str) -> bool | None:
        """help [COMMAND]
        List the commands, or describe COMMAND."""
        if arg.strip():
            func = getattr(self, "do_" + arg.strip(), None)
            if func is None or not func.__doc__:
                self.error(f"No help for {arg.strip()!r}")
                return False
            self.say(_dedent(func.__doc__))
            return False
        names = sorted({name[3:] for name in self.get_names() if name.startswith("do_")
                        and getattr(self, name).__name__ == name and name != "do_EOF"})
        self.say("Commands (type help COMMAND):")
        self.columnize(names, 78)
        return False

    do_h = do_help


def _dedent(doc: str) -> str:
    lines = doc.strip("\n").splitlines()
    head, rest = lines[0].strip(), lines[1:]
    indent = min((len(x) - len(x.lstrip()) for x in rest if x.strip()), default=0)
    return "\n".join([head] + ["  " + x[indent:] for x in rest])


def _short(span: Span | None) -> str:
    if span is None:
        return "?"
    return f"{span.file.rsplit('/', 1)[-1]}:{span.start_line}:{span.start_col}"


def _cut(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}"


def _used(st: State, b: Any, dim: str) -> float:
    """A budget's use at a recorded state (Machine.budget_used reads the live machine)."""
    mono = st.r.mono
    if dim == "steps":
        return float(st.t - b.start_t)
    if dim == "llm-calls":
        return float(mono.llm_calls - b.start_llm)
    if dim == "tokens":
        return float(mono.tokens - b.start_tokens)
    import time

    return time.monotonic() - float(b.start_time)


def _stream_writer(stream: IO[str]) -> Callable[[str], None]:
    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write


def run_terminal_debugger(ns: Any, config: dict[str, Any], stdin: IO[str] | None = None,
                          stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """`omega debug FILE ARGS...`: the exit status (the program's when it finished, 2 for an
    unreadable file or reader errors, else 0)."""
    from ..oracle import OracleConfigError
    from ..runtime import OmegaRuntime, RuntimeProviders

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        with open(ns.file, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        stderr.write(f"omega: cannot read {ns.file}: {exc.strerror}\n")
        return 2
    try:
        rt = OmegaRuntime.create(config=config, preset="debug",
                                 providers=RuntimeProviders(stdout=_stream_writer(stdout),
                                                            stderr=_stream_writer(stderr)))
    except OracleConfigError as exc:
        stderr.write(f"omega: {exc.detail}\n")
        return 2
    rt.host.argv = [ns.file, *getattr(ns, "args", [])]
    with rt:
        config_obj = rt.get_config()
        dc = DebugController(rt, history_limit=config_obj.history_limit if config_obj.history else 0)
        diagnostics = dc.launch(text, ns.file)
        if diagnostics:
            for d in diagnostics:
                stderr.write(d.format() + "\n")
            return 2
        interactive = stdin.isatty() if hasattr(stdin, "isatty") else False
        return TerminalDebugger(dc, stdin, stdout, interactive).run()


__all__ = ["TerminalDebugger", "TermBreakpoint", "run_terminal_debugger", "PROMPT"]
