"""`omega debug FILE` (the terminal debugger) driven by piped stdin, in-process and through a
real subprocess, and under a pseudo-terminal (prompts, Ctrl-C pausing a running program)."""

from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from transcript_programs import PAIRS, STATS

from omega_runtime import OmegaRuntime
from omega_runtime.debug.terminal import run_terminal_debugger

COUNTER = """(define count 0)
(define (bump n)
  (set! count (+ count n))
  count)
(bump 1)
(bump 2)
(display count)
(newline)
"""


def debug(tmp_path: Path, text: str, commands: str, name: str = "prog.omega") -> tuple[int, str, str]:
    """Run the debugger in-process on `text` with `commands` as piped stdin."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    ns = SimpleNamespace(file=str(path), args=[])
    code = run_terminal_debugger(ns, {}, make_runtime=OmegaRuntime.create, stdin=io.StringIO(commands), stdout=out,
                                 stderr=err)
    return code, out.getvalue().replace(str(tmp_path) + "/", ""), err.getvalue().replace(str(tmp_path) + "/", "")


def blocks(out: str) -> list[str]:
    """What each command printed: the output split at the prompts."""
    return out.split("(odb) ")


def test_entry_stop_moved_and_unverified_breakpoints_and_a_hit(tmp_path: Path) -> None:
    code, out, _ = debug(tmp_path, PAIRS, "break 5\nbreak 40\ncontinue\nlocals\np (+ x y)\nwhere\nquit\n",
                         "pairs.omega")
    b = blocks(out)
    assert b[0] == "entry at pairs.omega:2:1 (step 0)\n   2 -> (define (pick-pair)\n"
    assert b[1] == "Breakpoint 1 at pairs.omega:6:5 (Moved from line 5: no expression starts there)\n"
    assert b[2] == "Breakpoint 2 unverified: Line 40 is past the end of pairs.omega (9 lines)\n"
    assert re.fullmatch(r"breakpoint at pairs\.omega:6:5 \(step \d+\)\n  hit breakpoint 1\n"
                        r"   6 ->     \(require \(> x y\)\)\n", b[3])
    assert b[4] == "x = 1\ny = 1\n"
    assert b[5] == "2\n"
    assert b[6].splitlines() == [">   0 pick-pair at pairs.omega:6:5", "    1 <top-level> at pairs.omega:9:10"]
    assert code == 0


def test_step_next_finish_and_program_output(tmp_path: Path) -> None:
    code, out, _ = debug(tmp_path, COUNTER, "break 5\nc\nstep\nstep\nfinish\nnext\nnext\nc\nquit\n")
    b = blocks(out)
    assert b[2].startswith("breakpoint at prog.omega:5:1 ")
    assert b[3].startswith("step at prog.omega:3:3 ")  # into bump's body
    assert b[4].startswith("step at prog.omega:4:3 ")
    assert b[5].startswith("step at prog.omega:5:1 ")  # back at the call site
    assert b[6].startswith("step at prog.omega:6:1 ")
    assert b[7].startswith("step at prog.omega:7:1 ")
    assert b[8] == "3\nThe program exited with code 0\n"
    assert code == 0


def test_time_travel_commands(tmp_path: Path) -> None:
    commands = "break 6\nc\nrstep\nrfinish\nback\nrcontinue\ngoto 5\nc\nc\nquit\n"
    _, out, _ = debug(tmp_path, COUNTER, commands)
    b = blocks(out)
    hit = int(re.search(r"\(step (\d+)\)", b[2]).group(1))  # type: ignore[union-attr]
    assert b[2].startswith("breakpoint at prog.omega:6:1")
    assert b[3].startswith("step at prog.omega:4:3 ")  # rstep: the last statement inside bump
    assert b[4].startswith("step at prog.omega:5:1 ")  # rfinish: the call that made it
    assert b[5].startswith("step at prog.omega:2:1 ")  # back: the previous top-level statement
    assert b[6].startswith("entry at prog.omega:1:1 (step 0)\n  Reached the oldest recorded step")
    assert b[7].startswith("goto at ") and "(step 5)" in b[7]
    assert b[8].startswith(f"breakpoint at prog.omega:6:1 (step {hit})")  # over the record
    assert b[9] == "3\nThe program exited with code 0\n"


def test_function_breakpoint_tbreak_condition_and_delete(tmp_path: Path) -> None:
    commands = "break bump\ntbreak 3\ncondition 1 (= n 2)\nc\np n\nc\np n\nbreak\ndelete 1\nbreak\nc\nquit\n"
    _, out, _ = debug(tmp_path, COUNTER, commands)
    b = blocks(out)
    assert b[1] == "Breakpoint 1 at function bump\n"
    assert b[2] == "Temporary breakpoint 2 at prog.omega:3:3\n"
    assert b[3] == "Breakpoint 1 is now conditional on (= n 2)\n"
    assert b[4].startswith("breakpoint at prog.omega:3:3 ")  # the tbreak, first call
    assert "Deleted temporary breakpoint 2" in b[4]
    assert b[5] == "1\n"
    assert b[6].startswith("function breakpoint at prog.omega:3:3 ") and "hit breakpoint 1" in b[6]
    assert b[7] == "2\n"
    assert b[8].startswith("Breakpoint 1 at function bump if (= n 2); hit ")
    assert b[9] == "Deleted breakpoint 1\n"
    assert b[10] == "No breakpoints\n"
    assert b[11] == "3\nThe program exited with code 0\n"


def test_display_is_shown_at_each_stop_and_watch(tmp_path: Path) -> None:
    _, out, _ = debug(tmp_path, COUNTER, "watch count\ndisplay count\nc\nc\nc\nquit\n")
    b = blocks(out)
    assert b[1] == "Watchpoint 1 on global:count\n"
    assert b[2] == "display 1: count = <error: unbound-variable: unbound variable: count>\n"  # not defined yet
    assert b[3].startswith("data breakpoint at ") and b[3].endswith("display 1: count = 0\n")
    assert "count changed" in b[3]
    assert b[4].endswith("display 1: count = 1\n")
    assert b[5].endswith("display 1: count = 3\n")


def test_uncaught_condition_restart_use_value(tmp_path: Path) -> None:
    code, out, err = debug(tmp_path, STATS, "c\nbt\nrestart use-value 0\nc\nquit\n", "stats.omega")
    b = blocks(out)
    assert b[1].startswith("exception at stats.omega:1:22 (step ")
    assert "  Uncaught division-by-zero: /: division by zero" in b[1]
    assert b[2].splitlines() == [">   0 average at stats.omega:1:22", "    1 report at stats.omega:2:30",
                                 "    2 <top-level> at stats.omega:3:1"]
    assert b[3].startswith("restart at ")
    assert b[4] == "0\nThe program exited with code 0\n"
    assert code == 0 and err == ""


def test_uncaught_condition_continue_reports_and_exits_1(tmp_path: Path) -> None:
    code, out, err = debug(tmp_path, STATS, "c\nc\n", "stats.omega")
    assert blocks(out)[2] == "The program exited with code 1\n"
    assert err.splitlines()[0] == "stats.omega:1:22: division-by-zero: /: division by zero"
    assert code == 1


def test_amb_choose_and_program_views(tmp_path: Path) -> None:
    _, out, _ = debug(tmp_path, PAIRS, "break 6\nc\namb\nchoose cp-2 3\ntx\nfacts\nbudget\nreceipts\nquit\n",
                      "pairs.omega")
    b = blocks(out)
    assert b[3].startswith("2 pending choice points\n  cp-2: amb at pairs.omega:4:12 · alternative 1 of 3 · 2 left")
    assert "remaining: #2 2 · #3 3" in b[3]
    assert b[4].startswith("choice at pairs.omega:4:21 ")
    assert "Chose alternative 3 of cp-2" in b[4]
    assert b[5] == "none\n" and b[6] == "none\n"
    assert b[7].startswith("no active budget\n  steps: used ")
    assert b[8] == "No receipts\n"


def test_help_lists_and_describes_every_command(tmp_path: Path) -> None:
    names = ["break", "tbreak", "condition", "delete", "step", "next", "finish", "continue", "back", "rstep",
             "rfinish", "rcontinue", "goto", "where", "up", "down", "print", "display", "locals", "amb", "tx",
             "fixpoint", "facts", "budget", "receipts", "restart", "choose", "quit"]
    _, out, _ = debug(tmp_path, COUNTER, "help\n" + "".join(f"help {n}\n" for n in names) + "help s\nhelp nope\n")
    b = blocks(out)
    listed = b[1].split()
    for n in names:
        assert n in listed
    for n, text in zip(names, b[2:], strict=False):
        assert text.startswith(n) and len(text.splitlines()) >= 2, (n, text)
    assert b[len(names) + 2].startswith("step | s")
    assert b[len(names) + 3] == "*** No help for 'nope'\n"


def test_errors_keep_the_session(tmp_path: Path) -> None:
    _, out, _ = debug(tmp_path, COUNTER, "frobnicate\ndelete 9\ngoto x\np (car 1)\nup\nquit\n")
    b = blocks(out)
    assert b[1] == "*** Unknown command: 'frobnicate' (type help)\n"
    assert b[2] == "*** No breakpoint numbered 9\n"
    assert b[3] == "*** usage: goto STEP\n"
    assert b[4].startswith("<error: ")
    assert b[5] == "*** Oldest frame\n"


def test_reader_errors_exit_2(tmp_path: Path) -> None:
    code, out, err = debug(tmp_path, "(display 1", "quit\n")
    assert code == 2 and out == ""
    assert err.startswith("prog.omega:1:1: error ")


# ---- through the real command ------------------------------------------------------------------------

ENV = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}


def test_piped_subprocess(tmp_path: Path) -> None:
    (tmp_path / "prog.omega").write_text(COUNTER, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "omega_runtime.cli", "debug", "prog.omega"], cwd=tmp_path,
                          input="break 6\nc\np count\nc\n", capture_output=True, text=True, timeout=60, env=ENV)
    assert proc.returncode == 0 and proc.stderr == ""
    b = blocks(proc.stdout)
    assert b[0].startswith("entry at prog.omega:1:1 (step 0)")
    assert b[2].startswith("breakpoint at prog.omega:6:1 ")
    assert b[3] == "1\n"
    assert b[4] == "3\nThe program exited with code 0\n"
    assert b[5] == "\n"  # end of input quits


class Pty:
    """`omega debug` under a pseudo-terminal."""

    def __init__(self, cwd: Path, *args: str) -> None:
        import fcntl
        import pty
        import termios

        self.master, slave = pty.openpty()
        def controlling_terminal() -> None:  # so that Ctrl-C on the pty sends SIGINT to the debugger
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen([sys.executable, "-m", "omega_runtime.cli", "debug", *args], cwd=cwd,
                                     stdin=slave, stdout=slave, stderr=slave, env=ENV,
                                     preexec_fn=controlling_terminal)
        os.close(slave)
        self.buffer = ""

    def read_until(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.buffer:
            left = deadline - time.monotonic()
            assert left > 0, f"timed out waiting for {text!r}; got {self.buffer!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                self.buffer += chunk.decode("utf-8", "replace")
        i = self.buffer.index(text) + len(text)
        got, self.buffer = self.buffer[:i], self.buffer[i:]
        return got

    def send(self, data: str) -> None:
        os.write(self.master, data.encode())

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=30)
        finally:
            os.close(self.master)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_under_a_pty_ctrl_c_pauses_a_running_program(tmp_path: Path) -> None:
    (tmp_path / "spin.omega").write_text("(define n 0)\n(let loop ()\n  (set! n (+ n 1))\n  (loop))\n",
                                         encoding="utf-8")
    term = Pty(tmp_path, "spin.omega")
    first = term.read_until("(odb) ")
    assert "entry at spin.omega:1:1 (step 0)" in first
    term.send("continue\r")
    time.sleep(0.5)
    term.send("\x03")  # Ctrl-C: the terminal sends SIGINT, the debugger pauses the program
    paused = term.read_until("(odb) ")
    assert re.search(r"pause at spin\.omega:\d+:\d+ \(step \d+\)", paused), paused
    term.send("p (> n 0)\r")
    assert "#t" in term.read_until("(odb) ")
    term.send("quit\r")
    assert term.close() == 0
