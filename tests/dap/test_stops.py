"""Every stop reason of DEBUGGER.md 7.1, pause while running, and requests while running."""

from __future__ import annotations

import re
import time
from pathlib import Path

from client import DapClient

ENDS_WITH_STEP = re.compile(r"\(?step \d+\)?$")


def start(dap: DapClient, programs: Path, name: str, bps: list[int] | None = None, **attrs: object) -> None:
    dap.initialize()
    dap.launch(programs / name, bps, **attrs)


def check(stop: dict, reason: str) -> dict:
    assert stop["reason"] == reason, stop
    assert stop["threadId"] == 1 and stop["allThreadsStopped"] is True
    assert ENDS_WITH_STEP.search(stop["description"]), stop
    return stop


def test_entry_step_and_goto(dap: DapClient, programs: Path) -> None:
    start(dap, programs, "steps.omega", stopOnEntry=True)
    check(dap.stopped(), "entry")
    dap.ok("stepIn", {"threadId": 1, "granularity": "instruction"})
    check(dap.stopped(), "step")
    dap.ok("next", {"threadId": 1, "granularity": "line"})
    check(dap.stopped(), "step")
    assert dap.ok("omega/gotoStep", {"step": 1}) == {"step": 1}
    check(dap.stopped(), "goto")
    hist = dap.ok("omega/history", {"start": 0, "count": 10})
    assert hist["current"] == 1 and hist["oldest"] == 0 and hist["entries"][0]["step"] == 0
    assert dap.ok("omega/snapshot", {"name": "s"}) == {"name": "s", "step": 1}
    assert dap.ok("omega/reverseStepIn", {"threadId": 1}) == {}
    assert dap.stopped()["reason"] in ("step", "entry")


def test_function_breakpoint_and_restart_frame(dap: DapClient, programs: Path) -> None:
    dap.initialize()
    seq = dap.send("launch", {"program": str(programs / "steps.omega")})
    body = dap.ok("setFunctionBreakpoints", {"breakpoints": [{"name": "square"}]})
    assert body["breakpoints"][0]["verified"] is True  # launch has read the program
    dap.ok("configurationDone")
    dap.response(seq)
    stop = check(dap.stopped(), "function breakpoint")
    assert stop["hitBreakpointIds"] == [body["breakpoints"][0]["id"]]
    assert dap.stack()[0]["name"] == "square"
    dap.ok("restartFrame", {"frameId": 1})
    check(dap.stopped(), "restart")
    dap.ok("setFunctionBreakpoints", {"breakpoints": []})
    dap.ok("stepOut", {"threadId": 1})
    check(dap.stopped(), "step")
    assert dap.stack()[0]["name"] == "sum-squares"


def test_data_breakpoint(dap: DapClient, programs: Path) -> None:
    start(dap, programs, "counter.omega", [3])
    check(dap.stopped(), "breakpoint")
    info = dap.ok("dataBreakpointInfo", {"name": "count", "frameId": 1})
    assert info["dataId"] == "global:count" and info["canPersist"] is True
    bps = dap.ok("setDataBreakpoints", {"breakpoints": [{"dataId": info["dataId"]}]})["breakpoints"]
    dap.ok("continue", {"threadId": 1})
    stop = check(dap.stopped(), "data breakpoint")
    assert stop["hitBreakpointIds"] == [bps[0]["id"]]


def test_exception_filter_signalled(dap: DapClient, programs: Path) -> None:
    start(dap, programs, "stats.omega", filters=["signalled"])
    stop = check(dap.stopped(), "exception")
    assert stop["text"] == "division-by-zero"
    info = dap.ok("exceptionInfo", {"threadId": 1})
    assert info["breakMode"] == "always"


def test_pause_while_running_and_requests_answered_meanwhile(dap: DapClient, programs: Path) -> None:
    start(dap, programs, "spin.omega")
    time.sleep(0.3)
    r = dap.request("stackTrace", {"threadId": 1})
    assert r["success"] is False and r["body"]["error"]["id"] == 1004
    assert dap.ok("threads")["threads"] == [{"id": 1, "name": "main"}]
    t0 = time.monotonic()
    dap.ok("pause", {"threadId": 1})
    check(dap.stopped(), "pause")
    assert time.monotonic() - t0 < 2.0
    assert dap.stack()[0]["name"] == "spin"
    dap.ok("terminate")
    assert dap.event("exited")["body"]["exitCode"] == 1


def test_choice_and_backtrack_interventions(dap: DapClient, programs: Path) -> None:
    start(dap, programs, "pairs.omega", [6])
    dap.stopped()
    dap.ok("omega/chooseAlternative", {"choicePoint": "cp-2", "index": 3})
    check(dap.stopped(), "choice")
    dap.ok("omega/backtrack")
    check(dap.stopped(), "backtrack")
    r = dap.request("omega/chooseAlternative", {"choicePoint": "cp-2"})
    assert r["body"]["error"]["id"] == 1002


def test_transaction_commit(dap: DapClient, programs: Path) -> None:
    start(dap, programs, "tx.omega", [4])
    dap.stopped()
    dap.ok("omega/commit")
    check(dap.stopped(), "transaction")
    r = dap.request("omega/commit")
    assert r["success"] is False and r["body"]["error"]["id"] == 1005


