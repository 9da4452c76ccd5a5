"""`omega check FILE` (LANGUAGE.md 15.1): reader and expansion diagnostics listed as
`FILE:LINE:COL: error CODE: MESSAGE` on stderr, exit 2 when there is any, 0 for a clean file, and
nothing ever run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from omega_runtime.analysis import check_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DIAGNOSTIC = re.compile(r"(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): error (?P<code>E\d{4}): (?P<msg>.+)")


def omega_check(name: str, cwd: Path = FIXTURES) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    proc = subprocess.run([sys.executable, "-m", "omega_runtime.cli", "check", name], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def diagnostics(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, int, int, str]]:
    """(file, line, col, code) of every stderr line, each of which must have the CLI form."""
    out = []
    for line in proc.stderr.splitlines():
        m = DIAGNOSTIC.fullmatch(line)
        assert m is not None, f"not a diagnostic line: {line!r}"
        out.append((m["file"], int(m["line"]), int(m["col"]), m["code"]))
    return out


def check_text(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "prog.omega").write_text(text, encoding="utf-8")
    return omega_check("prog.omega", tmp_path)


def test_reader_errors_are_all_listed() -> None:
    proc = omega_check("bad-read.omega")
    assert proc.returncode == 2 and proc.stdout == ""
    assert diagnostics(proc) == [("bad-read.omega", 2, 9, "E0001"), ("bad-read.omega", 1, 1, "E0002")]
    assert proc.stderr.splitlines()[0] == "bad-read.omega:2:9: error E0001: ']' does not match '(' at 2:3 (expected ')')"


def test_every_expansion_error_is_listed_in_file_order() -> None:
    proc = omega_check("bad-expand.omega")
    assert proc.returncode == 2
    assert proc.stdout == ""  # `(display "after")` did not run
    assert diagnostics(proc) == [("bad-expand.omega", 3, 1, "E0101"), ("bad-expand.omega", 4, 7, "E0102")]


def test_reader_errors_hide_expansion_errors(tmp_path: Path) -> None:
    # The file does not read, so nothing is expanded: only the reader's diagnostic.
    proc = check_text(tmp_path, "(if)\n(let (x 1) x)\n)\n")
    assert proc.returncode == 2
    assert diagnostics(proc) == [("prog.omega", 3, 1, "E0001")]


def test_clean_file_exits_0() -> None:
    proc = omega_check("clean.omega")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


@pytest.mark.parametrize("name", ["hello.omega", "stats.omega", "oracle.omega", "deep.omega", "exit-code.omega"])
def test_fixtures_with_runtime_errors_check_clean(name: str) -> None:
    # Runtime conditions are not static diagnostics.
    assert omega_check(name).returncode == 0


def test_check_runs_nothing(tmp_path: Path) -> None:
    proc = check_text(tmp_path, '(display "ran")\n(effect file.write.op "made.txt" "x")\n(exit 3)\n')
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert not (tmp_path / "made.txt").exists()


def test_macro_defined_earlier_is_used_when_checking(tmp_path: Path) -> None:
    text = ("(define-syntax two-args (syntax-rules () ((_ a b) (list a b))))\n"
            "(two-args 1 2)\n"
            "(two-args 1)\n")
    assert diagnostics(check_text(tmp_path, text)) == [("prog.omega", 3, 1, "E0105")]


@pytest.mark.parametrize(("text", "code"), [
    ("(if)", "E0101"), ("(define x 1 2)", "E0101"), ("(lambda)", "E0101"),
    ("(let (x 1) x)", "E0102"), ("(lambda (1) 1)", "E0102"),
    ("(if (define x 1) 1 2)", "E0103"),
    ("(lambda (x x) x)", "E0104"),
    ("(define-syntax m (syntax-rules () ((_ a ...) (list a))))", "E0106"),
    (",x", "E0107"),
    ("(define (f) (define-syntax m (syntax-rules () ((_) 1))) 1)", "E0108"),
    ("(define if 1)", "E0111"),
    ('"abc', "E0003"), ("#| open", "E0007"), ("{", "E0001"), ("#xZZ", "E0005"), ("(. a)", "E0006"),
    ("(a ')", "E0008"), ('"\\q"', "E0004"), ("(a", "E0002"),
])
def test_codes(text: str, code: str, tmp_path: Path) -> None:
    proc = check_text(tmp_path, text + "\n")
    assert proc.returncode == 2
    found = diagnostics(proc)
    assert found and found[0][0] == "prog.omega" and found[0][3] == code, proc.stderr


def test_positions_count_code_points_and_crlf(tmp_path: Path) -> None:
    # A CRLF ends one line; `λ` is one column.
    (tmp_path / "prog.omega").write_bytes("(define λ 1)\r\n(display \"é\") (if)\r\n".encode())
    proc = omega_check("prog.omega", tmp_path)
    assert diagnostics(proc) == [("prog.omega", 2, 15, "E0101")]


def test_missing_file_is_usage_error(tmp_path: Path) -> None:
    proc = omega_check("absent.omega", tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("omega: cannot read absent.omega")


def test_deeply_nested_source_checks_without_recursion(tmp_path: Path) -> None:
    # 10,000 levels of source nesting (LANGUAGE.md 16.1): one error at the innermost level.
    depth = 10_000
    text = "(list " * depth + "(if)" + ")" * depth + "\n"
    proc = check_text(tmp_path, text)
    assert proc.returncode == 2
    assert diagnostics(proc) == [("prog.omega", 1, 6 * depth + 1, "E0101")]


def test_check_file_api_matches_the_cli() -> None:
    text = (FIXTURES / "bad-expand.omega").read_text(encoding="utf-8")
    found = check_file(text, "bad-expand.omega")
    assert [d.format() for d in found] == omega_check("bad-expand.omega").stderr.splitlines()
    assert all(d.severity == "error" for d in found)
    assert check_file("(+ 1 2)", "x.omega") == []
