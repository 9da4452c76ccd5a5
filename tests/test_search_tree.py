"""The amb search tree read from the history (issue 14): for generated searches it is exactly
the tree a plain Python model of chronological backtracking (SICP's amb evaluator) explores,
with the lines of every amb and failed require; the totals, clusters and the terminal's `tree`
command."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_debug_controller import Session

from omega_runtime.debug.controller import Exit
from omega_runtime.debug.search_tree import iter_nodes, render_text, search_tree
from omega_runtime.debug.terminal import TerminalDebugger

# A search: levels, each an amb over small integers followed by requires over the variables
# bound so far. A require is (op, i, j, k): vI op vJ, or for "sum" (vI + vJ) != k.
OPS = {"<": lambda a, b, k: a < b, ">": lambda a, b, k: a > b, "=": lambda a, b, k: a == b,
       "!=": lambda a, b, k: a != b, "sum": lambda a, b, k: a + b != k}


@st.composite
def searches(draw: Any) -> tuple[list[tuple[list[int], list[tuple[str, int, int, int]]]], str]:
    n = draw(st.integers(1, 4))
    levels = []
    for i in range(n):
        alts = draw(st.lists(st.integers(0, 4), min_size=1, max_size=3))
        reqs = draw(st.lists(st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, i), st.integers(0, i),
                                       st.integers(0, 6)), max_size=2))
        levels.append((alts, reqs))
    return levels, draw(st.sampled_from(["first", "collect"]))


def program(levels: list[tuple[list[int], list[tuple[str, int, int, int]]]], mode: str) -> tuple[str, list[int], list[list[int]]]:
    """The Omega text, the line of each level's amb, the lines of each level's requires."""
    lines = ["(define (search)"]
    amb_lines, req_lines = [], []
    for i, (alts, reqs) in enumerate(levels):
        lines.append(f"  (let ((v{i} (amb {' '.join(map(str, alts))})))")
        amb_lines.append(len(lines))
        mine = []
        for op, a, b, k in reqs:
            test = {"<": f"(< v{a} v{b})", ">": f"(> v{a} v{b})", "=": f"(= v{a} v{b})",
                    "!=": f"(not (= v{a} v{b}))", "sum": f"(not (= (+ v{a} v{b}) {k}))"}[op]
            lines.append(f"    (require {test})")
            mine.append(len(lines))
        req_lines.append(mine)
    lines.append("  (list " + " ".join(f"v{i}" for i in range(len(levels))) + ")" + ")" * (len(levels) + 1))
    lines.append("(display (search))" if mode == "first" else "(display (amb-collect (search)))")
    return "\n".join(lines) + "\n", amb_lines, req_lines


def model(levels: list[tuple[list[int], list[tuple[str, int, int, int]]]], mode: str,
          amb_lines: list[int], req_lines: list[list[int]]) -> list[Any]:
    """The tree chronological backtracking explores, as nested tuples: ("choice", line, [(label,
    child)...]), ("failed", line), ("solution",), ("pending",). Single-alternative ambs make no
    choice point. Returns the root's children."""
    found = [False]

    def level(i: int, env: list[int]) -> Any:
        """The subtree for running level i on; None when no choice point is made there (its
        outcome is then merged into the enclosing edge)."""
        alts, reqs = levels[i]
        children: list[Any] = []
        for a in alts:
            if found[0] and mode == "first":
                children.append((str(a), ("pending",)))
                continue
            children.append((str(a), branch(i, env + [a])))
        if len(alts) == 1:
            return children[0][1]
        return ("choice", amb_lines[i], children)

    def branch(i: int, env: list[int]) -> Any:
        _alts, reqs = levels[i]
        for (op, a, b, k), line in zip(reqs, req_lines[i]):
            if not OPS[op](env[a], env[b], k):
                return ("failed", line)
        if i + 1 == len(levels):
            found[0] = True
            return ("solution",)
        return level(i + 1, env)

    top = level(0, [])
    if top[0] != "choice":
        return []
    return [("collect", [top])] if mode == "collect" else [top]


def shape(node: dict[str, Any]) -> Any:
    kind = node["kind"]
    if kind == "choice":
        return ("choice", node["line"], [(c.get("label", ""), shape(c)) for c in node["children"]])
    if kind == "collect":
        return ("collect", [shape(c) for c in node["children"]])
    if kind == "failed":
        return ("failed", node["line"])
    return (kind,)


