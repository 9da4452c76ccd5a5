"""The debugger's views (DEBUGGER.md 9, 10.1, 10.2 completions, 6.4, 12, 14.2, 14.4) on real
programs driven through DebugController."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transcript_programs import PAIRS, STATS

from omega_runtime import OmegaRuntime
from omega_runtime.debug.controller import DebugController, Stop
from omega_runtime.debug.inspector import EvaluationError
from omega_runtime.debug.values_view import ListInfo, VarNode, cut_write, grouped
from omega_runtime.debug.views import Views
from omega_runtime.values import NIL, Vector, make_list


def session(text: str, name: str, lines: list[int] | None = None, preset: str | None = None
            ) -> tuple[DebugController, Views, Stop]:
    rt = OmegaRuntime.create(preset=preset)
    c = DebugController(rt)
    views = Views(c)
    path = f"/home/user/demo/{name}"
    assert c.launch(text, path) == []
    if lines:
        c.set_line_breakpoints(path, [{"line": n} for n in lines])
    stop = c.resume("continue")
    assert isinstance(stop, Stop)
    views.invalidate()
    return c, views, stop


def kids(node: VarNode, filt: str | None = None) -> list[VarNode]:
    assert node.fetch is not None
    return node.fetch(0, None, filt)


def by_name(nodes: list[VarNode]) -> dict[str, VarNode]:
    return {n.name: n for n in nodes}


def test_transcript_14_2_scopes_and_choice_points() -> None:
    c, views, stop = session(PAIRS, "pairs.omega", [5])
    assert stop.reason == "breakpoint"
    frames = views.frames()
    span = frames[0].span
    assert frames[0].name == "pick-pair" and span is not None and (span.start_line, span.start_col) == (6, 5)
    scopes = views.scopes(0)
    assert [(s.name, s.node.named, s.expensive) for s in scopes] == [
        ("Locals", 2, False), ("Closure", 0, False), ("Globals", 1, True), ("Choice Points", 2, False),
        ("Budget", 5, False)]
    assert scopes[0].hint == "locals"
    cps = kids(scopes[3].node)
    assert [(n.name, n.value, n.type, n.named) for n in cps] == [
        ("cp-2", "amb at pairs.omega:4:12 · alternative 1 of 3 · 2 left", "choice point", 7),
        ("cp-1", "amb at pairs.omega:3:12 · alternative 1 of 3 · 2 left", "choice point", 7)]
    fields = kids(cps[0])
    assert [(n.name, n.value) for n in fields[:6]] == [
        ("id", "cp-2"), ("location", "pairs.omega:4:12"), ("created", f"step {c.state.r.choices[1].created}"),
        ("depth", "2"), ("boundary", "top-level form"), ("tried", "1")]
    remaining = fields[6]
    assert (remaining.name, remaining.value, remaining.indexed) == ("remaining", "#2 2 · #3 3", 2)
    alts = remaining.fetch(0, 2, "indexed") if remaining.fetch else []
    assert [(n.name, n.value, n.type) for n in alts] == [
        ("#2", "2   (pairs.omega:4:19)", "alternative"), ("#3", "3   (pairs.omega:4:21)", "alternative")]
    assert all(n.read_only and n.virtual for n in fields)
    locals_ = kids(scopes[0].node)
    assert [(n.name, n.value, n.type, n.evaluate_name) for n in locals_] == [
        ("x", "1", "integer", "x"), ("y", "1", "integer", "y")]
    amb = views.evaluate("$amb", 0, "watch")
    assert (amb.value, amb.type, amb.named) == ("2 pending choice points", "choice points", 2)


def test_alternatives_made_at_run_time_are_numbered_by_their_place() -> None:
    # The thunks come from `map`, not from an `amb` form's literal alternatives.
    text = """(define (choose-from xs) (effect amb.choose (map (lambda (x) (lambda () x)) xs)))
