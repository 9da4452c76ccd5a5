"""`omega repl` (LANGUAGE.md 2.4, 10.5): piped stdin, a pseudo-terminal, and in-process runs of
`run_repl` on string streams (for hypothesis)."""

from __future__ import annotations

import io
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omega_runtime import OmegaRuntime, RuntimeProviders
from omega_runtime.reader import read
from omega_runtime.repl import form_text, is_incomplete, run_repl


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    env["HOME"] = str(home)  # the history file goes here, never into the real home
    return env


def repl_piped(stdin: str, tmp_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "omega_runtime.cli", "repl", *flags], input=stdin,
                          cwd=tmp_path, env=clean_env(tmp_path), capture_output=True, text=True,
                          encoding="utf-8", timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def repl_in_process(stdin: str) -> tuple[int, str, str]:
    """run_repl on string streams, the runtime's output going to the same stdout."""
    out, err = io.StringIO(), io.StringIO()
    rt = OmegaRuntime.create(providers=RuntimeProviders(stdout=lambda s: print(s, end="", file=out),
                                                        stderr=lambda s: print(s, end="", file=err)))
    code = run_repl(rt, stdin=io.StringIO(stdin), stdout=out, stderr=err, interactive=False)
    assert rt.is_disposed()
    return code, out.getvalue(), err.getvalue()


# ---- piped stdin ----------------------------------------------------------------------------------


