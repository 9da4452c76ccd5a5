"""`omega run`'s start-up (issue 15): what a run of a one-line program loads, the command line
read without building the argument parser, and the garbage collector left as it was found."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omega_runtime import cli

# Modules a run of `(+ 1 2)` has no use for: the openai provider's HTTP/TLS stack, the parser
# generator (its tables are cached), the debugger, the eval server, the REPL and the resource readers;
# attrs and cattrs (the run's records are named tuples; the state views, attrs classes, load when
# asked for), the oracle's artifact cache and arithmetic rule, and the standard modules only some
# operations need (pathlib, hashlib, uuid, importlib.util, argparse: `omega run FILE` is read without
# a parser; json, random, threading, copy).
NOT_LOADED = ("httpx", "ssl", "lark", "importlib.resources", "omega_runtime.oracle.openai",
              "omega_runtime.oracle.artifacts", "omega_runtime.oracle.arithmetic",
              "omega_runtime.debug", "omega_runtime.protocol", "omega_runtime.repl", "omega_runtime.analysis",
              "attrs", "attr", "cattrs", "omega_runtime.subsystems.views", "pathlib", "hashlib", "uuid",
              "importlib.util", "argparse", "json", "random", "threading", "copy")


def test_a_one_line_run_loads_no_module_it_does_not_use(tmp_path: Path) -> None:
    program = tmp_path / "one.omega"
    program.write_text("(+ 1 2)\n", encoding="utf-8")
    code = ("import sys; from omega_runtime.cli import main; status = main(['run', sys.argv[1]]); "
            "print(' '.join(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code, str(program)], capture_output=True, text=True,
                         check=True, timeout=60)
    first, loaded = out.stdout.split("\n", 1)
    assert first == "3"
    assert not set(NOT_LOADED) & set(loaded.split())


def test_the_state_views_are_attrs_classes_loaded_when_asked_for() -> None:
    # RUNTIME.md "Semantic state inspection": plain data (attrs classes).
    import attrs

    from omega_runtime import OmegaRuntime

    rt = OmegaRuntime.create()
    views: list[object] = []
    rt.on("amb-choice", lambda _d: views.append(rt.get_amb_state()))
    rt.on("transaction-begin", lambda _d: views.append(rt.get_transaction_state()))
    assert rt.eval("(with-transaction (amb 1 2))").printed == "1"
    assert len(views) == 2 and all(view is not None and attrs.has(type(view)) for view in views)


# Words after the file: anything, option-like ones included (they are the program's).
WORDS = st.lists(st.one_of(st.sampled_from(["-h", "--help", "-e", "x", "--allow", "net", "--seed", "3", "-",
                                            "--seed=4", "-1", "run", "", "a b", "--oracle", "openai"]),
                           st.text(max_size=6)), max_size=6)


@given(file=st.one_of(st.sampled_from(["prog.omega", "run", "", "a b", "x-"]), st.text(max_size=8)),
       words=WORDS)
def test_a_plain_run_command_line_is_read_as_the_parser_reads_it(file: str, words: list[str]) -> None:
    argv = ["run", file, *words]
    plain = cli._plain_run(argv)
    if file.startswith("-") or "--" in words:
        assert plain is None  # left to the parser
        return
    assert plain is not None
    assert vars(plain) == vars(cli._parser({"run"}).parse_args(argv))
    assert vars(plain) == vars(cli._parser().parse_args(argv))


@pytest.mark.parametrize("argv", [["run"], ["run", "--seed", "3", "f"], ["-e", "1"], ["check", "f"], [],
                                  ["run", "f", "--"], ["run", "f", "a", "--", "b"], ["repl"]])
def test_other_command_lines_are_left_to_the_parser(argv: list[str]) -> None:
    assert cli._plain_run(argv) is None


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # the command froze this test process's objects as it does a run's


def test_the_collector_is_on_again_once_the_runtime_is_made(unfrozen: None,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert gc.isenabled()
    assert cli.main(["-e", "(+ 1 2)"]) == 0
    assert capsys.readouterr().out == "3\n"
    assert gc.isenabled()


def test_a_collector_switched_off_stays_off(unfrozen: None, capsys: pytest.CaptureFixture[str]) -> None:
    gc.disable()
    try:
        assert cli.main(["-e", "(+ 1 2)"]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert capsys.readouterr().out == "3\n"


def parse(declared: set[str] | None, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[object, ...]:
    """What a parser declaring `declared` (None: every command) makes of `argv`: its namespace or
    exit status, and what it printed."""
    parser = cli._parser(declared)
    try:
        outcome: object = vars(parser.parse_args(argv))
    except SystemExit as exc:
        outcome = exc.code
    out = capsys.readouterr()
    return outcome, out.out, out.err


@pytest.mark.parametrize("argv", [
    [], ["--help"], ["-h"], ["-e", "(+ 1 2)"], ["-e"], ["-e", "run"], ["-e", "1", "run"], ["bogus"], ["--bogus"],
    ["run"], ["run", "--help"], ["run", "--seed", "x", "f"], ["run", "--allow", "net", "f", "a"], ["check"],
    ["check", "f"], ["repl", "--allow", "nope"], ["debug"], ["debug", "f", "x"], ["serve", "--port", "x"],
    ["serve", "--help"], ["-e", "1", "check", "f"], ["run", "f", "--", "x"],
])
def test_declaring_only_the_commands_named_parses_as_declaring_all(argv: list[str],
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    named = {arg for arg in argv if arg in cli._COMMANDS}
    assert parse(named, argv, capsys) == parse(None, argv, capsys)
