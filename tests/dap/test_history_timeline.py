"""`omega/history` reads like a timeline of the program (issue 13, defect 11): statements with
their source text, calls and returns by procedure name, choice points and backtracks,
transactions, interventions and breakpoint hits; machine transitions only with
`transitions: true`."""

from __future__ import annotations

from pathlib import Path

from client import DapClient

TX_AMB = """(define balance 100)
(define (pick)
  (let ((x (amb 1 2 3)))
    (with-transaction
      (set! balance (- balance x))
      (require (> x 1))
      x)))
(display (pick))
(display balance)
"""


def stop_at(dap: DapClient, programs: Path, name: str, bps: list[int] | None = None) -> None:
    dap.initialize()
    dap.launch(programs / name, bps)
    assert dap.stopped()["reason"] in ("breakpoint", "entry")


def summaries(body: dict, kind: str | None = None) -> list[str]:
    return [e["summary"] for e in body["entries"] if kind is None or e["kind"] == kind]


def test_statements_calls_and_returns_by_name(dap: DapClient, programs: Path) -> None:
    stop_at(dap, programs, "steps.omega", [11])  # (newline)
    body = dap.ok("omega/history", {"start": 0, "count": 100})
    text = summaries(body)
    assert not [t for t in text if t.startswith(("eval ", "return to "))], text
    statements = [e for e in body["entries"] if e["kind"] == "statement"]
    assert {"summary": "(define total (sum-squares 3 4))", "line": 9, "column": 1, "depth": 0} \
        .items() <= statements[0].items() or statements[0]["summary"].startswith("(define (square")
    assert any(e["summary"] == "(define total (sum-squares 3 4))" and e["line"] == 9 and e["depth"] == 0
               for e in statements)
    assert any(e["summary"] == "(* x x)" and e["line"] == 3 and e["depth"] == 2 for e in statements)
    assert summaries(body, "call") == ["call sum-squares", "call square", "call square"]
    assert summaries(body, "return") == ["return from square → 9", "return from square → 16",
                                         "return from sum-squares → 25"]
    assert summaries(body, "breakpoint")[-1].startswith("breakpoint ")
    assert body["entries"][-1]["step"] == body["current"]
    # Every entry has a source location.
    assert all(e["line"] > 0 for e in body["entries"] if e["kind"] in ("statement", "call", "return"))


def test_machine_transitions_only_on_request(dap: DapClient, programs: Path) -> None:
    stop_at(dap, programs, "steps.omega", [11])
    plain = dap.ok("omega/history", {"start": 0, "count": 0})
    raw = dap.ok("omega/history", {"start": 0, "count": 0, "transitions": True})
    steps = [e for e in raw["entries"] if e["kind"] == "step"]
    assert len(steps) == raw["newest"] - raw["oldest"] + 1  # one per step
    assert any(e["summary"].startswith("eval ") for e in steps)
    assert len(plain["entries"]) < len(steps) / 2


