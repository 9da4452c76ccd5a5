"""The `omega` command: run, eval, repl, check, debug and serve (LANGUAGE.md 2.4, 15)."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Collection, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeAlias

from .config import CAPABILITIES

if TYPE_CHECKING:
    import argparse  # imported where a parser is built: a plain `omega run` needs none (~2 ms)

# A command line read: the parser's namespace, or the one `_plain_run` makes without a parser.
Options: TypeAlias = "argparse.Namespace | SimpleNamespace"

EXIT_OK, EXIT_CONDITION, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command Ctrl-C stopped


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--allow", action="append", default=[], metavar="CAP", choices=CAPABILITIES,
                   help="grant a capability: file.read, file.write, shell, tool or net (repeatable); none by default")
    p.add_argument("--oracle", choices=("scripted", "replay", "openai"),
                   help="oracle kind (default: $OMEGA_ORACLE or scripted)")
    p.add_argument("--oracle-script", metavar="FILE", help="scripted-oracle rules file (default: $OMEGA_ORACLE_SCRIPT)")
    p.add_argument("--replay", metavar="FILE", help="receipts file the replay oracle answers from "
                   "(default: $OMEGA_REPLAY_RECEIPTS)")
    p.add_argument("--receipts", metavar="FILE", help="write this run's oracle receipts to FILE (JSON Lines)")
    p.add_argument("--cache", metavar="DIR", help="answer identical oracle requests from a persistent cache in DIR")
    p.add_argument("--seed", type=int, default=0, help="seed of the random generator (default 0)")


def _parser(declared: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser. With `declared`, only those commands' arguments are declared;
    the others keep their names and help (what the top level's usage, help and errors show):
    argparse formats every argument as it is added (~1 ms a command), and a command line can use
    only the arguments of a command it names."""
    import argparse

    p = argparse.ArgumentParser(prog="omega", description="The Omega language: run, check, debug and serve programs.")
    p.add_argument("-e", dest="expr", metavar="EXPR", help="evaluate EXPR and print its value")
    sub = p.add_subparsers(dest="command")
    for name, declare in _COMMANDS.items():
        if declared is None or name in declared:
            declare(sub)
        else:
            sub.add_parser(name, help=_HELP[name])
    return p


_HELP = {"run": "run a program file", "check": "report reader and expansion diagnostics",
         "repl": "interactive read-eval-print loop", "debug": "debug a program in the terminal (like pdb)",
         "serve": "serve a JSON-lines evaluation session over TCP"}


def _declare_run(sub: Any) -> None:
    run = sub.add_parser("run", help=_HELP["run"], description="Run FILE: prints what the program writes, then "
                         "the write form of the last form's value unless it is void. Exit 0, 1 on an uncaught "
                         "condition, 2 on reader errors or bad usage, 130 when Ctrl-C interrupts it.")
    _add_run_options(run)
    run.add_argument("file", help="the .omega program")
    run.add_argument("args", nargs="...", help="arguments for the program ((command-line) lists them)")


def _declare_check(sub: Any) -> None:
    check = sub.add_parser("check", help=_HELP["check"],
                           description="Read and expand FILE without running it; print every diagnostic as "
                           "FILE:LINE:COL: error CODE: MESSAGE. Exit 2 when there is any, else 0.")
    check.add_argument("file")


def _declare_repl(sub: Any) -> None:
    repl = sub.add_parser("repl", help=_HELP["repl"],
                          description="Read forms until balanced, print `=> ` and the value's write form. Ctrl-C "
                          "interrupts a running evaluation and keeps the session; Ctrl-D exits. Prompts (`omega> `, "
                          "`....> `), line editing and the history file ~/.omega_history are used only when stdin "
                          "is a terminal; piped input is read without prompts, so stdout holds only the output and "
                          "the `=> ` lines.")
    _add_run_options(repl)


