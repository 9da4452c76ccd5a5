"""The worked transcripts of DEBUGGER.md 14 as golden conversations (step numbers and reference
numbers are illustrative there, so they are checked for shape, the rest exactly)."""

from __future__ import annotations

import re
from pathlib import Path

from client import DapClient

STEP = re.compile(r"\(step \d+\)$")


def start_pairs(dap: DapClient, programs: Path) -> list[dict]:
    dap.initialize()
    return dap.launch(programs / "pairs.omega", [5, 40])


def test_14_1_start_breakpoints_first_stop(dap: DapClient, programs: Path) -> None:
    bps = start_pairs(dap, programs)
    assert {k: bps[0][k] for k in ("id", "verified", "line", "column", "endLine", "endColumn", "message")} == {
        "id": 1, "verified": True, "line": 6, "column": 5, "endLine": 6, "endColumn": 22,
        "message": "Moved from line 5: no expression starts there"}
    assert {k: bps[1][k] for k in ("id", "verified", "reason", "message")} == {
        "id": 2, "verified": False, "reason": "failed", "message": "Line 40 is past the end of pairs.omega (9 lines)"}
    process = dap.event("process")["body"]
    assert (process["name"], process["startMethod"], process["isLocalProcess"]) == ("pairs.omega", "launch", True)
    assert dap.event("thread")["body"] == {"reason": "started", "threadId": 1}
    stop = dap.stopped()
    assert stop["reason"] == "breakpoint" and stop["hitBreakpointIds"] == [1]
    assert stop["allThreadsStopped"] is True and stop["threadId"] == 1
    assert re.fullmatch(r"Paused on breakpoint 1 \(step \d+\)", stop["description"])


def test_14_2_scopes_inside_the_amb_search(dap: DapClient, programs: Path) -> None:
    start_pairs(dap, programs)
    dap.stopped()
    frames = dap.stack()
    assert [(f["name"], f["line"], f["column"], f["endLine"], f["endColumn"]) for f in frames[:1]] == [
        ("pick-pair", 6, 5, 6, 22)]
    assert frames[-1]["name"] == "<top-level>"
    scopes = dap.ok("scopes", {"frameId": 1})["scopes"]
    assert [(s["name"], s.get("namedVariables"), s["expensive"]) for s in scopes] == [
        ("Locals", 2, False), ("Closure", 0, False), ("Globals", 1, True), ("Choice Points", 2, False),
        ("Budget", 5, False)]
    assert scopes[0]["presentationHint"] == "locals"
    cps = dap.ok("variables", {"variablesReference": scopes[3]["variablesReference"]})["variables"]
    assert [(v["name"], v["value"], v["type"], v["namedVariables"]) for v in cps] == [
        ("cp-2", "amb at pairs.omega:4:12 · alternative 1 of 3 · 2 left", "choice point", 7),
        ("cp-1", "amb at pairs.omega:3:12 · alternative 1 of 3 · 2 left", "choice point", 7)]
    kids = dap.ok("variables", {"variablesReference": cps[0]["variablesReference"]})["variables"]
    assert [(v["name"], v["value"]) for v in kids][:2] == [("id", "cp-2"), ("location", "pairs.omega:4:12")]
    assert [v["name"] for v in kids] == ["id", "location", "created", "depth", "boundary", "tried", "remaining"]
    assert [(v["name"], v["value"]) for v in kids[3:6]] == [("depth", "2"), ("boundary", "top-level form"),
                                                           ("tried", "1")]
    rem = kids[6]
    assert (rem["value"], rem["indexedVariables"]) == ("#2 2 · #3 3", 2)
    alts = dap.ok("variables", {"variablesReference": rem["variablesReference"], "filter": "indexed",
                                "start": 0, "count": 2})["variables"]
    assert [(v["name"], v["value"], v["type"]) for v in alts] == [
        ("#2", "2   (pairs.omega:4:19)", "alternative"), ("#3", "3   (pairs.omega:4:21)", "alternative")]
    # references are stable within the stop, and expire when the program moves
    again = dap.ok("scopes", {"frameId": 1})["scopes"]
    assert [s["variablesReference"] for s in again] == [s["variablesReference"] for s in scopes]
    dap.ok("next", {"threadId": 1})
    dap.stopped()
    r = dap.request("variables", {"variablesReference": rem["variablesReference"]})
    assert r["success"] is False and r["body"]["error"]["id"] == 1003
    assert "has expired" in r["message"]