(define v (amb-collect (let ((x (choose-from '(10 20 30 40))))
  (require (> x 20))
  x)))
"""
    c, views, stop = session(text, "dyn.omega", [3])
    assert stop.reason == "breakpoint"
    c.resume("continue")  # the second alternative: 20
    cps = kids(views.program_scope("Choice Points"))
    fields = kids(cps[0])
    remaining = fields[6]
    assert (remaining.name, remaining.value) == ("remaining", "#3 (lambda () x) · #4 (lambda () x)")


def test_scopes_are_stable_within_a_stop_and_dropped_at_the_next() -> None:
    c, views, _ = session(PAIRS, "pairs.omega", [6])
    first = views.scopes(0)
    assert views.scopes(0) is first
    assert kids(first[0].node)[0] is kids(first[0].node)[0]
    c.resume("over")
    views.invalidate()
    assert views.scopes(0) is not first


def test_values_types_and_children() -> None:
    prog = """(define-record-type point (make-point x y) point? (x point-x set-point-x!) (y point-y))
(define p (make-point 1 2))
(define v (vector 1 "a" 'b))
(define h (make-hash-table))
(hash-table-set! h 'k 10)
(hash-table-set! h "s" 20)
(define pr (cons 1 2))
(define (f a . rest) a)
(define lz (delay (+ 40 2)))
(define c (guard (e (#t e)) (error "boom" 7)))
(define s (cons-stream 1 (cons-stream 2 '())))
(stream-car (stream-cdr s))
(define done 1)
"""
    c, views, _ = session(prog, "vals.omega", [13])
    g = by_name(kids(views.scopes(0)[2].node))
    assert (g["p"].value, g["p"].type) == ("#<point 1 2>", "record point")
    assert [(n.name, n.value, n.evaluate_name) for n in kids(g["p"])] == [
        ("x", "1", "(point-x p)"), ("y", "2", "(point-y p)")]
    assert (g["v"].type, g["v"].indexed) == ("vector[3]", 3)
    assert [(n.name, n.value, n.evaluate_name) for n in kids(g["v"], "indexed")] == [
        ("0", "1", "(vector-ref v 0)"), ("1", '"a"', "(vector-ref v 1)"), ("2", "b", "(vector-ref v 2)")]
    assert g["h"].type == "hash-table[2]"
    assert [(n.name, n.value, n.evaluate_name) for n in kids(g["h"])] == [
        ("k", "10", "(hash-table-ref h 'k)"), ('"s"', "20", '(hash-table-ref h "s")')]
    assert g["pr"].type == "pair"
    assert [(n.name, n.evaluate_name, n.read_only) for n in kids(g["pr"])] == [
        ("car", "(car pr)", True), ("cdr", "(cdr pr)", True)]
    fkids = by_name(kids(g["f"]))
    assert (fkids["name"].value, fkids["params"].value, fkids["location"].value) == ("f", "(a . rest)", "vals.omega:8:1")
    assert g["lz"].lazy and g["lz"].value == "#<promise> (not forced)"
    assert [(n.name, n.value) for n in kids(g["lz"])] == [("value", "42")]
    # forcing for the view happened on a copy: the program's promise is still unforced
    views.invalidate()
    assert by_name(kids(views.scopes(0)[2].node))["lz"].lazy
    ckids = by_name(kids(g["c"]))
    assert (ckids["type"].value, ckids["message"].value, ckids["data"].value) == ("error", '"boom"', "(7)")
    assert g["s"].type == "stream" and g["s"].indexed == 2
    assert [n.value for n in kids(g["s"], "indexed")] == ["1", "2"]


def test_paging_a_100000_element_list_costs_o_100_after_the_first_page() -> None:
    prog = "(define xs (iota 100000))\n(define done 1)\n"
    c, views, _ = session(prog, "big.omega", [2])
    xs = by_name(kids(views.scopes(0)[2].node))["xs"]
    assert (xs.type, xs.indexed, xs.value) == ("list[100000]", 100000, "(0 1 2 3 4 5 6 7 8 9 10 11 …)")
    assert xs.fetch is not None
    first = xs.fetch(0, 100, "indexed")
    assert [n.name for n in first][:3] == ["0", "1", "2"] and len(first) == 100
    t0 = time.perf_counter()
    for start in (99_900, 50_000, 12_300, 77_700):
        page = xs.fetch(start, 100, "indexed")
        assert page[0].value == str(start) and page[0].evaluate_name == f"(list-ref xs {start})"
    per_page = (time.perf_counter() - t0) / 4
    info = ListInfo(make_list(list(range(100000))))
    assert len(info.marks) == 1000  # every 100th pair is kept: a page walks at most 100 pairs
    assert per_page < 0.05
    assert xs.fetch(100000, 10, "indexed") == []


def test_named_collections_over_100_are_grouped_into_ranges() -> None:
    prog = "(define h (make-hash-table))\n(for-each (lambda (i) (hash-table-set! h i i)) (iota 250))\n(define done 1)\n"
    c, views, _ = session(prog, "h.omega", [3])
    h = by_name(kids(views.scopes(0)[2].node))["h"]
    ranges = kids(h)
    assert [(r.name, r.named, r.virtual) for r in ranges] == [
        ("[0..99]", 100, True), ("[100..199]", 100, True), ("[200..249]", 50, True)]
    assert [n.name for n in kids(ranges[2])][:2] == ["200", "201"]
    count, fetch = grouped(25_000, lambda a, b: [VarNode(str(i), "", None, None) for i in range(a, b)])
    top = fetch(0, None, None)
    assert count == 3 and [n.name for n in top] == ["[0..9999]", "[10000..19999]", "[20000..24999]"]
    assert top[2].named == 50 and top[2].fetch is not None
    assert top[2].fetch(0, None, None)[0].name == "[20000..20099]"


def test_transactions_facts_fixpoint_and_budget_scopes() -> None:
    prog = """(define balance 100)
(assert-fact! 'user.name "Ann")
(define (probe x) x)
(with-budget (steps 10000)
  (with-transaction
    (set! balance 50)
    (with-transaction
      (fixpoint (lambda (n) (probe (if (< n 3) (+ n 1) n))) 0))))
"""
    c, views, _ = session(prog, "tx.omega", [3])
    c.set_function_breakpoints([{"name": "probe"}])
    for _ in range(3):
        stop = c.resume("continue")
    views.invalidate()
    names = [s.name for s in views.scopes(0)]
    assert names == ["Locals", "Closure", "Globals", "Transactions", "Fixpoint", "Facts", "Budget"]
    txs = kids(views.program_scope("Transactions"))
    assert [n.name for n in txs] == ["tx-2", "tx-1"]
    assert txs[1].value == "open · depth 1 · 1 proposal"
    proposals = by_name(kids(txs[1]))["proposals"]
    p1 = kids(proposals)[0]
    assert p1.value == "set balance: 100 → 50"
    assert [n.name for n in kids(p1)] == ["kind", "target", "old", "new", "location"]
    fp = kids(views.program_scope("Fixpoint"))
    assert fp[0].name.startswith("fp-") and fp[0].value.endswith("of 1000")
    assert {n.name for n in kids(fp[0])} >= {"iteration", "previous", "current", "max-iter", "converged?", "step"}
    facts = kids(views.program_scope("Facts"))
    assert [(n.name, n.value, n.evaluate_name) for n in facts] == [("user.name", '"Ann"', "(fact 'user.name)")]
    budget = by_name(kids(views.program_scope("Budget")))
    steps = budget["steps"].value
    used = c.state.t - views.budgets()[0][1].start_t
    assert steps == f"used {used:,} of 10,000 ({10000 - used:,} left)"
    assert budget["llm-calls"].value == "used 0 (no limit)"
    assert [n.value for n in kids(budget["active"])] == ["with-budget steps 10000"]
    assert isinstance(stop, Stop) and stop.reason == "function breakpoint"


def test_oracle_scope_and_conditions_scope() -> None:
    prog = """(define a (ask-llm "echo: hi"))
(define (f) (restart-case (handler-bind ((error (lambda (c) #f))) (probe 1)) (skip () 0)))
(define (probe x)
  x)
(f)
"""
    c, views, _ = session(prog, "o.omega", [4], preset="testing")
    oracle = kids(views.program_scope("Oracle"))
    assert len(oracle) == 1
    assert oracle[0].name.startswith("r-")
    assert oracle[0].value.startswith('"echo: hi" → "hi" · live · ')
    fields = by_name(kids(oracle[0]))
    assert fields["op"].value == "infer" and fields["source"].value == "live"
    cond = by_name(kids(views.program_scope("Conditions")))
    assert [n.value for n in kids(cond["handlers"])] == ["handler-bind (error)"]
    assert [n.name for n in kids(cond["restarts"])] == ["skip"]


def test_exception_info_for_an_uncaught_condition_14_4() -> None:
    c, views, stop = session(STATS, "stats.omega")
    assert stop.reason == "exception" and stop.text == "division-by-zero"
    info = views.exception_info()
    assert info == {
        "exceptionId": "division-by-zero", "description": "/: division by zero", "breakMode": "unhandled",
        "details": {"message": "stats.omega:1:22: division-by-zero: /: division by zero",
                    "typeName": "division-by-zero", "fullTypeName": "division-by-zero (error condition)",
                    "evaluateName": "$conditions",
                    "stackTrace": "  at average (stats.omega:1:22)\n  at report (stats.omega:2:30)\n"
                                  "  at <top-level> (stats.omega:3:1)"}}
    conds = views.evaluate("$conditions", 0, "watch")
    assert conds.value == "division-by-zero: /: division by zero"
    assert [n.name for n in kids(by_name(kids(conds))["restarts"])] == ["use-value"]


def test_evaluate_watch_rules_hover_limit_and_clipboard() -> None:
    prog = "(define count 3)\n(define xs (iota 30))\n(define (spin n) (spin (+ n 1)))\n(define done 1)\n"
    c, views, _ = session(prog, "e.omega", [4])
    assert views.evaluate("(+ count 1)", 0, "watch").value == "4"
    with pytest.raises(EvaluationError, match="Watch expressions cannot change the program: writes count"):
        views.evaluate("(set! count 1)", 0, "watch")
    assert views.evaluate("count", 0, "watch").value == "3"
    with pytest.raises(EvaluationError, match="10,000 steps"):
        views.evaluate("(spin 0)", 0, "hover")
    assert views.evaluate("xs", 0, "clipboard").value == "(" + " ".join(str(i) for i in range(30)) + ")"
    assert views.evaluate("xs", 0, "watch").value.endswith("11 …)")
    with pytest.raises(EvaluationError, match="^1:"):
        views.evaluate("(+ 1", 0, "watch")
    step = by_name(kids(views.evaluate("$step", 0, "watch")))
    assert step["step"].value == str(c.cur) and step["transitions"].value == str(c.state.t)


def test_completions() -> None:
    c, views, _ = session(PAIRS, "pairs.omega", [6])
    labels = dict(views.completions(0, "(pi", 4))
    assert labels == {"pick-pair": "function"}
    assert ("x", "variable") in views.completions(0, "(+ x", 5)
    assert ("$amb", "variable") in views.completions(0, "$a", 3)
    assert ("amb-collect", "keyword") in views.completions(0, "amb-c", 6)
    assert ("map", "function") in views.completions(0, "(ma", 4)


def test_data_breakpoint_info() -> None:
    prog = """(define count 0)
(define v (vector 1 2))
(define (loop n acc)
  (set! acc (+ acc n))
  (if (= n 0) acc (loop (- n 1) acc)))
(loop 3 0)
"""
    c, views, _ = session(prog, "d.omega", [4])
    assert views.data_breakpoint_info(None, "count", 0) == ("global:count", "count (global)", True)
    data_id, desc, persist = views.data_breakpoint_info(None, "acc", 0)
    assert data_id is not None and data_id.startswith("cell:") and not persist
    assert desc == f"acc (local in loop, cell {data_id[5:]})"
    assert views.data_breakpoint_info(None, "n", 0) == (None, "n is never assigned, so it cannot change", False)
    vid, vdesc, _ = views.data_breakpoint_info(None, "(vector-ref v 1)", 0)
    assert vid is not None and vid.endswith(":1")
    assert c.data_key(c.set_data_breakpoints([{"dataId": vid}])[0]) is not None
    g = by_name(kids(views.scopes(0)[2].node))
    assert views.data_breakpoint_info(views.scopes(0)[2].node, "count", 0)[0] == "global:count"
    assert views.data_breakpoint_info(g["v"], "0", 0)[0] == vid[:-1] + "0"
    assert views.data_breakpoint_info(None, "(car (list 1))", 0)[0] is None


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.integers() | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=20), max_leaves=60))
def test_cut_write_is_bounded_and_exact_for_small_values(data: Any) -> None:
    def to_value(x: Any) -> Any:
        return make_list([to_value(i) for i in x]) if isinstance(x, list) else x

    from omega_runtime.printer import write_repr

    value = to_value(data)
    store: Any = {}
    text = cut_write(value, store)
    assert len(text) <= 100
    full = write_repr(value, store)
    if "…" not in text:
        assert text == full


def test_cut_write_deep_nesting_is_iterative() -> None:
    v: Any = NIL
    for _ in range(100_000):
        v = make_list([v])
    assert cut_write(v, {}) == "(((…)))"
    assert cut_write(Vector(range(20)), {}) == "#(0 1 2 3 4 5 6 7 8 9 10 11 …)"