def _declare_debug(sub: Any) -> None:
    debug = sub.add_parser("debug", help=_HELP["debug"],
                           description="Debug FILE on the runtime's debug controller; type `help` at the prompt.")
    _add_run_options(debug)
    debug.add_argument("file")
    debug.add_argument("args", nargs="...")


def _declare_serve(sub: Any) -> None:
    serve = sub.add_parser("serve", help=_HELP["serve"],
                           description="A JSON-lines eval server (ops: eval, load-file, complete, describe, "
                           "interrupt, debug, close) for one session: every connection shares its runtime and "
                           "definitions, evaluations run one at a time in arrival order, and a debugger can "
                           "attach to it (omega-dap's `attach` request). Prints `omega serve: listening on "
                           "HOST:PORT` on stderr (--port 0 picks a free port), then the path of its "
                           "connection file (host, port and a random token, readable by you only): every "
                           "connection's first request must carry that token.")
    _add_run_options(serve)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1; any other is reachable from elsewhere: warned)")
    serve.add_argument("--port", type=int, default=7888)
    serve.add_argument("--connection-file", metavar="PATH",
                       help="write the connection file here (e.g. .omega/serve.json in the workspace, where "
                       "omega-dap's attach looks first) instead of the runtime directory")
    serve.add_argument("--no-token", action="store_true",
                       help="take connections without a token: anyone who can reach the port runs code (warned)")


_COMMANDS: dict[str, Callable[[Any], None]] = {
    "run": _declare_run, "check": _declare_check, "repl": _declare_repl, "debug": _declare_debug,
    "serve": _declare_serve,
}


def _plain_run(args: list[str]) -> SimpleNamespace | None:
    """`omega run FILE ARG...` with no option before FILE, as the parser would read it (every
    word after FILE is the program's), without building the parser (~5-9 ms of a start-up: argparse
    formats each argument it declares and translates every message); None for any other command
    line, which the parser reads."""
    if len(args) < 2 or args[0] != "run" or args[1].startswith("-") or "--" in args[2:]:
        return None
    return SimpleNamespace(expr=None, command="run", allow=[], oracle=None, oracle_script=None, replay=None,
                           receipts=None, cache=None, seed=0, file=args[1], args=args[2:])


def _config(ns: Options) -> dict[str, Any]:
    cfg: dict[str, Any] = {"capabilities": tuple(ns.allow), "seed": ns.seed}
    if ns.oracle:
        cfg["oracle"] = ns.oracle
    if ns.oracle_script:
        cfg["oracle_script"] = ns.oracle_script
    if ns.replay:
        cfg["replay_receipts"] = ns.replay
    if ns.receipts:
        cfg["receipts"] = ns.receipts
    if ns.cache:
        cfg["cache_dir"] = ns.cache
    return cfg


