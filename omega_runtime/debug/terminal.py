"""`omega debug FILE`: a pdb-like terminal debugger on the runtime's DebugController
(DEBUGGER.md 6, 7, 11; LANGUAGE.md 16.4).

The terminal owns only presentation: command parsing, breakpoint numbering and printing. Every
stop, step and jump is decided by the controller; states are read through the inspector (or the
views layer when it is installed), and every change of state goes through `controller.intervene`.
Works with piped stdin (prompts are still written, like pdb) and under a terminal (readline).
"""

from __future__ import annotations

import cmd
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from typing import IO, Any, Protocol

import attrs

from ..config import RuntimeProviders
from ..machine.state import State
from ..span import Span
from .controller import DebugController, Exit, Stop
from .inspector import EvaluationError, FrameInfo
from .interventions import Interventions
from .search_tree import render_text, search_tree
from .target import DebugTarget
from .views import Views

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
        self.at_line_start = True
        self.bps: list[TermBreakpoint] = []
        self.bp_files: set[str] = set()
        self._numbers = 0
        self.displays: list[tuple[int, str]] = []
        self._display_numbers = 0
        self.frame_index = 0
        self._frames: list[FrameInfo] | None = None
        self.exit_code: int | None = None
        self.views = Views(controller)  # also installs controller.evaluate_condition
        self.interventions = Interventions(controller, self.views)
        controller.output = self._console

    # ---- plumbing -----------------------------------------------------------------------------

    def _console(self, category: str, text: str) -> None:
        self.write(text)

    def write(self, text: str) -> None:
        if not self.at_line_start:
            text = "\n" + text  # program output without a final newline: ours starts a line
        self.out.write(text)
        self.out.flush()
        self.at_line_start = True

    def program_output(self, text: str) -> None:
        """The runtime's stdout: written as produced."""
        if text:
            self.out.write(text)
            self.out.flush()
            self.at_line_start = text.endswith("\n")

    def say(self, text: str = "") -> None:
        self.write(text + "\n")

    def error(self, text: str) -> None:
        self.say(f"*** {text}")

    @property
    def state(self) -> State:
        return self.dc.state

    def frame_list(self) -> list[FrameInfo]:
        if self._frames is None:
            self._frames = list(self.views.frames())
        return self._frames

    def _invalidate(self) -> None:
        self._frames = None
        self.frame_index = 0

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

    def default(self, line: str) -> None:
        self.error(f"Unknown command: {line.split()[0]!r} (type help)")

    def onecmd(self, line: str) -> bool:
        try:
            return bool(super().onecmd(line))
        except Exception as exc:  # a failed command reports and keeps the session (pdb's `***`)
            self.error(str(exc) or type(exc).__name__)
            return False

    # ---- showing stops ------------------------------------------------------------------------

    def location(self) -> Span | None:
        """The control's span, else that of the innermost frame that has one."""
        st = self.state
        if st.c is not None and st.c.span is not None and not st.c.builtin:
            here: Span = st.c.span
            return here
        span = next((f.span for f in self.frame_list() if f.span is not None), None)
        if span is None:  # a value returning to the top level: the form being evaluated
            k = st.k
            while k is not None and k.next is not None:
                k = k.next
            forms = getattr(k, "forms", None)
            if forms is not None and st.r.form < len(forms):
                span = forms[st.r.form].span
        return span

    def show(self, result: Stop | Exit) -> None:
        self._invalidate()
        self.views.note_stop(result if isinstance(result, Stop) else None)
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
            for tb, bp in zip(mine, self.dc.set_line_breakpoints(file, specs), strict=True):
                tb.bp = bp
        funcs = [tb for tb in self.bps if tb.kind == "function"]
        for tb, bp in zip(funcs, self.dc.set_function_breakpoints(
                [{"name": tb.name, "condition": tb.condition} for tb in funcs]), strict=True):
            tb.bp = bp
        datas = [tb for tb in self.bps if tb.kind == "data"]
        for tb, bp in zip(datas, self.dc.set_data_breakpoints(
                [{"dataId": tb.name, "accessType": "write", "condition": tb.condition} for tb in datas]), strict=True):
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
            return str(self.views.evaluate(text, frame_index, "watch").value)
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

    def _tree(self, node: Any, depth: int, indent: str = "") -> None:
        """Print a views node and its children down to `depth` levels."""
        kind = f"  [{node.type}]" if node.type and indent else ""
        self.say(f"{indent}{node.name}: {node.value}{kind}" if indent else str(node.value))
        if depth > 0 and node.fetch is not None:
            for child in node.fetch(0, None, None):
                self._tree(child, depth - 1, indent + "  ")

    def _program_view(self, name: str, depth: int) -> None:
        self._tree(self.views.evaluate(name, self.frame_index, "watch"), depth)

    def do_locals(self, arg: str) -> bool:
        """locals
        Print the selected frame's local variables."""
        scopes = self.views.scopes(self.frame_index)
        node = next((sc.node for sc in scopes if sc.hint == "locals"), None)
        children = node.fetch(0, None, None) if node is not None and node.fetch is not None else []
        if not children:
            self.say("No locals")
        for child in children:
            self.say(f"{child.name} = {child.value}")
        return False

    def do_amb(self, arg: str) -> bool:
        """amb
        Print the pending choice points, newest first, with their untried alternatives."""
        self._program_view("$amb", 2)
        return False

    def do_tx(self, arg: str) -> bool:
        """tx
        Print the open transactions, innermost first, with their proposals."""
        self._program_view("$tx", 2)
        return False

    def do_fixpoint(self, arg: str) -> bool:
        """fixpoint
        Print the fixpoints being computed, innermost first, with their iterations."""
        self._program_view("$fixpoint", 2)
        return False

    def do_facts(self, arg: str) -> bool:
        """facts
        Print the asserted facts in assertion order."""
        self._program_view("$facts", 1)
        return False

    def do_budget(self, arg: str) -> bool:
        """budget
        Print each budget dimension's use, limit and what remains, and the active budgets."""
        self._program_view("$budget", 1)
        return False

    def do_tree(self, arg: str) -> bool:
        """tree [NODE] [BUDGET]
        Print the amb search tree so far (read from the history): choice points, failed,
        solution, pending and current branches; beyond BUDGET nodes (default 60) subtrees are
        summarised as clusters (`tree NODE` prints one). `goto STEP` jumps to a node's step."""
        words = arg.split()
        if len(words) > 2 or not all(w.isdigit() for w in words):
            raise ValueError("usage: tree [NODE] [BUDGET]")
        if not self.dc.history.enabled:
            raise ValueError("Time travel is off: the search tree is read from the history")
        node = int(words[0]) if words else None
        budget = int(words[1]) if len(words) > 1 else 60
        try:
            body = search_tree(self.dc, node, max(1, budget))
        except KeyError:
            raise ValueError(f"No search tree node {node}") from None
        for line in render_text(body):
            self.say(line)
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

    def _intervene(self, action: Callable[[], Stop | Exit]) -> bool:
        """Run an intervention; its console note (discarded steps) is printed before the stop."""
        newest = self.dc.history.newest
        cur = self.dc.cur
        result = action()
        dropped = newest - cur
        if dropped > 0:
            self.say(f"Discarded {dropped:,} recorded steps after step {cur}")
        self.show(result)
        return False

    def do_restart(self, arg: str) -> bool:
        """restart NAME [ARGS...]
        Invoke the active restart NAME (e.g. `restart use-value 0`); ARGS are Omega expressions
        evaluated in the top frame. Discards the recorded steps after this one."""
        words = arg.split()
        if not words:
            raise ValueError("usage: restart NAME [ARGS...]")
        return self._intervene(lambda: self.interventions.invoke_restart(words[0], words[1:]))

    def do_choose(self, arg: str) -> bool:
        """choose cp-N INDEX
        Take alternative INDEX (its position in the amb, from 1) of choice point cp-N now; the
        other alternatives stay pending in order. Discards the recorded steps after this one."""
        words = arg.split()
        if len(words) != 2 or not words[1].isdigit():
            raise ValueError("usage: choose cp-N INDEX")
        return self._intervene(lambda: self.interventions.choose_alternative(words[0], int(words[1])))

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