def test_14_3_stepping_across_a_backtrack_then_back(dap: DapClient, programs: Path) -> None:
    start_pairs(dap, programs)
    first = dap.stopped()
    dap.ok("next", {"threadId": 1})
    stop = dap.stopped()
    assert stop["reason"] == "backtrack"
    assert re.fullmatch(r"Backtracked to cp-2 \(amb at pairs\.omega:4:12\): alternative 2 of 3 \(step \d+\)",
                        stop["description"])
    assert "hitBreakpointIds" not in stop
    top = dap.stack()[0]
    assert (top["line"], top["column"], top["endLine"], top["endColumn"]) == (4, 19, 4, 20)
    seq = dap.send("stepBack", {"threadId": 1})
    dap.response(seq)
    back = dap.stopped()
    i_resp = dap.index_of(lambda m: m.get("request_seq") == seq)
    i_stop = dap.index_of(lambda m: m.get("event") == "stopped" and m["body"]["reason"] == "step")
    assert i_resp < i_stop  # a jump answers, then stops (no `invalidated`: DEBUGGER.md 7.1)
    step = int(first["description"].rsplit(" ", 1)[1].rstrip(")"))
    assert back == {"reason": "step", "description": f"Stepped back to step {step}", "threadId": 1,
                    "allThreadsStopped": True}
    amb = dap.ok("evaluate", {"expression": "$amb", "frameId": 1, "context": "watch"})
    assert (amb["result"], amb["type"], amb["namedVariables"]) == ("2 pending choice points", "choice points", 2)
    assert amb["variablesReference"] > 0
    dap.ok("next", {"threadId": 1})
    again = dap.stopped()
    assert again["reason"] == "backtrack" and again["description"] == stop["description"]
    dap.ok("setBreakpoints", {"source": {"path": str(programs / "pairs.omega")}, "breakpoints": []})
    dap.ok("continue", {"threadId": 1})
    assert dap.event("exited")["body"]["exitCode"] == 0
    assert dap.output("stdout") == "(2 1)"


def start_stats(dap: DapClient, programs: Path) -> dict:
    dap.initialize()
    dap.launch(programs / "stats.omega")
    return dap.stopped()


def test_14_4_an_uncaught_condition(dap: DapClient, programs: Path) -> None:
    stop = start_stats(dap, programs)
    assert stop["reason"] == "exception" and stop["text"] == "division-by-zero"
    assert re.fullmatch(r"Uncaught division-by-zero: /: division by zero \(step \d+\)", stop["description"])
    info = dap.ok("exceptionInfo", {"threadId": 1})
    trace = "  at average (stats.omega:1:22)\n  at report (stats.omega:2:30)\n  at <top-level> (stats.omega:3:1)"
    assert info == {"exceptionId": "division-by-zero", "description": "/: division by zero", "breakMode": "unhandled",
                    "details": {"message": "stats.omega:1:22: division-by-zero: /: division by zero",
                                "typeName": "division-by-zero", "fullTypeName": "division-by-zero (error condition)",
                                "evaluateName": "$conditions", "stackTrace": trace}}
    assert dap.ok("continue", {"threadId": 1}) == {"allThreadsContinued": True}
    assert dap.event("exited")["body"] == {"exitCode": 1}
    dap.event("terminated")
    assert dap.output("stderr") == "stats.omega:1:22: division-by-zero: /: division by zero\n" + trace + "\n"


def test_14_4_invoke_restart_use_value(dap: DapClient, programs: Path) -> None:
    start_stats(dap, programs)
    # the restart is an intervention: response, then stopped (reason restart)
    assert dap.ok("omega/invokeRestart", {"name": "use-value", "args": ["0"]}) == {}
    restart = dap.stopped()
    assert restart["reason"] == "restart"
    dap.ok("continue", {"threadId": 1})
    assert dap.event("exited")["body"]["exitCode"] == 0
    assert dap.output("stdout") == "0"
