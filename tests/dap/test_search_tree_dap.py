"""`omega/searchTree` over the wire (issue 14): the body's schema, budgets and depth limits,
clusters expanded by node, and the tree after stepBack, omega/chooseAlternative and
omega/backtrack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
from client import DapClient

NODE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "kind", "step", "line", "column", "children"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"enum": ["root", "choice", "collect", "failed", "solution", "abandoned", "pending", "current",
                          "cluster"]},
        "step": {"type": ["integer", "null"]},
        "line": {"type": "integer", "minimum": 0},
        "column": {"type": "integer", "minimum": 0},
        "label": {"type": "string"},
        "alternative": {"type": "integer", "minimum": 1},
        "members": {"type": "array", "items": {"type": "integer"}},
        "counts": {"$ref": "#/definitions/counts"},
        "children": {"type": "array", "items": {"$ref": "#/definitions/node"}},
    },
}
COUNTS = {"type": "object", "required": ["choicePoints", "failed", "solutions", "pending"],
          "properties": {k: {"type": "integer", "minimum": 0}
                         for k in ("choicePoints", "failed", "solutions", "pending", "abandoned")}}
BODY = {"type": "object", "required": ["totals", "root", "current"],
        "properties": {"totals": {"$ref": "#/definitions/counts"}, "root": {"$ref": "#/definitions/node"},
                       "current": {"type": "integer"}},
        "definitions": {"node": NODE, "counts": COUNTS}}


# SICP's multiple-dwelling puzzle (as in the contracts' bench-ref/dwelling.omg).
DWELLING = """(define (member? x lst) (if (null? lst) #f (if (= x (car lst)) #t (member? x (cdr lst)))))
(define (distinct? items)
  (cond ((null? items) #t)
        ((member? (car items) (cdr items)) #f)
        (else (distinct? (cdr items)))))
(define (abs x) (if (< x 0) (- 0 x) x))
(define (multiple-dwelling)
  (let ((baker (amb 1 2 3 4 5)) (cooper (amb 1 2 3 4 5))
        (fletcher (amb 1 2 3 4 5)) (miller (amb 1 2 3 4 5))
        (smith (amb 1 2 3 4 5)))
    (require (distinct? (list baker cooper fletcher miller smith)))
    (require (not (= baker 5)))
    (require (not (= cooper 1)))
    (require (not (= fletcher 5)))
    (require (not (= fletcher 1)))
    (require (> miller cooper))
    (require (not (= (abs (- smith fletcher)) 1)))
    (require (not (= (abs (- fletcher cooper)) 1)))
    (list (list 'baker baker) (list 'cooper cooper)
          (list 'fletcher fletcher) (list 'miller miller)
          (list 'smith smith))))
(multiple-dwelling)
"""


def tree(dap: DapClient, **args: Any) -> dict[str, Any]:
    body = dap.ok("omega/searchTree", args)
    jsonschema.validate(body, BODY)
    return body


def nodes(n: dict[str, Any]) -> list[dict[str, Any]]:
    out, todo = [], [n]
    while todo:
        x = todo.pop()
        out.append(x)
        todo.extend(reversed(x["children"]))
    return out


def totals(body: dict[str, Any]) -> tuple[int, ...]:
    t = body["totals"]
    return t["choicePoints"], t["failed"], t["solutions"], t["pending"], t["abandoned"]


def here(body: dict[str, Any]) -> dict[str, Any]:
    found = [n for n in nodes(body["root"]) if n.get("here")]
    assert len(found) == 1, body
    return found[0]


def test_tree_through_stepping_time_travel_and_interventions(dap: DapClient, programs: Path) -> None:
    dap.initialize()
    dap.launch(programs / "pairs.omega", [6])
    assert dap.stopped()["reason"] == "breakpoint"  # x = y = 1: the require is about to fail
    first = tree(dap)
    assert totals(first) == (2, 0, 0, 4, 0)
    cp1 = first["root"]["children"][0]
    assert (cp1["kind"], cp1["line"], cp1["column"], cp1["choicePoint"]) == ("choice", 3, 12, "cp-1")
    cp2 = cp1["children"][0]
    assert (cp2["kind"], cp2["line"], cp2["column"], cp2["label"], cp2["alternative"]) == ("choice", 4, 12, "1", 1)
    assert [(c["kind"], c.get("label")) for c in cp2["children"]] == [("current", "1"), ("pending", "2"), ("pending", "3")]
    assert here(first)["kind"] == "current"

    dap.ok("next", {"threadId": 1})
    assert dap.stopped()["reason"] == "backtrack"
    after = tree(dap)
    assert totals(after) == (2, 1, 0, 3, 0)
    failed = next(n for n in nodes(after["root"]) if n["kind"] == "failed")
    assert (failed["line"], failed["column"], failed["label"]) == (6, 5, "1")
    assert here(after)["label"] == "2"

    # Step back: the same record, the current step inside the branch that fails.
    dap.ok("stepBack", {"threadId": 1})
    dap.stopped()
    back = tree(dap)
    assert totals(back) == totals(after)
    assert here(back)["id"] == failed["id"]
    assert back["current"] < failed["step"] + 1

    # Take alternative 3 of cp-2 instead: the branch that was to fail is abandoned.
    dap.ok("omega/chooseAlternative", {"choicePoint": "cp-2", "index": 3})
    assert dap.stopped()["reason"] == "choice"
    chosen = tree(dap)
    assert totals(chosen) == (2, 0, 0, 3, 1)
    cp2 = chosen["root"]["children"][0]["children"][0]
    assert [(c["kind"], c.get("label")) for c in cp2["children"]] == \
        [("abandoned", "1"), ("current", "3"), ("pending", "2")]
    assert cp2["children"][0]["detail"] == "intervention: choose cp-2 #3"

    # Backtrack now: the newest pending choice point (cp-2) gives alternative 2.
    dap.ok("omega/backtrack")
    assert dap.stopped()["reason"] == "backtrack"
    bt = tree(dap)
    assert totals(bt) == (2, 0, 0, 2, 2)
    assert here(bt)["label"] == "2"

    dap.ok("setBreakpoints", {"source": {"path": str(programs / "pairs.omega")}, "breakpoints": []})
    dap.ok("continue", {"threadId": 1})
    dap.event("terminated")
    end = tree(dap)
    assert end["totals"]["solutions"] == 1
    assert [n for n in nodes(end["root"]) if n["kind"] == "solution"][0]["label"] == "1"


def test_big_search_clusters_and_expands(dap: DapClient, tmp_path: Path) -> None:
    program = tmp_path / "dwelling.omega"
    program.write_text(DWELLING, encoding="utf-8")
    dap.initialize()
    dap.launch(program, [19])  # (list (list 'baker baker) ...: the solution
    dap.stopped()
    body = tree(dap, budget=50)
    assert totals(body) == (370, 1470, 0, 10, 0)  # exact although most of it is clustered
    shown = nodes(body["root"])
    assert len([n for n in shown if n["kind"] not in ("cluster", "pending")]) <= 50
    clusters = [n for n in shown if n["kind"] == "cluster"]
    assert clusters and sum(c["counts"]["failed"] for c in clusters) == 1470 - \
        len([n for n in shown if n["kind"] == "failed"])
    assert any(c["label"].endswith("more failed") for c in clusters)
    assert here(body)["kind"] == "current"  # the current path is always shown
    # Expanding a cluster member: its subtree, with the same counts.
    c = max(clusters, key=lambda c: c["counts"]["failed"])
    parts = [tree(dap, node=m, budget=50) for m in c["members"]]
    assert sum(p["root"]["counts"]["failed"] for p in parts) == c["counts"]["failed"]
    assert all(p["totals"] == body["totals"] for p in parts)
    # Depth-limited.
    shallow = tree(dap, depth=1)
    assert all(n["kind"] in ("cluster", "pending") for ch in shallow["root"]["children"] for n in ch["children"])


def test_bad_arguments(dap: DapClient, programs: Path) -> None:
    dap.initialize()
    assert dap.request("omega/searchTree")["body"]["error"]["id"] == 1004
    dap.launch(programs / "pairs.omega", [6])
    dap.stopped()
    for args, code in (({"budget": 0}, 1002), ({"depth": -1}, 1002), ({"node": "x"}, 1002), ({"node": 99999}, 1003)):
        r = dap.request("omega/searchTree", args)
        assert not r["success"] and r["body"]["error"]["id"] == code, r
    assert tree(dap)["totals"]["choicePoints"] == 2  # still serving