def _cut(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _stream_writer(stream: IO[str]) -> Callable[[str], None]:
    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write


class TerminalRuntime(DebugTarget, Protocol):
    """The runtime `omega debug` makes, debugs and disposes of (an OmegaRuntime)."""

    def __enter__(self) -> Any: ...
    def __exit__(self, *exc: object) -> None: ...


class RuntimeFactory(Protocol):
    """Makes the runtime `omega debug` debugs (`OmegaRuntime.create`)."""

    def __call__(self, config: Mapping[str, Any] | None = ..., preset: str | None = ...,
                 providers: RuntimeProviders | None = ...) -> TerminalRuntime: ...


def run_terminal_debugger(ns: Any, config: dict[str, Any], *, make_runtime: RuntimeFactory,
                          stdin: IO[str] | None = None, stdout: IO[str] | None = None,
                          stderr: IO[str] | None = None) -> int:
    """`omega debug FILE ARGS...` on a runtime made by `make_runtime`: the exit status (the
    program's when it finished, 2 for an unreadable file or reader errors, else 0)."""
    from ..oracle import OracleConfigError

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        with open(ns.file, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        stderr.write(f"omega: cannot read {ns.file}: {exc.strerror}\n")
        return 2
    debugger: list[TerminalDebugger] = []  # program output goes through it once it exists

    def program_stdout(text: str) -> None:
        if debugger:
            debugger[0].program_output(text)
        else:
            _stream_writer(stdout)(text)

    try:
        rt = make_runtime(config=config, preset="debug",
                          providers=RuntimeProviders(stdout=program_stdout, stderr=_stream_writer(stderr)))
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
        debugger.append(TerminalDebugger(dc, stdin, stdout, interactive))
        return debugger[0].run()


__all__ = ["TerminalDebugger", "TermBreakpoint", "run_terminal_debugger", "RuntimeFactory", "TerminalRuntime", "PROMPT"]
