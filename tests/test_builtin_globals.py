"""The prelude's procedures are made on first use, as globals below the store (issue 15,
start-up): a program, its backtracking, transactions, feature gates and the debugger see them as
they saw definitions the prelude had evaluated at start."""

from __future__ import annotations

from omega_runtime import OmegaRuntime
from omega_runtime.debug.controller import DebugController, Stop
from omega_runtime.debug.views import Views


def value(rt: OmegaRuntime, code: str) -> str:
    result = rt.eval(code)
    assert result.condition is None, result.report
    return str(result.printed)


def test_a_prelude_procedure_is_one_object_across_backtracking_and_runtimes() -> None:
    with OmegaRuntime.create() as rt:
        # First used inside a choice: backtracking restores a store made before that use.
        assert value(rt, "(define found (amb-collect (let ((x (amb 1 2 3))) (list x map))))"
                         "(list (map car found) (eq? (cadr (car found)) (cadr (caddr found)))"
                         "      (eq? map (cadr (car found))) (eq? %map map))") == "((1 2 3) #t #t #t)"
        assert value(rt, "map") == "#<procedure map>"
    with OmegaRuntime.create() as other:
        assert value(other, "(filter odd? '(1 2 3))") == "(1 3)"


def test_a_program_redefines_or_assigns_a_prelude_name_before_any_use() -> None:
    with OmegaRuntime.create() as rt:
        assert value(rt, "(set! filter (lambda (p l) 'assigned)) (filter odd? '(1))") == "assigned"
        assert value(rt, "(define (remove p l) 'mine) (remove odd? '(1))") == "mine"
        # The prelude's own aliases keep the prelude's procedure.
        assert value(rt, "(define (map f l) 'user) (list (map car '((1))) (%map car '((1))))") == "(user (1))"
    with OmegaRuntime.create() as rt:
        assert value(rt, "(filter odd? '(1 2 3))") == "(1 3)"  # another runtime is untouched


def test_an_assignment_in_a_rolled_back_transaction_restores_the_prelude_procedure() -> None:
    with OmegaRuntime.create() as rt:
        assert value(rt, "(with-transaction (set! sort (lambda (s l) 'mine)) (rollback!))"
                         "(sort '(3 1 2) <)") == "(1 2 3)"


def test_a_disabled_feature_hides_a_prelude_procedure_until_enabled_again() -> None:
    with OmegaRuntime.create() as rt:
        rt.configure(features=())
        result = rt.eval("(stream-take (integers-from 1) 2)")
        assert result.condition is not None and result.condition.ctype.name == "feature-disabled"
        rt.configure(features=("amb", "streams", "transactions"))
        assert value(rt, "(stream-take (integers-from 1) 2)") == "(1 2)"


PROGRAM = """(define (total xs) (fold + 0 xs))
(define a (total '(1 2 3)))
(define b (total (list a a)))
b
"""


def test_the_debugger_sees_prelude_procedures_as_built_ins_before_and_after_a_step_back() -> None:
    rt = OmegaRuntime.create()
    c = DebugController(rt)
    views = Views(c)
    path = "/home/user/demo/total.omega"
    assert c.launch(PROGRAM, path) == []
    c.set_line_breakpoints(path, [{"line": 3}])
    assert isinstance(c.resume("continue"), Stop)  # `fold` was used on line 2
    views.invalidate()
    scope = next(s for s in views.scopes(0) if s.name == "Globals")
    assert scope.node.fetch is not None
    user_globals = {n.name for n in scope.node.fetch(0, None, None)}
    assert {"total", "a"} <= user_globals and "fold" not in user_globals
    assert views.data_breakpoint_info(None, "fold", 0)[0] == "global:fold"
    assert isinstance(c.reverse_continue(), Stop)  # back to the start, before `fold` was made
    views.invalidate()
    assert views.evaluate("(fold + 0 '(4 5))", 0, "repl").value == "9"
    assert isinstance(c.resume("continue"), Stop)  # the breakpoint again, `fold` made again
    views.invalidate()
    assert views.evaluate("(list a (eq? fold (begin fold)))", 0, "repl").value == "(6 #t)"
    rt.dispose()
