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
    assert [e["summary"] for e in backtracks] == ["backtrack to cp-1 #2"]
    # The entry the backtrack made is the resumed alternative: the `2` of `(amb 1 2 3)`.
    assert (backtracks[0]["line"], backtracks[0]["column"]) == (1, 29), backtracks
    dap.ok("stepBack", {"threadId": 1})
    assert dap.stopped()["reason"] == "step"
    dap.ok("next", {"threadId": 1})
    stop = dap.stopped()
    assert stop["reason"] == "step", stop
    assert dap.stack()[0]["line"] == 4