def test_backtracks_choices_and_paging(dap: DapClient, programs: Path) -> None:
    stop_at(dap, programs, "pairs.omega", [9])
    dap.ok("next", {"threadId": 1})
    dap.stopped()
    body = dap.ok("omega/history", {"start": 0, "count": 0})
    assert summaries(body, "choice")[:2] == ["choice cp-1: (amb 1 2 3) · 3 alternatives",
                                             "choice cp-2: (amb 1 2 3) · 3 alternatives"]
    backtracks = [e for e in body["entries"] if e["kind"] == "backtrack"]
    assert backtracks[0]["summary"] == "backtrack to cp-2 #2 of 3 after (require (> x y)) failed at pairs.omega:6:5"
    assert (backtracks[0]["line"], backtracks[0]["column"]) == (4, 19)  # where the step is: alternative 2
    assert [e["summary"] for e in backtracks][:4] == [
        "backtrack to cp-2 #2 of 3 after (require (> x y)) failed at pairs.omega:6:5",
        "backtrack to cp-2 #3 of 3 after (require (> x y)) failed at pairs.omega:6:5",
        "backtrack to cp-1 #2 of 3 after (require (> x y)) failed at pairs.omega:6:5",
        "backtrack to cp-3 #2 of 3 after (require (> x y)) failed at pairs.omega:6:5"][:len(backtracks)]
    # Pages: the entries before a step, then those from it, meet without a gap.
    mid = body["entries"][len(body["entries"]) // 2]["step"]
    earlier = dap.ok("omega/history", {"start": mid, "count": 0, "before": 5})
    later = dap.ok("omega/history", {"start": mid, "count": 5})
    assert len(earlier["entries"]) == 5 and all(e["step"] < mid for e in earlier["entries"])
    assert len(later["entries"]) >= 5 and later["entries"][0]["step"] >= mid
    joined = earlier["entries"] + later["entries"]
    i = body["entries"].index(joined[0])
    assert body["entries"][i:i + len(joined)] == joined


def test_transactions_and_interventions(dap: DapClient, programs: Path) -> None:
    (programs / "txamb.omega").write_text(TX_AMB, encoding="utf-8")
    stop_at(dap, programs, "txamb.omega", [9])
    body = dap.ok("omega/history", {"start": 0, "count": 0})
    tx = summaries(body, "transaction")
    assert tx[:3] == ["begin tx-1", "backtrack rolled back tx-1", "begin tx-2"], tx
    assert "commit tx-2" in tx
    dap.ok("omega/gotoStep", {"step": body["entries"][3]["step"]})
    dap.stopped()
    dap.ok("setVariable", {"variablesReference": _globals(dap), "name": "balance", "value": "7"})
    after = dap.ok("omega/history", {"start": 0, "count": 0})
    assert summaries(after, "edit") == ["edit: set balance = 7"]


def _globals(dap: DapClient) -> int:
    frame = dap.stack()[0]["id"]
    scopes = dap.ok("scopes", {"frameId": frame})["scopes"]
    return int(next(s["variablesReference"] for s in scopes if s["name"] == "Globals"))


def test_oracle_calls_with_latency(dap: DapClient, programs: Path) -> None:
    dap.initialize()
    dap.launch(programs / "oracle.omega")
    dap.event("terminated")  # the record stays readable after the end
    body = dap.ok("omega/history", {"start": 0, "count": 0})
    oracle = [e for e in body["entries"] if e["kind"] == "oracle"]
    assert len(oracle) == 1, body["entries"]
    assert "What is 2+2?" in oracle[0]["summary"] and oracle[0]["summary"].startswith("oracle r-")
    assert oracle[0]["line"] == 1 and oracle[0]["latencyMs"] >= 0


def test_timeline_strip_of_the_whole_run(dap: DapClient, programs: Path) -> None:
    (programs / "txamb.omega").write_text(TX_AMB, encoding="utf-8")
    stop_at(dap, programs, "txamb.omega", [9])
    body = dap.ok("omega/history", {"count": 1, "strip": 10})
    strip = body["strip"]
    assert (strip["oldest"], strip["newest"], strip["current"]) == (body["oldest"], body["newest"], body["current"])
    assert len(strip["depth"]) == 10 and max(strip["depth"]) == 2
    assert strip["bucketSize"] * 10 >= strip["newest"] - strip["oldest"] + 1
    kinds = [(m["kind"], m["label"]) for m in strip["marks"]]
    assert ("backtrack", "backtrack") in kinds
    assert ("rollback", "backtrack rolled back tx-1") in kinds
    assert ("commit", "commit tx-2") in kinds
    assert ("breakpoint", "breakpoint 1") in [(k, label.split(" (")[0]) for k, label in kinds]
    bad = dap.request("omega/history", {"strip": -1})
    assert bad["body"]["error"]["id"] == 1002


def test_an_entry_is_placed_where_the_editor_shows_its_step(dap: DapClient, programs: Path) -> None:
    stop_at(dap, programs, "pairs.omega", [7])  # (list x y): the search found its pair
    body = dap.ok("omega/history", {"start": 0, "count": 0})
    for e in [e for e in body["entries"] if e["line"] > 0][:40]:
        dap.ok("omega/gotoStep", {"step": e["step"]})
        dap.stopped()
        top = dap.stack()[0]
        assert (top["line"], top["column"]) == (e["line"], e["column"]), e
