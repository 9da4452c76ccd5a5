"""Session lifecycle, transports and error responses (DEBUGGER.md 1-5)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from client import ROOT, DapClient, server_command

from omega_runtime.debug.breakpoints import EXCEPTION_FILTERS


def error_id(r: dict) -> int:
    assert r["success"] is False, r
    return int(r["body"]["error"]["id"])


def test_initialize_has_exactly_the_42_keys_and_seven_filters(dap: DapClient) -> None:
    caps = dap.initialize()
    assert len(caps) == 42
    assert caps["supportsStepBack"] is True and caps["supportsModulesRequest"] is False
    assert caps["completionTriggerCharacters"] == ["(", "$"]
    filters = caps["exceptionBreakpointFilters"]
    assert [(f["filter"], f["label"], f["default"]) for f in filters] == [f[:3] for f in EXCEPTION_FILTERS]
    assert all(f["supportsCondition"] for f in filters)
    # initialized comes right after the response
    i = dap.index_of(lambda m: m.get("command") == "initialize")
    assert dap.messages[i + 1]["event"] == "initialized"


def test_error_responses(dap: DapClient, programs: Path) -> None:
    dap.initialize()
    assert error_id(dap.request("readMemory", {"memoryReference": "0"})) == 1001
    r = dap.request("frobnicate")
    assert error_id(r) == 1001 and r["message"] == 'Unknown request "frobnicate"'
    dap.send_json({"seq": 77, "type": "request"})
    r = dap.response(77)
    assert r["command"] == "unknown" and error_id(r) == 1002
    assert error_id(dap.request("stackTrace", {"threadId": 1})) == 1004
    assert error_id(dap.request("setBreakpoints", {})) == 1002
    r = dap.request("setBreakpoints", {"source": {"path": str(programs / "pairs.omega")}, "breakpoints": [{"line": "x"}]})
    assert error_id(r) == 1002
    dap.send_raw(b"Content-Length: 5\r\n\r\n{oops")
    r = dap.request("threads")
    assert r["success"]
    assert "not JSON" in dap.output("console")
    r = dap.request("launch", {"program": str(programs / "missing.omega")})
    assert error_id(r) == 1008 and r["body"]["error"]["showUser"] is True
    assert "no such file" in r["message"]
    assert error_id(dap.request("launch", {"program": 5})) == 1002
    r = dap.request("launch", {"program": str(programs / "pairs.omega"), "stopOnEntry": "yes"})
    assert error_id(r) == 1002 and "stopOnEntry" in r["message"]


def test_reader_errors_fail_the_launch_with_stderr_diagnostics(dap: DapClient, programs: Path) -> None:
    dap.initialize()
    r = dap.request("launch", {"program": str(programs / "bad.omega")})
    assert error_id(r) == 1008
    assert "bad.omega:" in r["message"]
    assert "error" in dap.output("stderr")


def test_breakpoints_before_launch_are_verified_from_the_file(dap: DapClient, programs: Path) -> None:
    dap.initialize()
    body = dap.ok("setBreakpoints", {"source": {"path": str(programs / "pairs.omega")},
                                     "breakpoints": [{"line": 5}, {"line": 40}]})
    a, b = body["breakpoints"]
    assert (a["verified"], a["line"], a["column"]) == (True, 6, 5)
    assert b["verified"] is False and b["reason"] == "failed"
    bl = dap.ok("breakpointLocations", {"source": {"path": str(programs / "pairs.omega")}, "line": 6})
    assert {"line": 6, "column": 5, "endLine": 6, "endColumn": 22} in bl["breakpoints"]
    dap.launch(programs / "pairs.omega")
    stop = dap.stopped()
    assert stop["reason"] == "breakpoint" and stop["hitBreakpointIds"] == [a["id"]]


def test_launch_waits_for_configuration_done_and_sends_process_and_thread(dap: DapClient, programs: Path) -> None:
    dap.initialize()
    seq = dap.send("launch", {"program": str(programs / "counter.omega")})
    dap.ok("configurationDone")
    assert dap.response(seq)["success"]
    assert dap.event("process")["body"]["startMethod"] == "launch"
    dap.event("thread")
    names = [m.get("command") or m.get("event") for m in dap.messages]
    assert names.index("configurationDone") < names.index("launch") < names.index("process") < names.index("thread")
    assert dap.event("exited")["body"]["exitCode"] == 0
    dap.event("terminated")
    assert dap.output("stdout") == "2"


def test_zero_based_lines_and_uri_paths(dap: DapClient, programs: Path) -> None:
    dap.initialize(linesStartAt1=False, columnsStartAt1=False, pathFormat="uri")
    uri = (programs / "pairs.omega").as_uri()
    seq = dap.send("launch", {"program": str(programs / "pairs.omega")})
    body = dap.ok("setBreakpoints", {"source": {"path": uri}, "breakpoints": [{"line": 5}]})
    assert (body["breakpoints"][0]["line"], body["breakpoints"][0]["column"]) == (5, 4)
    dap.ok("configurationDone")
    dap.response(seq)
    dap.stopped()
    top = dap.stack()[0]
    assert (top["line"], top["column"]) == (5, 4)
    assert top["source"]["path"] == uri


def test_tcp_sessions_are_independent_and_logged(programs: Path, tmp_path: Path) -> None:
    log = tmp_path / "dap.log"
    a = DapClient.tcp("--log", str(log))
    try:
        a.initialize()
        a.launch(programs / "counter.omega")
        assert a.event("exited")["body"]["exitCode"] == 0
        assert a.output("stdout") == "2"
        assert a.schema_errors == []
    finally:
        a.close()
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert {x.get("dir") for x in lines} >= {"recv", "send"}


def test_bad_command_line_exits_2() -> None:
    p = subprocess.run(server_command("--port", "notaport"), capture_output=True, cwd=ROOT, timeout=30)
    assert p.returncode == 2 and b"usage" in p.stderr.lower()


def test_stdio_exits_0_on_eof() -> None:
    p = subprocess.run([sys.executable, "-m", "omega_dap"], input=b"", capture_output=True, cwd=ROOT, timeout=30)
    assert p.returncode == 0 and p.stdout == b""