def test_oracle_output_event_and_receipts(dap: DapClient, programs: Path) -> None:
    start(dap, programs, "oracle.omega")
    dap.event("exited")
    oracle = [e["body"] for e in dap.events if e["event"] == "output" and e["body"]["category"] == "oracle"]
    assert len(oracle) == 1
    assert oracle[0]["output"].startswith("[oracle r-") and "What is 2+2?" in oracle[0]["output"]
    assert oracle[0]["data"]["source"] == "live" and "step" in oracle[0]["data"]
    rec = dap.ok("omega/receipts")
    assert rec["total"] == 1 and rec["receipts"][0]["id"] == oracle[0]["data"]["id"]


def test_restart_keeps_breakpoints(dap: DapClient, programs: Path) -> None:
    start(dap, programs, "steps.omega", [10])
    first = check(dap.stopped(), "breakpoint")
    dap.ok("restart")
    again = check(dap.stopped(), "breakpoint")
    assert again["hitBreakpointIds"] == first["hitBreakpointIds"]


def test_evaluate_set_variable_and_completions(dap: DapClient, programs: Path) -> None:
    start(dap, programs, "steps.omega", [3])
    dap.stopped()
    ev = dap.ok("evaluate", {"expression": "(* x 10)", "frameId": 1, "context": "watch"})
    assert ev["result"] == "30" and ev["type"] == "integer"
    r = dap.request("evaluate", {"expression": "(car '())", "frameId": 1, "context": "watch"})
    assert r["body"]["error"]["id"] == 1006
    locals_ref = dap.ok("scopes", {"frameId": 1})["scopes"][0]["variablesReference"]
    body = dap.ok("setVariable", {"variablesReference": locals_ref, "name": "x", "value": "5"})
    assert body["value"] == "5"
    assert dap.ok("evaluate", {"expression": "x", "frameId": 1, "context": "hover"})["result"] == "5"
    comps = dap.ok("completions", {"text": "(squ", "column": 5, "frameId": 1})["targets"]
    assert any(t["label"] == "square" for t in comps)


def test_progress_of_a_long_run_with_its_share_of_a_steps_budget_and_cancel(dap: DapClient, programs: Path) -> None:
    dap.initialize(supportsProgressReporting=True)
    dap.launch(programs / "spin.omega", budget={"steps": 200_000_000})
    begin = dap.event("progressStart", timeout=20)["body"]
    assert begin["title"] == "Running spin.omega" and begin["cancellable"] is True
    first = dap.event("progressUpdate", timeout=20)["body"]
    second = dap.event("progressUpdate", timeout=20)["body"]
    assert first["progressId"] == second["progressId"] == begin["progressId"]
    assert re.fullmatch(r"step [\d,]+", second["message"])
    assert 0 < first["percentage"] <= second["percentage"] < 100
    dap.ok("cancel", {"progressId": begin["progressId"]})  # cancelling the progress pauses the run
    check(dap.stopped(), "pause")
    assert dap.event("progressEnd")["body"]["progressId"] == begin["progressId"]
    dap.ok("terminate")
    assert dap.event("exited")["body"]["exitCode"] == 1


def test_progress_of_an_unbudgeted_run_has_no_percentage(dap: DapClient, programs: Path) -> None:
    dap.initialize(supportsProgressReporting=True)
    dap.launch(programs / "spin.omega")
    assert dap.event("progressStart", timeout=20)["body"]["cancellable"] is True
    assert "percentage" not in dap.event("progressUpdate", timeout=20)["body"]
    dap.ok("pause", {"threadId": 1})
    check(dap.stopped(), "pause")


def test_code_defined_in_the_debug_console_is_a_repl_source(dap: DapClient, programs: Path) -> None:
    start(dap, programs, "steps.omega", [6])
    check(dap.stopped(), "breakpoint")
    text = "(set! square (lambda (x) (+ x 100)))"
    dap.ok("evaluate", {"expression": text, "frameId": 1, "context": "repl"})
    assert "State changed: square written" in dap.output("console")
    dap.ok("stepIn", {"threadId": 1})
    check(dap.stopped(), "step")
    top = dap.stack()[0]
    assert top["name"] == "<lambda>" and top["source"]["name"].startswith("<repl-"), top
    assert dap.ok("source", {"source": top["source"], "sourceReference": top["source"]["sourceReference"]}) \
        == {"content": text, "mimeType": "text/x-omega"}
    assert dap.event("loadedSource")["body"] == {"reason": "new", "source": top["source"]}
    assert dap.ok("loadedSources")["sources"] == [
        {"name": "steps.omega", "path": str(programs / "steps.omega")}, top["source"]]
    dap.ok("continue", {"threadId": 1})
    dap.event("exited")
    assert dap.output("stdout") == "207\n"


def test_a_breakpoint_set_while_the_program_runs_stops_it(dap: DapClient, tmp_path: Path) -> None:
    program = tmp_path / "loop.omega"
    program.write_text("(define (spin n)\n  (spin (+ n 1)))\n(spin 0)\n", encoding="utf-8")
    dap.initialize()
    dap.launch(program)
    time.sleep(0.3)  # running: the loop never ends by itself
    bps = dap.ok("setBreakpoints", {"source": {"path": str(program)}, "breakpoints": [{"line": 2}]})["breakpoints"]
    assert bps[0]["verified"] is True
    stop = check(dap.stopped(), "breakpoint")
    assert stop["hitBreakpointIds"] == [bps[0]["id"]]
    assert dap.stack()[0]["name"] == "spin"
    dap.ok("setBreakpoints", {"source": {"path": str(program)}, "breakpoints": []})
    dap.ok("continue", {"threadId": 1})
    time.sleep(0.3)
    dap.ok("pause", {"threadId": 1})
    check(dap.stopped(), "pause")  # the removed breakpoint no longer stops it