def test_piped_session_prints_results_without_prompts(tmp_path: Path) -> None:
    proc = repl_piped("(define x 5)\n(+ x\n   1)\n\n(display \"hi\") 42\n'sym\n\"s\"\n", tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == '=> 6\nhi\n=> 42\n=> sym\n=> "s"\n'
    assert "omega>" not in proc.stdout and proc.stderr == ""


def test_each_form_of_an_input_prints_its_value(tmp_path: Path) -> None:
    proc = repl_piped("1 (define y 2) (void) y \"two\"\n", tmp_path)
    assert proc.stdout == '=> 1\n=> 2\n=> "two"\n'


def test_errors_keep_the_session(tmp_path: Path) -> None:
    proc = repl_piped("(define x 1)\n(car 5)\n(+ x 1]\n(display \"still\")\nx\n", tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == "still\n=> 1\n"
    assert proc.stderr.splitlines() == [
        "<repl-2>:1:1: wrong-type: car: expected pair, got 5",
        "  at <top-level> (<repl-2>:1:1)",
        "<repl-3>:1:7: error E0001: ']' does not match '(' at 1:1 (expected ')')",
    ]


def test_inputs_are_numbered_and_keep_their_positions(tmp_path: Path) -> None:
    # The second form of input 2 keeps its column; line 2 of input 3 is line 2 of <repl-3>.
    proc = repl_piped("(define (f) (car 1))\n1 (f)\n(list\n  (cdr 2))\n", tmp_path)
    assert proc.stdout == "=> 1\n"
    assert proc.stderr.splitlines() == [
        "<repl-1>:1:13: wrong-type: car: expected pair, got 1",  # where `f` was entered
        "  at f (<repl-1>:1:13)",
        "  at <top-level> (<repl-2>:1:3)",
        "<repl-3>:2:3: wrong-type: cdr: expected pair, got 2",
        "  at <top-level> (<repl-3>:2:3)",
    ]


def test_an_error_stops_the_rest_of_its_input(tmp_path: Path) -> None:
    proc = repl_piped("(display \"a\") (car 1) (display \"b\")\n(display \"c\")\n", tmp_path)
    assert proc.stdout == "ac"
    assert proc.stderr.startswith("<repl-1>:1:15: wrong-type: car: expected pair, got 1\n")


def test_unfinished_strings_comments_and_prefixes_continue(tmp_path: Path) -> None:
    proc = repl_piped('"line one\nline two"\n#| a\nblock |# 7\n\'\nquoted\n(list 1 #;\n 2 3)\n', tmp_path)
    assert proc.stdout == '=> "line one\\nline two"\n=> 7\n=> quoted\n=> (1 3)\n'


def test_unfinished_input_at_end_is_reported(tmp_path: Path) -> None:
    proc = repl_piped("(+ 1 2)\n(list 1\n", tmp_path)
    assert (proc.returncode, proc.stdout) == (0, "=> 3\n")
    assert proc.stderr == "<repl-2>:1:1: error E0002: unclosed '(': no matching ')' before the end of the file\n"


def test_output_without_newline_then_value(tmp_path: Path) -> None:
    proc = repl_piped('(begin (display "x") 5)\n(display "y")\n(+ 1 1)\n', tmp_path)
    assert proc.stdout == "x\n=> 5\ny\n=> 2\n"


def test_exit_ends_the_session_with_its_status(tmp_path: Path) -> None:
    proc = repl_piped("(display \"bye\")\n(exit 3)\n(display \"never\")\n", tmp_path)
    assert (proc.returncode, proc.stdout) == (3, "bye")


def test_end_of_input_exits_0(tmp_path: Path) -> None:
    assert repl_piped("", tmp_path).returncode == 0


def test_error_rolls_back_transactions_of_that_input(tmp_path: Path) -> None:
    proc = repl_piped("(define x 1)\n(with-transaction (set! x 2) (car 5))\nx\n(in-transaction?)\n", tmp_path)
    assert proc.stdout == "=> 1\n=> #f\n"


def test_error_discards_choice_points_of_that_input(tmp_path: Path) -> None:
    # After input 2 fails, `(amb)` must not backtrack into it and display "again".
    proc = repl_piped("(define n 0)\n(begin (amb 1 2) (display \"again\") (car 5))\n(amb)\n", tmp_path)
    assert proc.stdout == "again"
    assert "<repl-3>:1:1: amb-exhausted: amb: no more choices" in proc.stderr.splitlines()


def test_repl_flags_reach_the_runtime(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("content", encoding="utf-8")
    log = tmp_path / "r.jsonl"
    proc = repl_piped('(effect file.read.op "in.txt")\n(ask-llm "What is 2+2?")\n', tmp_path,
                      "--allow", "file.read", "--receipts", str(log))
    assert proc.stdout == '=> "content"\n=> "4"\n'
    assert '"response":"4"' in log.read_text(encoding="utf-8")


def test_sigint_interrupts_a_piped_evaluation(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "omega_runtime.cli", "repl"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
                            env=clean_env(tmp_path), text=True)
    assert proc.stdin is not None
    assert proc.stdout is not None
    proc.stdin.write("(display \"go\")\n(let loop () (loop))\n")
    proc.stdin.flush()
    assert proc.stdout.read(2) == "go"  # the REPL is up; the loop is next
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate("(+ 40 2)\n", timeout=90)
    assert proc.returncode == 0
    assert out == "\n=> 42\n"  # after "go", already read
    assert err == "interrupted\n"


# ---- a pseudo-terminal --------------------------------------------------------------------------


class Terminal:
    """`omega repl` on a pty: send keystrokes, read until a marker."""

    def __init__(self, home: Path, block_sigint: bool = False) -> None:
        import pty

        # Everything is prepared before the fork: the child of a threaded test worker may run
        # nothing but exec (a lock held by another thread at fork time would never be released).
        env = {**os.environ, **clean_env(home)}
        argv = [sys.executable, "-m", "omega_runtime.cli", "repl"]
        # A blocked SIGINT is inherited through fork and exec (as from a thread that blocks it).
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT} if block_sigint else set())
        try:
            self.pid, self.fd = pty.fork()
            if self.pid == 0:  # the child: become the REPL
                os.execve(sys.executable, argv, env)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def expect(self, marker: bytes, timeout: float = 90) -> bytes:
        """Everything up to and including `marker`; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while marker not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.fd], [], [], max(0.0, left))
            if not ready:
                raise AssertionError(f"no {marker!r} within {timeout}s; got {self.buffer!r}")
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:  # the child closed the terminal
                chunk = b""
            if not chunk:
                raise AssertionError(f"terminal closed before {marker!r}; got {self.buffer!r}")
            self.buffer += chunk
        end = self.buffer.index(marker) + len(marker)
        seen, self.buffer = self.buffer[:end], self.buffer[end:]
        return seen

    def wait(self, timeout: float = 90) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            try:  # drain, so the child never blocks on a full terminal
                if select.select([self.fd], [], [], 0.05)[0]:
                    os.read(self.fd, 4096)
            except OSError:
                pass
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("the REPL did not exit")

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


    def interrupt(self) -> bytes:
        """Ctrl-C at a prompt, until the fresh prompt shows. CPython's `input` has a window (its
        readline loop, just before it waits for the terminal) where a SIGINT is noted but only
        acted on at the next key: a user presses Ctrl-C again then, and so do we. A SIGINT that is
        never delivered still fails."""
        for _attempt in range(5):
            self.send(b"\x03")
            try:
                return self.expect(b"omega> ", timeout=5)
            except AssertionError:
                continue
        raise AssertionError(f"Ctrl-C never brought a fresh prompt; got {self.buffer!r}")

    def started(self, timeout: float) -> bool:
        """Whether the first prompt arrived within `timeout` (it stays in the buffer)."""
        try:
            self.buffer = self.expect(b"omega> ", timeout) + self.buffer
        except AssertionError:
            return False
        return True


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    if sys.platform == "win32":
        pytest.fail("pty tests need a POSIX system")
    # A pty child forked from a busy, threaded test worker has been seen (only on loaded CI
    # machines) never to show its first prompt; a fresh one is started then, at most twice.
    for _attempt in range(3):
        term = Terminal(tmp_path)
        if term.started(45):
            break
        term.close()
    else:
        pytest.fail("the REPL never showed its prompt on a pseudo-terminal")
    yield term
    term.close()


def test_terminal_prompts_and_multiline_input(terminal: Terminal, tmp_path: Path) -> None:
    terminal.expect(b"omega> ")
    terminal.send(b"(+ 1\r")
    terminal.expect(b"....> ")
    terminal.send(b"   2)\r")
    assert terminal.expect(b"omega> ").endswith(b"=> 3\r\nomega> ")
    terminal.send(b"(car 5)\r")
    seen = terminal.expect(b"omega> ")
    assert b"<repl-2>:1:1: wrong-type: car: expected pair, got 5" in seen
    terminal.send(b"(define s \"ok\")\r")
    terminal.expect(b"omega> ")
    terminal.send(b"s\r")
    assert terminal.expect(b"omega> ").endswith(b'=> "ok"\r\nomega> ')
    terminal.send(b"\x04")  # Ctrl-D
    assert terminal.wait() == 0
    history = (tmp_path / ".omega_history").read_text(encoding="utf-8")
    assert "(car 5)" in history and "s" in history.split("\n")


def test_terminal_ctrl_c_interrupts_a_loop_within_a_second(terminal: Terminal) -> None:
    terminal.expect(b"omega> ")
    terminal.send(b"(define n 10)\r")
    terminal.expect(b"omega> ")
    terminal.send(b"(let loop () (loop))\r")
    terminal.expect(b"(let loop () (loop))\r\n")  # echoed: the evaluation has started
    time.sleep(0.5)
    started = time.monotonic()
    terminal.send(b"\x03")
    seen = terminal.expect(b"omega> ", timeout=10)
    assert time.monotonic() - started < 10.0  # loose: CI machines are loaded; the interrupt itself lands within 1,024 steps
    assert b"interrupted" in seen
    terminal.send(b"(* n 2)\r")  # the session and its definitions survive
    assert terminal.expect(b"omega> ").endswith(b"=> 20\r\nomega> ")
    terminal.send(b"\x04")
    assert terminal.wait() == 0


def test_terminal_ctrl_c_at_the_prompt_clears_the_input(terminal: Terminal) -> None:
    terminal.expect(b"omega> ")
    terminal.send(b"(+ 1\r")
    terminal.expect(b"....> ")
    terminal.interrupt()  # back to a fresh prompt, not a continuation
    terminal.send(b"(* 6 7)\r")
    assert terminal.expect(b"omega> ").endswith(b"=> 42\r\nomega> ")
    terminal.send(b"\x04")
    assert terminal.wait() == 0


def test_terminal_ctrl_c_works_when_the_repl_starts_with_sigint_blocked(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path, block_sigint=True)
    try:
        terminal.expect(b"omega> ")
        terminal.send(b"(+ 1\r")
        terminal.expect(b"....> ")
        terminal.interrupt()
        terminal.send(b"\x04")
        assert terminal.wait() == 0
    finally:
        terminal.close()


def test_terminal_output_without_newline_gets_its_own_line(terminal: Terminal) -> None:
    terminal.expect(b"omega> ")
    terminal.send(b'(display "abc")\r')
    assert terminal.expect(b"omega> ").endswith(b"abc\r\nomega> ")
    terminal.send(b"(exit 5)\r")
    assert terminal.wait() == 5


# ---- units --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "incomplete"), [
    ("(a", True), ('"abc', True), ("#| x", True), ("'", True), ("(a '", True), ("(a\n\"b", True),
    ("#;", True), ("(a)", False), ("(a ]", False), ("(a))", False), (")", False), ("(a . )", False),
    ("' )", False), ("#xZZ (", False), ("", False),
])
def test_is_incomplete(text: str, incomplete: bool) -> None:
    assert is_incomplete(text, read(text, "<t>").diagnostics) is incomplete


def test_form_text_keeps_positions() -> None:
    text = "1 (a\n  b) \"c\"\r\n(d)"
    parsed = read(text, "<t>")
    for datum in parsed.data:
        span = datum.span
        alone = read(form_text(text, span.start_offset, span.end_offset), "<t>")
        assert not alone.diagnostics and len(alone.data) == 1
        assert alone.data[0].span == span


# ---- hypothesis: the REPL never dies ------------------------------------------------------------

TOKENS = ["(", ")", "[", "]", "#(", "'", "`", ",", ",@", "#;", "\"", "#|", "|#", ".", ";", "#t", "#x",
          "1", "-2", "3.5", "0", "x", "car", "cdr", "+", "-", "*", "/", "list", "vector", "if", "define",
          "quote", "let", "amb", "error", "'oops", "\"s\"", "display", "match", "with-transaction",
          "(void)", ":k", "null", "lambda", "begin", "{", "\\n", "é", " "]

# `exit` is left out: it would end the session on purpose.
lines = st.lists(st.lists(st.sampled_from(TOKENS), max_size=12).map("".join), min_size=1, max_size=8)


def left_open(text: str) -> bool:
    """Whether an input is still open (awaiting more lines) after `text`, reading it line by line
    as the REPL does: a line whose input has an error other than an open list, string, block
    comment or prefix is an input of its own."""
    pending = ""
    for line in text.splitlines(keepends=True):
        pending += line
        if not is_incomplete(pending, read(pending, "<t>").diagnostics):
            pending = ""
    return bool(pending.strip())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines)
def test_repl_never_dies_on_random_lines(input_lines: list[str]) -> None:
    text = "".join(line + "\n" for line in input_lines)
    code, out, err = repl_in_process(text + "(+ 20 22)\n")
    assert code == 0  # it reached the end of the input
    assert "Traceback" not in err and "internal error" not in err, err
    if not left_open(text):
        # Nothing was left open, so the last line is an input of its own: the session is alive.
        assert out.endswith("=> 42\n"), (out, err)