def _write_out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _write_err(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()


def _make_runtime(ns: Options, argv: Sequence[str] = ()) -> Any:
    # Importing the runtime and loading the prelude make ~100,000 objects that live as long as the
    # process: collections while they are made find nothing (~9 ms of a start-up), and frozen (left
    # out of every later collection) they cost the program's collections nothing either.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from .oracle import OracleConfigError
        from .runtime import OmegaRuntime, RuntimeProviders

        try:
            rt = OmegaRuntime.create(config=_config(ns),
                                     providers=RuntimeProviders(stdout=_write_out, stderr=_write_err))
        except OracleConfigError as exc:
            _write_err(f"omega: {exc.detail}\n")
            return None
    finally:
        gc.freeze()
        # The machine's garbage is freed by reference counting; what survives a step (a deep
        # continuation, a recorded history) is scanned again at every older-generation pass:
        # fewer passes took a quarter off a 100,000-deep recursion.
        gc.set_threshold(20_000, 20, 50)
        if collecting:
            gc.enable()
    rt.host.argv = list(argv)
    return rt


def _run_and_report(rt: Any, text: str, source: str) -> int:
    """Evaluate `text` and report as `omega run` does (LANGUAGE.md 2.4, 15): the exit status."""
    from .machine.ports import use_process_stdin

    use_process_stdin()  # `(current-input-port)` is standard input here (LANGUAGE.md 17.4)
    with rt:
        result = rt.eval(text, source=source)
        if result.diagnostics:
            for d in result.diagnostics:
                _write_err(d.format() + "\n")
            return EXIT_USAGE
        if result.exit_code is not None:
            return int(result.exit_code)
        if result.condition is not None:
            _write_err(result.report + "\n")
            return EXIT_CONDITION
        if result.printed:
            prefix = "" if not result.output or result.output.endswith("\n") else "\n"
            _write_out(prefix + result.printed + "\n")
    return EXIT_OK


def cmd_run(ns: Options) -> int:
    try:
        with open(ns.file, encoding="utf-8-sig") as fh:
            text = fh.read()
    except OSError as exc:
        _write_err(f"omega: cannot read {ns.file}: {exc.strerror}\n")
        return EXIT_USAGE
    rt = _make_runtime(ns, [ns.file, *ns.args])
    return EXIT_USAGE if rt is None else _run_and_report(rt, text, ns.file)


def cmd_eval(expr: str) -> int:
    ns = _parser({"run"}).parse_args(["run", "-"])
    rt = _make_runtime(ns)
    return EXIT_USAGE if rt is None else _run_and_report(rt, expr, "<eval>")


def cmd_check(ns: Options) -> int:
    from .analysis import check_file

    try:
        with open(ns.file, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        _write_err(f"omega: cannot read {ns.file}: {exc.strerror}\n")
        return EXIT_USAGE
    diagnostics = check_file(text, ns.file)
    for d in diagnostics:
        _write_err(d.format() + "\n")
    return EXIT_USAGE if diagnostics else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        return _stdout_closed()
    except KeyboardInterrupt:  # Ctrl-C where a command does not handle it itself (`run`, `-e`)
        return _interrupted()
    finally:
        # What the program left alive is freed at exit by reference counting; frozen, it is also
        # left out of the collections the interpreter runs as it finalizes, which walk every live
        # object several times (a program leaving 400,000 objects took 1.6 s more to exit).
        gc.freeze()


def _interrupted() -> int:
    """Ctrl-C stopped the command: what was written stays, then one line says so."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    sys.stderr.write("interrupted\n")
    return EXIT_INTERRUPTED


def _stdout_closed() -> int:
    """The reader of our output went away (`omega run FILE | head -1`): stop quietly, as Python's
    signal documentation recommends for EPIPE: standard output now goes to /dev/null (so that the
    flush at exit cannot fail again) and the status is 1."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (embedded): nothing left to flush
        pass
    return EXIT_CONDITION


def _main(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    ns: Options | None = _plain_run(args)
    if ns is None:
        ns = _parser({arg for arg in args if arg in _COMMANDS}).parse_args(args)
    if ns.expr is not None:
        return cmd_eval(ns.expr)
    if ns.command == "run":
        return cmd_run(ns)
    if ns.command == "check":
        return cmd_check(ns)
    if ns.command == "repl":
        from .repl import run_repl

        rt = _make_runtime(ns)
        return EXIT_USAGE if rt is None else run_repl(rt)
    if ns.command == "debug":
        from .debug.terminal import run_terminal_debugger
        from .runtime import OmegaRuntime

        return run_terminal_debugger(ns, _config(ns), make_runtime=OmegaRuntime.create)
    if ns.command == "serve":
        from .protocol import serve_forever
        from .runtime import OmegaRuntime

        return serve_forever(ns.host, ns.port, _config(ns), make_runtime=OmegaRuntime.create,
                             connection_file=ns.connection_file, require_token=not ns.no_token)
    _parser(()).print_help(sys.stderr)  # no command: the top level's help, which lists every command
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