def totals_of(tree: list[Any]) -> dict[str, int]:
    out = {"choicePoints": 0, "failed": 0, "solutions": 0, "pending": 0}
    todo = list(tree)
    while todo:
        n = todo.pop()
        if n[0] == "choice":
            out["choicePoints"] += 1
            todo.extend(child for _label, child in n[2])
        elif n[0] == "collect":
            todo.extend(n[1])
        elif n[0] == "failed":
            out["failed"] += 1
        elif n[0] == "solution":
            out["solutions"] += 1
        elif n[0] == "pending":
            out["pending"] += 1
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(searches())
def test_the_tree_is_what_chronological_backtracking_explores(search: Any) -> None:
    levels, mode = search
    text, amb_lines, req_lines = program(levels, mode)
    s = Session(text)
    s.dc.filters = {}  # an exhausted search ends the run (no stop before it)
    assert isinstance(s.run_to_end(), Exit)
    body = search_tree(s.dc, budget=100_000)
    expected = model(levels, mode, amb_lines, req_lines)
    got = [shape(c) for c in body["root"]["children"]]
    assert got == expected, text
    want = totals_of(expected)
    assert {k: body["totals"][k] for k in want} == want, text
    assert body["totals"]["abandoned"] == 0
    # Every failed node's step is a state about to fail at its require.
    for n in iter_nodes(body["root"]):
        if n["kind"] == "failed":
            st_ = s.dc.history.get(n["step"])
            assert st_.k.node.span.start_line == n["line"]


DWELLING_SMALL = """(define (distinct? items)
  (cond ((null? items) #t)
        ((member (car items) (cdr items)) #f)
        (else (distinct? (cdr items)))))
(define (puzzle)
  (let ((a (amb 1 2 3)) (b (amb 1 2 3)) (c (amb 1 2 3)))
    (require (distinct? (list a b c)))
    (require (> a b))
    (list a b c)))
(display (puzzle))
"""


def test_totals_are_exact_whatever_is_clustered() -> None:
    s = Session(DWELLING_SMALL)
    s.run_to_end()
    full = search_tree(s.dc, budget=100_000)
    small = search_tree(s.dc, budget=5)
    assert small["totals"] == full["totals"]
    assert full["totals"]["solutions"] == 1 and full["totals"]["failed"] > 10
    clusters = [n for n in iter_nodes(small["root"]) if n["kind"] == "cluster"]
    assert clusters and sum(c["counts"]["failed"] for c in clusters) > 0
    shown = [n for n in iter_nodes(small["root"]) if n["kind"] not in ("cluster", "pending")]
    # The path to the solution is always shown; every hidden node is in exactly one cluster.
    assert any(n["kind"] == "solution" for n in shown)
    hidden = sorted(m for c in clusters for m in c["members"])
    assert len(hidden) == len(set(hidden))
    # A cluster's members expand to subtrees whose counts add up to the cluster's.
    c = clusters[0]
    parts = [search_tree(s.dc, node=m, budget=100_000)["root"]["counts"] for m in c["members"]]
    assert {k: sum(p[k] for p in parts) for k in c["counts"]} == c["counts"]
    # Depth-limited: nothing deeper than the limit but clusters and pending.
    shallow = search_tree(s.dc, depth=1)
    assert all(n["kind"] in ("cluster", "pending") for ch in shallow["root"]["children"] for n in ch["children"])


def test_the_current_branch_follows_time_travel() -> None:
    s = Session(DWELLING_SMALL)
    s.dc.set_line_breakpoints("prog.omega", [{"line": 8}])
    s.dc.resume()  # the first `(> a b)`: a, b, c distinct
    body = search_tree(s.dc, budget=1000)
    here = [n for n in iter_nodes(body["root"]) if n.get("here")]
    assert len(here) == 1 and here[0]["kind"] == "current"
    assert body["totals"]["solutions"] == 0
    s.run_to_end()
    done = search_tree(s.dc, budget=1000)
    failed = [n for n in iter_nodes(done["root"]) if n["kind"] == "failed"]
    s.dc.goto_step(failed[0]["step"])
    back = search_tree(s.dc, budget=1000)
    assert back["totals"] == done["totals"]  # the record is the same; only the current step moved
    assert [n["id"] for n in iter_nodes(back["root"]) if n.get("here")] == [failed[0]["id"]]


def test_terminal_tree_command() -> None:
    s = Session(DWELLING_SMALL)
    s.run_to_end()
    out = io.StringIO()
    term = TerminalDebugger(s.dc, io.StringIO("tree\ntree 0 3\ntree 99999\nquit\n"), out, interactive=False)
    term.run()
    text = out.getvalue()
    assert "Search tree: 7 choice points · 11 failed · 1 solution · 3 pending" in text
    assert "├─ #1 1: cp-2 amb at prog.omega:6:28 (step 24)" in text
    assert "│  │  └─ #3 3: solution at prog.omega:6:53 (step 1631): top-level form 3 finished   <- current step" in text
    assert "more failed" in text  # `tree 0 3` clusters
    assert "No search tree node 99999" in text
    assert render_text(search_tree(s.dc))[0] in [line.removeprefix("(odb) ") for line in text.splitlines()]
