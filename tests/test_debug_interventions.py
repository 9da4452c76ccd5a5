"""The debugger's interventions (DEBUGGER.md 10.1 repl, 10.2, 11.2, 11.3, 7.2 stepInTargets) on
real programs: each is one history entry, undone by Step Back, and impossible ones change nothing."""

from __future__ import annotations

import pytest
from transcript_programs import PAIRS

from omega_runtime import OmegaRuntime
from omega_runtime.debug.controller import DebugController, Exit, Stop
from omega_runtime.debug.interventions import InterventionError, Interventions
from omega_runtime.debug.values_view import VarNode
from omega_runtime.debug.views import Views
from omega_runtime.values import sym


class Session:
    def __init__(self, text: str, lines: list[int], name: str = "p.omega", preset: str | None = None) -> None:
        self.out: list[str] = []
        self.console: list[str] = []
        rt = OmegaRuntime.create(preset=preset)
        rt.stdout = self.out.append
        self.c = DebugController(rt)
        self.c.output = lambda cat, text: self.console.append(text)
        self.views = Views(self.c)
        self.iv = Interventions(self.c, self.views)
        self.path = f"/home/user/demo/{name}"
        assert self.c.launch(text, self.path) == []
        self.c.set_line_breakpoints(self.path, [{"line": n} for n in lines])

    def resume(self, kind: str = "continue") -> Stop | Exit:
        result = self.c.resume(kind)
        self.views.invalidate()
        return result

    def finish(self) -> Exit:
        self.c.set_line_breakpoints(self.path, [])
        result = self.resume()
        assert isinstance(result, Exit)
        return result

    def node(self, scope: str, name: str, frame: int = 0) -> VarNode:
        sc = next(s for s in self.views.scopes(frame) if s.name == scope)
        assert sc.node.fetch is not None
        return next(n for n in sc.node.fetch(0, None, None) if n.name == name)

    def value(self, text: str) -> str:
        return self.views.evaluate(text, 0, "watch").value


def test_set_variable_global_and_step_back_undoes_it() -> None:
    s = Session("(define count 3)\n(define (f) count)\n(display (f))\n", [3])
    assert isinstance(s.resume(), Stop)
    before = s.c.cur
    node, note = s.iv.set_variable(s.node("Globals", "count"), "(* 2 21)")
    assert (node.value, node.type, note) == ("42", "integer", None)
    assert s.c.cur == before + 1 and s.c.history.kind(s.c.cur) == "edit"
    assert s.c.entry_summary(s.c.cur) == "edit: set count = (* 2 21)"
    assert s.value("count") == "42"
    s.c.step_back("instruction")
    s.views.invalidate()
    assert s.value("count") == "3"


def test_set_variable_then_run_uses_the_new_value() -> None:
    s = Session("(define count 3)\n(define (f) count)\n(display (f))\n", [3])
    s.resume()
    s.iv.set_variable(s.node("Globals", "count"), "7")
    assert s.finish().code == 0 and s.out == ["7"]


def test_set_frame_held_local_installs_a_new_frame_version() -> None:
    prog = "(define (f n)\n  (let ((k (lambda () n)))\n    (list n (k))))\n(display (f 1))\n"
    s = Session(prog, [3])
    s.resume()
    _node, note = s.iv.set_variable(s.node("Locals", "n"), "5")
    assert note is not None and "closures made earlier keep the old value" in note
    assert s.value("n") == "5"
    s.finish()
    assert s.out == ["(5 1)"]


def test_set_expression_on_places_and_immutable_ones() -> None:
    prog = "(define v (vector 1 2 3))\n(define p (cons 1 2))\n(display v)\n"
    s = Session(prog, [3])
    s.resume()
    s.iv.set_expression("(vector-ref v 1)", "20", 0)
    assert s.value("v") == "#(1 20 3)"
    cur = s.c.cur
    with pytest.raises(InterventionError) as err:
        s.iv.set_expression("(car p)", "9", 0)
    assert err.value.code == 1005 and s.c.cur == cur
    with pytest.raises(InterventionError) as err2:
        s.iv.set_variable(next(n for n in s.node("Globals", "p").fetch(0, None, None)  # type: ignore[misc]
                               if n.name == "car"), "9")
    assert err2.value.code == 1005


def test_repl_changes_state_as_one_entry() -> None:
    s = Session("(define x 1)\n(define count 0)\n(display (list x count))\n", [3])
    s.resume()
    node, line = s.iv.repl("(begin (set! x 10) (set! count (+ count 1)) 'ok)", 0)
    assert node.value == "ok"
    assert line == f"State changed: x, count written (step {s.c.cur}; Step Back undoes it)"
    pure, none = s.iv.repl("(+ x 1)", 0)
    assert pure.value == "11" and none is None
    with pytest.raises(InterventionError) as err:
        s.iv.repl("(begin (set! x 99) (car '()))", 0)
    assert err.value.code == 1006
    assert s.value("x") == "10"
    s.finish()
    assert s.out == ["(10 1)"]


def test_restart_frame_reenters_with_original_arguments_and_rolls_back() -> None:
    prog = """(define total 0)
(define (add n)
  (with-transaction
    (set! total (+ total n))
    (set! n 0)
    n))
(add 5)
(display total)
"""
    s = Session(prog, [6])
    s.resume()
    assert s.value("total") == "5" and s.value("n") == "0"
    add = next(i for i, f in enumerate(s.views.frames()) if f.name == "add")
    stop = s.iv.restart_frame(add)
    assert stop.reason == "restart"
    s.views.invalidate()
    assert s.value("total") == "0"
    assert s.value("n") == "5"
    assert s.c.state.r.txs == ()
    s.finish()
    assert s.out == ["5"]


