"""Fibers are DAP threads (DEBUGGER.md 7.3): ids from 2 in creation order, `thread` events, each
thread's own stack, the stop naming the fiber that caused it, variables of a suspended fiber."""

from __future__ import annotations

from pathlib import Path

from client import DapClient

PROGRAM = """(define ch (make-channel))
(define (worker name)
  (lambda ()
    (let ((got (channel-receive ch)))
      (list name got))))
(define a (spawn (worker 'alpha) "alpha"))
(define b (spawn (lambda () (channel-send ch 42) 'sent) "beta"))
(define (main-loop)
  (display (join a)))
(main-loop)
"""


def test_fibers_are_threads_with_their_own_stacks(dap: DapClient, tmp_path: Path) -> None:
    prog = tmp_path / "fibers.omega"
    prog.write_text(PROGRAM, encoding="utf-8")
    dap.initialize()
    dap.launch(prog, bps=[5, 9])
    stop = dap.stopped()
    # The first stop is in fiber alpha (line 5 runs after it received 42): the stop names it.
    threads = {t["id"]: t["name"] for t in dap.ok("threads")["threads"]}
    assert threads[1] == "main" and threads[2] == "alpha"
    assert stop["threadId"] in threads
    started = [e["body"]["threadId"] for e in dap.events if e["event"] == "thread" and e["body"]["reason"] == "started"]
    assert 2 in started
    own = dap.ok("stackTrace", {"threadId": stop["threadId"]})
    assert own["totalFrames"] >= 1 and own["stackFrames"][0]["line"] in (5, 9)
    ids = {f["id"] for f in own["stackFrames"]}
    for tid in threads:
        if tid == stop["threadId"]:
            continue
        other = dap.ok("stackTrace", {"threadId": tid})
        assert {f["id"] for f in other["stackFrames"]}.isdisjoint(ids)
        if other["stackFrames"]:
            frame = other["stackFrames"][0]
            scopes = dap.ok("scopes", {"frameId": frame["id"]})["scopes"]
            assert scopes and scopes[0]["name"] in ("Locals", "Choice Points", "Budget")
    bad = dap.request("stackTrace", {"threadId": 99})
    assert not bad["success"] and bad["body"]["error"]["id"] == 1003
    dap.ok("continue", {"threadId": stop["threadId"]})
    dap.stopped()
    dap.ok("continue", {"threadId": 1})
    dap.event("terminated")
    assert not dap.schema_errors, dap.schema_errors
