"""`omega repl`: the interactive read-eval-print loop (LANGUAGE.md 2.4, 10.5).

One *input* is the text typed until its forms are balanced: lines are gathered while the reader
says the text is merely unfinished (an open list, string or block comment, a trailing prefix).
Each non-blank input is the N-th REPL input and is evaluated through the runtime facade under the
source name `<repl-N>`, one top-level form at a time, so every form's non-void value is printed as
`=> ` and its `write` form. Reader errors and uncaught-condition reports go to stderr and the
session goes on.

Prompts (`omega> `, `....> `), line editing and the history file `~/.omega_history` are used only
when stdin is a terminal; piped input is read silently, so its stdout holds just the program's
output and the `=> ` lines.

Ctrl-C during an evaluation interrupts it: a machine hook installed for the evaluation raises
`MachineHalt` once the SIGINT handler has raised its flag, and the facade treats that as the end of
the evaluation (open transactions roll back, choice points go). A second Ctrl-C before the machine
reaches its hook (a blocking oracle or shell call) interrupts the Python code itself. Ctrl-C at the
prompt clears the input; Ctrl-D (end of input) exits 0.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from .ctrl_c import make_ctrl_c_deliverable
from .machine.machine import Machine, MachineHalt
from .reader import read
from .syntax import Diagnostic

if TYPE_CHECKING:
    from .runtime import EvalResult, OmegaRuntime

PROMPT = "omega> "
CONTINUATION_PROMPT = "....> "
HISTORY_FILE = "~/.omega_history"
HISTORY_LENGTH = 1000

# Diagnostics that only say the text stopped too early: more lines may complete it.
_UNFINISHED = frozenset({"E0002", "E0003", "E0007"})


def is_incomplete(text: str, diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> bool:
    """True when `text` reads with nothing wrong but an unfinished end, so more input may fix it.

    An open `(`, string or block comment (E0002, E0003, E0007), or a prefix with no datum (E0008)
    when only whitespace follows it. Any other error makes the input complete (and reported).
    """
    if not diagnostics:
        return False
    for d in diagnostics:
        if d.code in _UNFINISHED:
            continue
        if d.code == "E0008" and not text[d.span.end_offset:].strip():
            continue
        return False
    return True


def form_text(text: str, start: int, end: int) -> str:
    """`text` cut to `[start, end)` with everything before `start` blanked out, line breaks kept:
    the form reads alone but keeps its line, column and offset in the input."""
    head = "".join(ch if ch in "\r\n" else " " for ch in text[:start])
    return head + text[start:end]


class _Interrupt:
    """SIGINT during an evaluation: a flag, and a machine hook that halts the machine once it is up."""

    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        self.requested = False

    def hook(self, machine: Machine) -> None:
        if self.requested:
            raise MachineHalt("interrupted")

    def handle_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            # The machine has not reached its hook (blocked in Python code): interrupt that code.
            raise KeyboardInterrupt
        self.requested = True
        self.machine.request_slow_path()  # run the hooks after the current step, not 1,024 later

    @contextmanager
    def armed(self) -> Iterator[None]:
        """The hook and the SIGINT handler for one evaluation (the handler in the main thread only)."""
        self.requested = False
        previous: Any = None
        installed = threading.current_thread() is threading.main_thread()
        if installed:
            previous = signal.signal(signal.SIGINT, self.handle_signal)
        self.machine.hooks.append(self.hook)
        try:
            yield
        finally:
            if installed:
                signal.signal(signal.SIGINT, previous)
            while self.hook in self.machine.hooks:
                self.machine.hooks.remove(self.hook)


class Repl:
    """The loop over one runtime. `interactive` turns on prompts, readline and history."""

    def __init__(self, rt: OmegaRuntime, stdin: TextIO, stdout: TextIO, stderr: TextIO,
                 interactive: bool) -> None:
        self.rt = rt
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.interactive = interactive
        self.count = 0  # inputs evaluated so far: the next one is <repl-(count+1)>
        self.interrupt = _Interrupt(rt.machine)
        self.at_line_start = True  # whether stdout's last text ended a line (for the prompt)
        # `input` gives readline editing but only works on the process's own stdin.
        self._read_line: Callable[[str], str] = (
            self._input_line if interactive and stdin is sys.stdin else self._stream_line)

    # ---- output ---------------------------------------------------------------------------------

    def out(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def err(self, text: str) -> None:
        self.stderr.write(text)
        self.stderr.flush()

    # ---- input ----------------------------------------------------------------------------------

    def _input_line(self, prompt: str) -> str:
        """A line from the terminal through `input` (readline editing); EOFError at Ctrl-D."""
        return input(prompt) + "\n"

    def _stream_line(self, prompt: str) -> str:
        if self.interactive:
            self.out(prompt)
        line = self.stdin.readline()
        if not line:
            raise EOFError
        return line

    def read_input(self) -> str | None:
        """The next complete input, or None at end of input. Ctrl-C at the prompt starts over."""
        buffer = ""
        while True:
            prompt = CONTINUATION_PROMPT if buffer else PROMPT
            if self.interactive and not self.at_line_start:
                self.out("\n")
                self.at_line_start = True
            try:
                line = self._read_line(prompt)
            except KeyboardInterrupt:
                self.out("\n" if self.interactive else "")
                buffer = ""
                continue
            except EOFError:
                if self.interactive:
                    self.out("\n")
                # Unfinished text at end of input still gets evaluated, to report its errors.
                return buffer if buffer.strip() else None
            buffer += line
            if not buffer.strip():
                buffer = ""
                continue
            result = read(buffer, f"<repl-{self.count + 1}>")
            if not is_incomplete(buffer, result.diagnostics):
                return buffer

    # ---- evaluation -----------------------------------------------------------------------------

    def eval_input(self, text: str) -> int | None:
        """Evaluate one input form by form; the exit status if the program called `exit`."""
        self.count += 1
        source = f"<repl-{self.count}>"
        parsed = read(text, source)
        if parsed.diagnostics:
            self.report_diagnostics(parsed.diagnostics)
            return None
        for datum in parsed.data:
            span = datum.span
            result = self.eval_form(form_text(text, span.start_offset, span.end_offset), source)
            if result is None:
                return None
            if result.diagnostics:
                self.report_diagnostics(result.diagnostics)
                return None
            if result.output:
                self.at_line_start = result.output.endswith("\n")
            if result.exit_code is not None:
                return result.exit_code
            if result.condition is not None:
                if self.interactive and not self.at_line_start:  # the report starts a line of its own
                    self.out("\n")
                    self.at_line_start = True
                self.err(result.report + "\n")
                return None
            if self.interrupt.requested:
                self.err(self._interrupted_text())
                return None
            if result.printed:
                self.out(("" if self.at_line_start else "\n") + "=> " + result.printed + "\n")
                self.at_line_start = True
        return None

    def eval_form(self, code: str, source: str) -> EvalResult | None:
        """One form through the facade with Ctrl-C armed; None when it did not finish normally."""
        try:
            with self.interrupt.armed():
                return self.rt.eval(code, source=source)
        except KeyboardInterrupt:
            self.err(self._interrupted_text())
        except BrokenPipeError:  # our reader is gone: the command stops (cli.main)
            raise
        except Exception as exc:  # a runtime bug must not end the session
            self.err(f"omega: internal error: {type(exc).__name__}: {exc}\n")
        return None

    def _interrupted_text(self) -> str:
        # A terminal echoes `^C` where the cursor is: start the notice on a line of its own.
        return "\ninterrupted\n" if self.interactive else "interrupted\n"

    def report_diagnostics(self, diagnostics: Sequence[Diagnostic]) -> None:
        for d in diagnostics:
            self.err(d.format() + "\n")

    # ---- the loop -------------------------------------------------------------------------------

    def run(self) -> int:
        if self.interactive:
            self.out("Omega REPL. Ctrl-C interrupts, Ctrl-D exits.\n")
        while True:
            text = self.read_input()
            if text is None:
                return 0
            code = self.eval_input(text)
            if code is not None:
                return code


@contextmanager
def _readline_history(path: str) -> Iterator[None]:
    """Line editing plus a persistent history for `input`, when readline is available."""
    try:
        import readline
    except ImportError:  # some platforms have no readline: plain input still works
        yield
        return
    try:
        readline.read_history_file(path)
    except OSError:
        pass
    readline.set_history_length(HISTORY_LENGTH)
    try:
        yield
    finally:
        try:
            readline.write_history_file(path)
        except OSError:
            pass


def run_repl(rt: OmegaRuntime, *, stdin: TextIO | None = None, stdout: TextIO | None = None,
             stderr: TextIO | None = None, interactive: bool | None = None) -> int:
    """Run the REPL on `rt` until end of input or `(exit)`; the exit status. Disposes `rt`.

    The streams default to the process's; `interactive` (prompts, readline, history) defaults to
    whether stdin is a terminal. The runtime's own output goes wherever its providers send it.
    """
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    if interactive is None:
        interactive = stdin is sys.stdin and stdin.isatty()
    repl = Repl(rt, stdin, stdout, stderr, interactive)
    if interactive:
        make_ctrl_c_deliverable()  # Ctrl-C at the prompt clears the input
    try:
        if interactive:
            with _readline_history(os.path.expanduser(HISTORY_FILE)):
                return repl.run()
        return repl.run()
    finally:
        rt.dispose()


__all__ = ["run_repl", "Repl", "is_incomplete", "form_text", "PROMPT", "CONTINUATION_PROMPT"]
