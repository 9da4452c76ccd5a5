"""The `omega` command through a real subprocess (LANGUAGE.md 2.4, 5.5, 5.6, 12.2, 15): exit
statuses, what `run` and `-e` print, `--help`, `--allow`, `--receipts` and replaying a recorded
run. `omega check` is in test_check.py, the REPL in test_repl.py."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omega_runtime import OmegaRuntime

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def omega(*args: str, cwd: Path = FIXTURES, env: dict[str, str] | None = None,
          stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m omega_runtime.cli ARGS` with no OMEGA_* variables but those in `env`."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "omega_runtime.cli", *args], cwd=cwd, env=full_env,
                          input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def write(tmp_path: Path, text: str, name: str = "prog.omega") -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name


# ---- omega run: exit statuses and the printing rules of 2.4 -------------------------------------


def test_run_prints_output_then_last_value_on_its_own_line() -> None:
    proc = omega("run", "hello.omega")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "Hello, Omega!\n(1 2 12)\n", "")


def test_run_void_result_prints_nothing_more() -> None:
    proc = omega("run", "void-result.omega")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "done\n", "")


@pytest.mark.parametrize(("program", "stdout"), [
    ("42", "42\n"),
    ('(display "x")\n5', "x\n5\n"),  # output without a final newline: the value goes on the next line
    ('(display "x\\n")\n5', "x\n5\n"),  # output ending a line: no blank line
    ('"a\\nb"', '"a\\nb"\n'),  # the write form
    ("(define x 1)", ""),
    ('(display "no newline")', "no newline"),  # void result: the output is left as written
    ("(list (void) 'a \"s\")", '(#<void> a "s")\n'),
    ("", ""),
])
def test_run_printing_rules(program: str, stdout: str, tmp_path: Path) -> None:
    proc = omega("run", write(tmp_path, program), cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, stdout, "")


def test_run_uncaught_condition_exits_1() -> None:
    proc = omega("run", "stats.omega")
    assert proc.returncode == 1
    assert proc.stdout == "average: 2\naverage: "
    assert proc.stderr.startswith("stats.omega:3:3: division-by-zero: /: division by zero\n")


def test_run_reader_errors_exit_2_and_nothing_runs(tmp_path: Path) -> None:
    proc = omega("run", write(tmp_path, '(display "ran")\n(define (f x)\n  (+ x 1]\n'), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "prog.omega:3:9: error E0001: ']' does not match '(' at 3:3 (expected ')')",
        "prog.omega:2:1: error E0002: unclosed '(': no matching ')' before the end of the file",
    ]


def test_run_expansion_error_runs_forms_before_it_and_exits_1() -> None:
    proc = omega("run", "bad-expand.omega")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("bad-expand.omega:3:1: syntax-error: ")


def test_run_exit_procedure_sets_the_status() -> None:
    proc = omega("run", "exit-code.omega")
    assert (proc.returncode, proc.stdout) == (4, "leaving")


@pytest.mark.parametrize("loop", ["(define (idle) (idle))\n(idle)", "(define (spin n) (spin (+ n 1)))\n(spin 0)"])
def test_run_interrupted_by_ctrl_c_says_so_and_exits_130(loop: str, tmp_path: Path) -> None:
    # Forms before the loop put the step count off the slow path's multiples of 1,024; the
    # closures-only loop calls no interpreted code (a compiled build never saw the signal).
    program = write(tmp_path, f'(display "go")\n(newline)\n(list 1 2 3)\n{loop}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    proc = subprocess.Popen([sys.executable, "-m", "omega_runtime.cli", "run", program], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # even under a CI runner ignoring it
    assert proc.stdout is not None
    assert proc.stdout.readline() == "go\n"  # the loop runs next
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert (proc.returncode, out, err) == (130, "", "interrupted\n")


def test_run_seconds_budget_stops_a_loop_of_closures_only(tmp_path: Path) -> None:
    # LANGUAGE.md 12.1: checked at least every 1,024 steps, wherever the count stood when the
    # loop began (a first form puts it off the multiples; it used to be checked only on them).
    program = write(tmp_path, "(list 1 2 3)\n(define (idle) (idle))\n(with-budget (seconds 0.3) (idle))\n")
    started = time.monotonic()
    proc = omega("run", program, cwd=tmp_path)
    assert proc.returncode == 1 and "budget-exceeded: seconds budget of 0.3 exceeded" in proc.stderr
    assert time.monotonic() - started < 30  # loose: a loaded CI machine; the budget is 0.3 s


def test_run_missing_file_is_usage_error(tmp_path: Path) -> None:
    proc = omega("run", "no-such-file.omega", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("omega: cannot read no-such-file.omega")


@pytest.mark.parametrize("args", [["run"], ["frobnicate"], ["run", "--allow", "bogus", "x.omega"],
                                  ["run", "--oracle", "psychic", "x.omega"], []])
def test_bad_usage_exits_2(args: list[str]) -> None:
    proc = omega(*args)
    assert proc.returncode == 2
    assert "usage: omega" in proc.stderr


def test_run_stdout_and_stderr_are_separate(tmp_path: Path) -> None:
    text = "(display \"out\")\n(newline)\n(warn 'careful \"watch out\")\n(display \"more\")\n(newline)\n"
    proc = omega("run", write(tmp_path, text), cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == "out\nmore\n"
    assert proc.stderr == "prog.omega:3:1: careful: watch out\n"


# ---- omega -e -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("expr", "code", "stdout"), [
    ("(+ 1 2)", 0, "3\n"),
    ("(define x 2) (* x 21)", 0, "42\n"),
    ("(void)", 0, ""),
    ('(display "hi")', 0, "hi"),
    ("(car 5)", 1, ""),
    ("(+ 1", 2, ""),
    ("(exit 7)", 7, ""),
])
def test_eval_option(expr: str, code: int, stdout: str) -> None:
    proc = omega("-e", expr)
    assert (proc.returncode, proc.stdout) == (code, stdout)


def test_eval_option_reports_under_eval_source() -> None:
    assert omega("-e", "(car 5)").stderr.splitlines()[0] == "<eval>:1:1: wrong-type: car: expected pair, got 5"
    assert omega("-e", "(+ 1").stderr.startswith("<eval>:1:1: error E0002: ")


# ---- --help -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "must_say"), [
    ([], "usage: omega"),
    (["run"], "usage: omega run"),
    (["check"], "usage: omega check"),
    (["repl"], "usage: omega repl"),
    (["debug"], "usage: omega debug"),
    (["serve"], "usage: omega serve"),
])
def test_help(args: list[str], must_say: str) -> None:
    proc = omega(*args, "--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith(must_say)
    if args in (["run"], ["repl"]):
        assert "--allow" in proc.stdout and "--receipts" in proc.stdout and "--oracle" in proc.stdout


def test_repl_help_documents_prompts_only_on_a_terminal() -> None:
    text = " ".join(omega("repl", "--help").stdout.split())
    assert "only when stdin is a terminal" in text


# ---- --allow --------------------------------------------------------------------------------------


def test_capabilities_are_denied_by_default(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "read-file.omega", tmp_path)
    (tmp_path / "fixture-input.txt").write_text("secret", encoding="utf-8")
    proc = omega("run", "read-file.omega", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.startswith(
        "read-file.omega:2:1: capability-denied: file.read.op requires capability file.read\n")


def test_allow_grants_a_capability(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "read-file.omega", tmp_path)
    (tmp_path / "fixture-input.txt").write_text("secret", encoding="utf-8")
    proc = omega("run", "--allow", "file.read", "read-file.omega", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, '"secret"\n')


def test_allow_is_repeatable_and_listed(tmp_path: Path) -> None:
    name = write(tmp_path, "(capabilities)")
    proc = omega("run", "--allow", "shell", "--allow", "file.read", name, cwd=tmp_path)
    assert proc.stdout == "(file.read shell)\n"  # sorted
    assert omega("run", name, cwd=tmp_path).stdout == "()\n"


# ---- receipts and replay ------------------------------------------------------------------------


def _receipts(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_receipts_file_has_one_json_line_per_request(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    proc = omega("run", "--receipts", str(log), "oracle.omega")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == '(4 hello answer-c13d70e0)\n("r-cc171551935265e2")\n'
    receipts = _receipts(log)
    assert [r["seq"] for r in receipts] == [1, 2, 3]
    assert receipts[0]["id"] == "r-cc171551935265e2"
    assert receipts[0]["request"] == {"op": "infer", "prompt": "What is 2+2?"}
    assert [r["response"] for r in receipts] == ["4", "hello", "answer-c13d70e0"]
    assert all(r["oracle"] == "scripted" for r in receipts)
    assert receipts[0]["tokens"] == {"prompt": 3, "completion": 1, "total": 4}
    # Compact JSON in the field order of LANGUAGE.md 5.5.
    assert log.read_text(encoding="utf-8").startswith('{"id":"r-cc171551935265e2","seq":1,')


def test_replay_reruns_a_recorded_program_byte_for_byte(tmp_path: Path) -> None:
    # Recorded with a script whose answers the built-in rules would never give: a replay that
    # asked any live oracle would print something else.
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"rules": [], "fallback": "from-the-script"}), encoding="utf-8")
    log = tmp_path / "recorded.jsonl"
    first = omega("run", "--oracle-script", str(script), "--receipts", str(log), "oracle.omega")
    assert first.returncode == 0, first.stderr
    assert first.stdout == ('(from-the-script from-the-script from-the-script)\n'
                            '("r-cc171551935265e2")\n')
    again_log = tmp_path / "again.jsonl"
    again = omega("run", "--oracle", "replay", "--replay", str(log), "--receipts", str(again_log),
                  "oracle.omega")
    assert again.returncode == 0, again.stderr
    assert again.stdout.encode() == first.stdout.encode()
    assert again.stderr == first.stderr == ""
    # The replayed answers are logged too, same ids and responses, marked as replayed.
    recorded, replayed = _receipts(log), _receipts(again_log)
    assert [(r["id"], r["response"]) for r in replayed] == [(r["id"], r["response"]) for r in recorded]
    assert {r["oracle"] for r in replayed} == {"replay"}


def test_replay_answers_come_from_the_file(tmp_path: Path) -> None:
    log = tmp_path / "recorded.jsonl"
    assert omega("run", "--receipts", str(log), "oracle.omega").returncode == 0
    edited = [dict(r, response=f"edited-{r['seq']}") for r in _receipts(log)]
    log.write_text("".join(json.dumps(r) + "\n" for r in edited), encoding="utf-8")
    proc = omega("run", "--oracle", "replay", "--replay", str(log), "oracle.omega")
    assert proc.stdout == '(edited-1 edited-2 edited-3)\n("r-cc171551935265e2")\n'


def test_replay_without_a_receipt_is_replay_miss(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    proc = omega("run", "--oracle", "replay", "--replay", str(empty), "oracle.omega")
    assert proc.returncode == 1
    assert proc.stderr.startswith("oracle.omega:2:13: replay-miss: replay: no receipt for r-cc171551935265e2")


def test_replay_flag_and_environment_agree(tmp_path: Path) -> None:
    log = tmp_path / "recorded.jsonl"
    assert omega("run", "--receipts", str(log), "oracle.omega").returncode == 0
    by_env = omega("run", "oracle.omega", env={"OMEGA_ORACLE": "replay", "OMEGA_REPLAY_RECEIPTS": str(log)})
    by_flag = omega("run", "--oracle", "replay", "--replay", str(log), "oracle.omega")
    assert by_env.stdout == by_flag.stdout == '(4 hello answer-c13d70e0)\n("r-cc171551935265e2")\n'


def test_seed_makes_random_reproducible(tmp_path: Path) -> None:
    name = write(tmp_path, "(list (random 1000) (random 1000) (random 1000))")
    a = omega("run", "--seed", "7", name, cwd=tmp_path).stdout
    b = omega("run", "--seed", "7", name, cwd=tmp_path).stdout
    assert a == b and re.fullmatch(r"\(\d+ \d+ \d+\)\n", a)
    assert omega("run", name, cwd=tmp_path).stdout == omega("run", "--seed", "0", name, cwd=tmp_path).stdout


def test_omega_script_entry_point(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("omega")
    if not script.exists():
        pytest.fail(f"the `omega` console script is not installed beside {sys.executable}")
    proc = subprocess.run([str(script), "-e", "(* 6 7)"], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (0, "42\n")


# ---- hypothesis: generated arithmetic and list expressions against a Python model ---------------

# An expression is a tuple: ("lit", n), ("quote", [n...]) or (operator, arg, ...). Generation is
# typed so every operator gets the kind of argument LANGUAGE.md 14 defines it for; the only errors
# left are the ones the model predicts (a zero divisor, `car`/`cdr` of an empty list).

Expr = tuple[Any, ...]
Strategy = st.SearchStrategy[Expr]

_ints: Strategy = st.integers(-50, 50).map(lambda n: ("lit", n))


def _int_ops(inner: Strategy, lists: Strategy) -> Strategy:
    return st.one_of(
        st.tuples(st.sampled_from(["+", "*", "max", "min"]), inner, inner),
        st.tuples(st.just("-"), inner, inner),
        st.tuples(st.just("-"), inner),
        st.tuples(st.sampled_from(["quotient", "remainder", "modulo"]), inner, inner),
        st.tuples(st.just("abs"), inner),
        st.tuples(st.just("length"), lists),
        st.tuples(st.just("car"), lists),
        st.tuples(st.just("if<"), inner, inner, inner, inner),
    )


def _list_ops(ints: Strategy, inner: Strategy) -> Strategy:
    return st.one_of(
        st.lists(ints, max_size=3).map(lambda xs: ("list", *xs)),
        st.tuples(st.just("cons"), ints, inner),
        st.tuples(st.sampled_from(["cdr", "reverse"]), inner),
        st.tuples(st.just("append"), inner, inner),
    )


_quoted: Strategy = st.lists(st.integers(-9, 9), max_size=4).map(lambda xs: ("quote", xs))
int_exprs: Strategy = st.deferred(lambda: _ints | _int_ops(int_exprs, list_exprs))
list_exprs: Strategy = st.deferred(lambda: _quoted | _list_ops(int_exprs, list_exprs))
num_exprs: Strategy = st.deferred(
    lambda: int_exprs | st.tuples(st.sampled_from(["/", "+", "*", "-"]), num_exprs, num_exprs))


class ModelError(Exception):
    """The condition type the model expects Omega to signal."""


def to_text(e: Expr) -> str:
    head = e[0]
    if head == "lit":
        return str(e[1])
    if head == "quote":
        return "'(" + " ".join(map(str, e[1])) + ")"
    if head == "if<":
        a, b, x, y = (to_text(part) for part in e[1:])
        return f"(if (< {a} {b}) {x} {y})"
    return "(" + " ".join([head, *(to_text(arg) for arg in e[1:])]) + ")"


def model(e: Expr) -> Any:
    """The value of `e` as Python ints, floats and tuples (lists); ModelError for a condition."""
    head = e[0]
    if head == "lit":
        return e[1]
    if head == "quote":
        return tuple(e[1])
    if head == "if<":  # only the branch taken is evaluated
        return model(e[3] if model(e[1]) < model(e[2]) else e[4])
    args = [model(arg) for arg in e[1:]]  # left to right
    if head in ("+", "*"):
        return args[0] + args[1] if head == "+" else args[0] * args[1]
    if head == "-":
        return -args[0] if len(args) == 1 else args[0] - args[1]
    if head in ("max", "min"):
        return max(args) if head == "max" else min(args)
    if head == "abs":
        return abs(args[0])
    if head in ("quotient", "remainder", "modulo", "/"):
        a, b = args
        if b == 0:
            raise ModelError("division-by-zero")
        if head == "/":
            exact = isinstance(a, int) and isinstance(b, int) and a % b == 0
            return a // b if exact else a / b
        q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
        return {"quotient": q, "remainder": a - b * q, "modulo": a % b}[head]
    if head == "length":
        return len(args[0])
    if head in ("car", "cdr"):
        if not args[0]:
            raise ModelError("wrong-type")
        return args[0][0] if head == "car" else args[0][1:]
    if head == "list":
        return tuple(args)
    if head == "cons":
        return (args[0], *args[1])
    if head == "reverse":
        return tuple(reversed(args[0]))
    if head == "append":
        return args[0] + args[1]
    raise AssertionError(head)


def write_form(v: Any) -> str:
    if isinstance(v, tuple):
        return "(" + " ".join(write_form(x) for x in v) + ")"
    return repr(v)  # ints, and floats in Python's shortest round-trip form as 2.1 prescribes


def expected(e: Expr) -> tuple[str, str | None]:
    """(printed value, None) or ("", condition type)."""
    try:
        return write_form(model(e)), None
    except ModelError as exc:
        return "", str(exc)


@pytest.fixture(scope="module")
def runtime() -> Iterator[OmegaRuntime]:
    with OmegaRuntime.create() as rt:
        yield rt


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(num_exprs, list_exprs))
def test_facade_agrees_with_the_model(runtime: OmegaRuntime, e: Expr) -> None:
    printed, error = expected(e)
    result = runtime.eval(to_text(e))
    if error is None:
        assert result.condition is None, result.report
        assert result.printed == printed
    else:
        assert result.condition is not None and result.condition.ctype.name == error, result.printed


@settings(max_examples=12, deadline=None)
@given(st.one_of(num_exprs, list_exprs))
def test_eval_option_agrees_with_the_model(e: Expr) -> None:
    printed, error = expected(e)
    proc = omega("-e", to_text(e))
    if error is None:
        assert (proc.returncode, proc.stdout) == (0, printed + "\n"), proc.stderr
    else:
        assert proc.returncode == 1 and proc.stdout == ""
        assert proc.stderr.split(": ")[1] == error


def test_program_arguments_follow_the_file() -> None:
    proc = omega("run", "args.omega", "a", "b c", "--allow")  # after FILE, options are the program's
    assert (proc.returncode, proc.stdout) == (0, '("args.omega" "a" "b c" "--allow")\n')
