"""Defects real editors exposed (issue 13, section 2), each pinned through the wire protocol."""

from __future__ import annotations

from pathlib import Path

from client import DapClient

# The program: the only backtrack happens inside (f), on line 2.
BACKTRACK_ON_LINE_2 = """(define (f) (let ((x (amb 1 2 3))) (require (> x 1)) x))
(define a (f))
(define b (+ a 1))
(define c (+ b 1))
(define d (+ c 1))
(display d)
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_backtrack_is_credited_to_the_step_that_backtracked(dap: DapClient, tmp_path: Path) -> None:
    """Defect 1: a backtrack noticed during a step belongs to that step, in the record (history
    summaries) and when the record is replayed (a `next` over recorded entries)."""
    program = write(tmp_path, "credit.omega", BACKTRACK_ON_LINE_2)
    dap.initialize()
    dap.launch(program, [4])
    assert dap.stopped()["reason"] == "breakpoint"
    entries = dap.ok("omega/history", {"start": 0, "count": 1000})["entries"]
    backtracks = [e for e in entries if e["summary"].startswith("backtrack")]
    assert [e["summary"] for e in backtracks] == \
        ["backtrack to cp-1 #2 of 3 after (require (> x 1)) failed at credit.omega:1:36"]
    # The entry the backtrack made is the resumed alternative: the `2` of `(amb 1 2 3)`.
    assert (backtracks[0]["line"], backtracks[0]["column"]) == (1, 29), backtracks
    dap.ok("stepBack", {"threadId": 1})
    assert dap.stopped()["reason"] == "step"
    dap.ok("next", {"threadId": 1})
    stop = dap.stopped()
    assert stop["reason"] == "step", stop
    assert dap.stack()[0]["line"] == 4


TRANSACTIONS = """(define balance 100)
(define (pay! n)
  (with-transaction
    (set! balance (- balance n))
    (display balance)))
(pay! 30)
(with-transaction
  (set! balance 50)
  (display balance))