def test_restart_frame_impossible_for_label_frames() -> None:
    s = Session("(define (f)\n  (with-transaction\n    (display 1)))\n(f)\n", [3])
    s.resume()
    labels = [i for i, f in enumerate(s.views.frames()) if f.kind == "label"]
    assert labels
    with pytest.raises(InterventionError) as err:
        s.iv.restart_frame(labels[0])
    assert err.value.code == 1005


def test_goto_targets_and_goto_skip_part_of_a_body() -> None:
    prog = "(define (f)\n  (display 1)\n  (display 2)\n  (display 3)\n  (display 4))\n(f)\n"
    s = Session(prog, [2])
    s.resume()
    assert s.iv.goto_targets(s.path, 1, None) == []
    targets = s.iv.goto_targets(s.path, 4, None)
    assert [(t.label, t.line, t.column) for t in targets] == [("(display 3)", 4, 3)]
    stop = s.iv.goto(targets[0].tid)
    assert stop.reason == "goto"
    s.finish()
    assert "".join(s.out) == "34"


def test_step_in_targets_for_calls_and_amb() -> None:
    prog = "(define (g x) (* x 2))\n(define (h x) (+ x 1))\n(display (g (h 1)))\n"
    s = Session(prog, [3])
    s.resume()
    targets = s.iv.step_in_targets(0)
    assert [t.label for t in targets] == ["(h 1)", "(g (h 1))"]
    assert s.iv.step_in_targets(1) == []
    stop = s.iv.step_in(targets[1].tid)
    assert isinstance(stop, Stop)
    assert s.views.frames()[0].name == "g"

    p = Session(PAIRS, [3])
    p.resume()
    alts = p.iv.step_in_targets(0)
    assert [t.label for t in alts][:3] == ["alternative 1 of 3: 1", "alternative 2 of 3: 2", "alternative 3 of 3: 3"]
    stop2 = p.iv.step_in(alts[2].tid)
    assert isinstance(stop2, Stop) and stop2.reason == "choice"
    cp = p.c.state.r.choices[-1]
    assert cp.tried == 1 and [p.views.alternative_position(cp, i) for i in range(2)] == [1, 2]
    p.finish()
    assert p.out == ["(3 1)"]


def test_choose_alternative_and_backtrack() -> None:
    s = Session(PAIRS, [6])
    s.resume()
    stop = s.iv.choose_alternative("cp-2", 3)
    assert stop.reason == "choice"
    remaining = s.c.state.r.choices[-1]
    assert [s.views.alternative_position(remaining, i) for i in range(len(remaining.remaining))] == [2]
    with pytest.raises(InterventionError):
        s.iv.choose_alternative("cp-2", 3)
    with pytest.raises(InterventionError):
        s.iv.choose_alternative("cp-9", 2)
    stop = s.iv.backtrack()
    assert stop.reason == "backtrack" and "cp-2" in stop.description
    s.finish()
    assert s.out == ["(2 1)"]


def test_backtrack_without_choice_points_is_impossible() -> None:
    s = Session("(define x 1)\n(display x)\n", [2])
    s.resume()
    cur = s.c.cur
    with pytest.raises(InterventionError, match="No pending choice point to backtrack to"):
        s.iv.backtrack()
    assert s.c.cur == cur


def test_commit_and_rollback() -> None:
    prog = "(define b 100)\n(define r (with-transaction\n  (set! b 50)\n  'done))\n(display (list b r))\n"
    s = Session(prog, [4])
    s.resume()
    stop = s.iv.rollback("'undone")
    assert stop.reason == "transaction"
    s.finish()
    assert s.out == ["(100 undone)"]

    t = Session(prog, [4])
    t.resume()
    t.iv.commit()
    assert t.c.state.r.txs == ()
    with pytest.raises(InterventionError):
        t.iv.commit()
    t.finish()
    assert t.out == ["(50 done)"]


def test_invoke_restart_at_an_uncaught_condition_14_4() -> None:
    prog = ("(define (average xs) (/ (apply + xs) (length xs)))\n(define (report xs) (display (average xs)))\n"
            "(report '())\n")
    s = Session(prog, [], name="stats.omega")
    stop = s.resume()
    assert isinstance(stop, Stop) and stop.reason == "exception"
    with pytest.raises(InterventionError):
        s.iv.invoke_restart("no-such", [])
    result = s.iv.invoke_restart("use-value", ["0"])
    assert isinstance(result, Stop) and result.reason == "restart"
    end = s.resume()
    assert isinstance(end, Exit) and end.code == 0 and s.out == ["0"]


def test_intervention_discards_later_history_with_a_console_line() -> None:
    s = Session("(define x 1)\n(define y 2)\n(display (+ x y))\n", [3])
    s.resume()
    s.c.step_back("instruction")
    s.views.invalidate()
    s.iv.set_variable(s.node("Globals", "x"), "5")
    assert any(line.startswith("Discarded 1 recorded steps after step") for line in s.console)
    assert s.c.state.s.get(sym("x")) == 5