(display (fixpoint (lambda (x) (if (< x 3) (+ x 1) x)) 0))
"""


def vscode_focus(frames: list[dict], reason: str) -> dict:
    """The frame VS Code 1.100 focuses at a stop (Thread.getTopStackFrame, read in code-server
    4.100.3's workbench.js): the first frame with a source, where a stop for a breakpoint, a
    function breakpoint or a step takes it even when the frame or its source is deemphasized."""
    def deemphasized(f: dict) -> bool:
        return (f.get("presentationHint") or f["source"].get("presentationHint")) in ("deemphasize", "subtle")
    return next(f for f in frames
                if f.get("source") and (reason in ("breakpoint", "step", "function breakpoint") or not deemphasized(f)))


def test_the_focused_frame_is_the_activation_at_the_stopped_expression(dap: DapClient, tmp_path: Path) -> None:
    """Defect 2: extent frames are labels VS Code does not focus; their names carry their state."""
    program = write(tmp_path, "tx.omega", TRANSACTIONS)
    dap.initialize()
    dap.launch(program, [5, 9])
    assert dap.stopped()["reason"] == "breakpoint"
    frames = dap.stack()
    focus = vscode_focus(frames, "breakpoint")
    assert (focus["name"], focus["line"], focus["column"]) == ("pay!", 5, 5)
    assert frames[0]["name"] == "with-transaction tx-1 · open · 1 proposal"
    assert frames[0]["presentationHint"] == "label"
    dap.ok("continue", {"threadId": 1})
    assert dap.stopped()["reason"] == "breakpoint"
    frames = dap.stack()
    focus = vscode_focus(frames, "breakpoint")
    assert (focus["name"], focus["line"], focus["column"]) == ("<top-level>", 9, 3)
    assert [f["name"] for f in frames if f.get("presentationHint") == "label"] == \
        ["with-transaction tx-2 · open · 1 proposal"]
    # Inside a fixpoint's step: the lambda is focused, the iteration is a label below it.
    dap.ok("setFunctionBreakpoints", {"breakpoints": [{"name": "<"}]})
    dap.ok("continue", {"threadId": 1})
    assert dap.stopped()["reason"] == "function breakpoint"
    frames = dap.stack()
    assert vscode_focus(frames, "function breakpoint")["line"] == 10
    labels = [f for f in frames if f.get("presentationHint") == "label"]
    assert [f["name"] for f in labels] == ["fp-1 · iteration 0 of 1000"]
    assert all("source" not in f for f in labels)


def test_a_jump_answers_then_stops_without_invalidated(dap: DapClient, programs: Path) -> None:
    """Defect 3 (DEBUGGER.md 7.1 as amended): `invalidated` before `stopped` made VS Code drop the
    stop's description; a jump sends its response, then `stopped`, and nothing else."""
    dap.initialize()
    dap.launch(programs / "steps.omega", [10])
    assert dap.stopped()["reason"] == "breakpoint"
    jumps = [("stepBack", {"threadId": 1}, "step"), ("omega/reverseStepIn", {"threadId": 1}, "step"),
             ("reverseContinue", {"threadId": 1}, "entry"), ("omega/gotoStep", {"step": 5}, "goto"),
             ("restartFrame", {"frameId": 1}, "restart")]
    for command, args, reason in jumps:
        seq = dap.send(command, args)
        assert dap.response(seq)["success"]
        assert dap.stopped()["reason"] == reason, command
        i_resp = dap.index_of(lambda m, seq=seq: m.get("request_seq") == seq)
        after = dap.messages[i_resp + 1:]
        assert [m.get("event") for m in after if m.get("event") in ("stopped", "invalidated")] == ["stopped"], command
    # A change without a stop is announced by `invalidated`.
    dap.ok("setVariable", {"variablesReference": globals_ref(dap), "name": "square", "value": "5"})
    assert dap.event("invalidated")["body"]["areas"] == ["variables"]
    assert not [m for m in dap.events if m["event"] == "invalidated" and m["body"]["areas"] == ["all"]]


def globals_ref(dap: DapClient) -> int:
    frame = dap.stack()[-1]["id"]
    scopes = dap.ok("scopes", {"frameId": frame})["scopes"]
    return int(next(s["variablesReference"] for s in scopes if s["name"] == "Globals"))


def test_step_in_target_ends_where_step_in_does(programs: Path) -> None:
    """Defect 4: stepIn with a targetId stopped one step early, on the whole `define` of the
    callee; it ends at the body's first statement, the very stop of a plain stepIn."""
    ends = []
    for use_target in (False, True):
        dap = DapClient.stdio()
        try:
            dap.initialize()
            dap.launch(programs / "steps.omega", [9])
            assert dap.stopped()["reason"] == "breakpoint"
            args: dict = {"threadId": 1}
            if use_target:
                targets = dap.ok("stepInTargets", {"frameId": 1})["targets"]
                assert [t["label"] for t in targets] == ["(sum-squares 3 4)"]
                args["targetId"] = targets[0]["id"]
            dap.ok("stepIn", args)
            stop = dap.stopped()
            top = dap.stack()[0]
            ends.append((stop["reason"], stop["description"].rsplit(" ", 1)[1],
                         top["name"], top["line"], top["column"], top["endLine"], top["endColumn"]))
        finally:
            dap.close()
        assert dap.schema_errors == []
    assert ends[0] == ("step", "17)", "sum-squares", 6, 3, 7, 17)
    assert ends[1] == ends[0]


def test_logpoint_output_is_located_at_its_breakpoint(dap: DapClient, programs: Path) -> None:
    """Defect 5: a logpoint's `output` event carries the breakpoint's source and line (6.2), live
    and while moving over the record."""
    path = programs / "counter.omega"
    dap.initialize()
    seq = dap.send("launch", {"program": str(path)})
    dap.ok("setBreakpoints", {"source": {"path": str(path)},
                              "breakpoints": [{"line": 4, "logMessage": "count is {count}"}, {"line": 5}]})
    dap.ok("configurationDone")
    assert dap.response(seq)["success"]
    assert dap.stopped()["reason"] == "breakpoint"
    dap.ok("reverseContinue", {"threadId": 1})
    dap.stopped()
    dap.ok("continue", {"threadId": 1})
    dap.stopped()
    logs = [e["body"] for e in dap.events if e["event"] == "output" and e["body"]["output"] == "count is 1\n"]
    assert len(logs) == 2  # live, then over the record
    for body in logs:
        assert body["category"] == "console"
        assert body["source"] == {"name": "counter.omega", "path": str(path)}
        assert (body["line"], body["column"]) == (4, 1)


def located(frame: dict) -> tuple:
    return frame["name"], frame["line"], frame["column"], frame["endLine"], frame["endColumn"], \
        frame["source"]["name"]


def test_top_frame_after_invoke_restart_is_located(dap: DapClient, programs: Path) -> None:
    """Defect 6: after `omega/invokeRestart` the top frame showed line 0 and no source; it shows
    the expression whose value the restart returns, the division."""
    dap.initialize()
    dap.launch(programs / "stats.omega")
    assert dap.stopped()["reason"] == "exception"
    dap.ok("omega/invokeRestart", {"name": "use-value", "args": ["0"]})
    assert dap.stopped()["reason"] == "restart"
    assert located(dap.stack()[0]) == ("average", 1, 22, 1, 50, "stats.omega")


def test_data_breakpoint_stop_is_located_and_described(dap: DapClient, programs: Path) -> None:
    """Defect 6: a data-breakpoint stop is located at the accessing expression and described by
    the variable with its old and new values (DEBUGGER.md 6.4)."""
    path = programs / "counter.omega"
    dap.initialize()
    dap.launch(path, [3])
    assert dap.stopped()["reason"] == "breakpoint"
    info = dap.ok("dataBreakpointInfo", {"frameId": 1, "name": "count"})
    assert (info["dataId"], info["description"]) == ("global:count", "count (global)")
    bps = dap.ok("setDataBreakpoints", {"breakpoints": [{"dataId": "global:count"}]})["breakpoints"]
    dap.ok("continue", {"threadId": 1})
    stop = dap.stopped()
    assert (stop["reason"], stop["hitBreakpointIds"]) == ("data breakpoint", [bps[0]["id"]])
    assert stop["description"].startswith("count changed: 0 → 1 (step ")
    assert located(dap.stack()[0]) == ("bump!", 2, 17, 2, 41, "counter.omega")  # (set! count (+ count 1))
    dap.ok("continue", {"threadId": 1})
    assert dap.stopped()["description"].startswith("count changed: 1 → 2 (step ")


SPECIAL_RESULTS = {"$amb": "2 pending choice points", "$tx": "none", "$fixpoint": "none", "$facts": "none",
                   "$oracle": "none", "$conditions": "none"}


def test_special_names_work_in_every_context(dap: DapClient, programs: Path) -> None:
    """Defect 7 (DEBUGGER.md 10.1 as amended): every client's Debug Console sends `repl`; the `$`
    names answer there as in the Watch panel, and change nothing."""
    dap.initialize()
    dap.launch(programs / "pairs.omega", [6])
    assert dap.stopped()["reason"] == "breakpoint"
    newest = dap.ok("omega/history", {"start": 0, "count": 1})["total"]
    for context in ("repl", "watch", "hover", "clipboard", "variables"):
        for name, result in SPECIAL_RESULTS.items():
            body = dap.ok("evaluate", {"expression": name, "frameId": 1, "context": context})
            assert body["result"] == result, (context, name)
        amb = dap.ok("evaluate", {"expression": " $amb ", "frameId": 1, "context": context})
        assert (amb["type"], amb["namedVariables"]) == ("choice points", 2)
        kids = dap.ok("variables", {"variablesReference": amb["variablesReference"]})["variables"]
        assert [k["name"] for k in kids] == ["cp-2", "cp-1"]
        assert dap.ok("evaluate", {"expression": "$budget", "frameId": 1, "context": context})["type"] == "budget"
        step = dap.ok("evaluate", {"expression": "$step", "frameId": 1, "context": context})
        assert step["variablesReference"] > 0
    assert dap.ok("omega/history", {"start": 0, "count": 1})["total"] == newest  # no history entry
    assert not [e for e in dap.events if e["event"] == "invalidated"]


def test_evaluation_errors_never_pop_a_notification(dap: DapClient, programs: Path) -> None:
    """Defect 8 (DEBUGGER.md 5 as amended): 1006 has showUser false in every context (the console
    and the watch show it themselves)."""
    dap.initialize()
    dap.launch(programs / "pairs.omega", [6])
    assert dap.stopped()["reason"] == "breakpoint"
    for context in ("repl", "watch", "hover", "clipboard", "variables"):
        for expression in ("(car '())", "(+ 1", "nope"):
            r = dap.request("evaluate", {"expression": expression, "frameId": 1, "context": context})
            assert r["success"] is False and r["body"]["error"]["id"] == 1006, (context, expression)
            assert r["body"]["error"]["showUser"] is False, (context, expression)
    for args in ({"expression": "x", "value": "(car '())", "frameId": 1},):
        r = dap.request("setExpression", args)
        assert (r["body"]["error"]["id"], r["body"]["error"]["showUser"]) == (1006, False)
    r = dap.request("omega/invokeRestart", {"name": "use-value", "args": ["(car '())"]})
    assert r["success"] is False and r["body"]["error"]["showUser"] is (r["body"]["error"]["id"] != 1006)


def test_vscode_attributes_are_accepted_silently(dap: DapClient, programs: Path) -> None:
    """Defect 12: VS Code's own launch attributes (its launch.json schema for every debugger) are
    not "unknown"; other unknown attributes still get one console warning."""
    dap.initialize()
    dap.launch(programs / "steps.omega", debugServer=4711, preLaunchTask="build", postDebugTask="clean",
               presentation={"hidden": False}, internalConsoleOptions="neverOpen", suppressMultipleSessionWarning=True,
               linux={"args": []}, __sessionId="abc", flavour="strawberry")
    dap.event("terminated")
    assert "launch: ignoring unknown attributes: flavour\n" in dap.output("console")
    assert "debugServer" not in dap.output("console")


def test_program_state_entries_are_not_greyed_out(dap: DapClient, programs: Path) -> None:
    """Defect 12: VS Code fades variables whose presentationHint kind is `virtual`; the entries of
    the Choice Points scope are the program's state, read-only but not virtual. A 2-frame stack
    paged as VS Code pages it (1 frame, then the rest) says exactly 2 frames."""
    dap.initialize()
    dap.launch(programs / "pairs.omega", [6])
    assert dap.stopped()["reason"] == "breakpoint"
    first = dap.ok("stackTrace", {"threadId": 1, "startFrame": 0, "levels": 1})
    rest = dap.ok("stackTrace", {"threadId": 1, "startFrame": 1, "levels": 19})
    assert (len(first["stackFrames"]), first["totalFrames"], len(rest["stackFrames"]), rest["totalFrames"]) == (1, 2, 1, 2)
    scopes = dap.ok("scopes", {"frameId": 1})["scopes"]
    ref = next(s["variablesReference"] for s in scopes if s["name"] == "Choice Points")
    entries = dap.ok("variables", {"variablesReference": ref})["variables"]
    assert [e["name"] for e in entries] == ["cp-2", "cp-1"]
    for e in entries:
        assert e["presentationHint"] == {"attributes": ["readOnly"]}, e


AVERAGE = """(define (average xs)
  (/ (apply + xs)
     (length xs)))
(display (map (lambda (n) (average (list n 3))) '(1)))
"""


def test_stack_trace_format_and_include_all_paging(dap: DapClient, tmp_path: Path) -> None:
    """DEBUGGER.md 8: `format` renders parameters and lines; `includeAll` adds each activation's
    raw continuation frames, and `totalFrames` stays exact for the list the client pages through:
    the pages concatenated are the whole list, and a raw frame's scopes are its activation's."""
    program = write(tmp_path, "average.omega", AVERAGE)
    dap.initialize()
    dap.launch(program, [3])
    assert dap.stopped()["reason"] == "breakpoint"
    named = dap.ok("stackTrace", {"threadId": 1, "format": {"parameters": True, "line": True}})["stackFrames"]
    assert named[0]["name"] == "average(xs = (1 3)) line 3", named[0]
    whole = dap.ok("stackTrace", {"threadId": 1, "format": {"includeAll": True}})
    frames, total = whole["stackFrames"], whole["totalFrames"]
    raw = [f for f in frames if f["id"] >= 100_000]
    assert raw and total == len(frames), (total, frames)
    pages = [dap.ok("stackTrace", {"threadId": 1, "startFrame": i, "levels": 2, "format": {"includeAll": True}})
             for i in range(0, total, 2)]
    assert [f for p in pages for f in p["stackFrames"]] == frames
    # Every source a frame names is one the client can open.
    for f in frames:
        if "source" in f and "sourceReference" in f["source"]:
            dap.ok("source", {"source": f["source"], "sourceReference": f["source"]["sourceReference"]})
    assert {p["totalFrames"] for p in pages} == {total}
    at = frames.index(raw[0])
    owner = next(f["id"] for f in reversed(frames[:at]) if f["id"] < 100_000)
    names = [s["name"] for s in dap.ok("scopes", {"frameId": raw[0]["id"]})["scopes"]]
    assert names == [s["name"] for s in dap.ok("scopes", {"frameId": owner})["scopes"]]
