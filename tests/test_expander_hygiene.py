"""syntax-rules: matching, instantiation and hygiene (LANGUAGE.md 3.2)."""

from __future__ import annotations

from typing import Any

from omega_runtime import core as C
from omega_runtime.expander import ExpandError, expand_program
from omega_runtime.reader import read
from omega_runtime.values import NIL, Pair, list_to_python, sym


def expand_all(text: str) -> list[Any]:
    result = read(text, "h.omega")
    assert not result.diagnostics
    nodes, _ = expand_program(result.data)
    for n in nodes:
        if isinstance(n, ExpandError):
            raise n
    return nodes


def last(text: str) -> Any:
    return expand_all(text)[-1]


def datum(v: Any) -> Any:
    if isinstance(v, Pair) or v is NIL:
        return [datum(i) for i in list_to_python(v) or []]
    return v.name if type(v).__name__ == "Symbol" else v


MY_OR = "(define-syntax my-or (syntax-rules () ((_ a b) (let ((t a)) (if t t b)))))\n"
SWAP = "(define-syntax swap! (syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))\n"


def test_template_binding_does_not_capture_user_variable() -> None:
    n = last(MY_OR + "(let ((t 5)) (my-or #f t))")
    user_t = n.bindings[0]
    inner = n.body.exprs[0]  # the macro's let
    assert isinstance(inner, C.Let)
    macro_t = inner.bindings[0]
    assert macro_t is not user_t and macro_t.macro == "my-or" and user_t.macro is None
    the_if = inner.body.exprs[0]
    assert the_if.test.binding is macro_t and the_if.else_.binding is user_t


def test_user_variable_is_not_captured_by_template_binding() -> None:
    nodes = expand_all(SWAP + "(define tmp 1) (define y 2) (swap! tmp y)")
    let = nodes[-1]
    set_a, set_b = let.body.exprs
    assert isinstance(set_a, C.SetGlobal) and set_a.name is sym("tmp")
    assert isinstance(set_a.expr, C.GlobalRef) and set_a.expr.name is sym("y")
    assert isinstance(set_b, C.SetGlobal) and set_b.name is sym("y")
    assert isinstance(set_b.expr, C.LocalRef) and set_b.expr.binding is let.bindings[0]
    assert let.bindings[0].macro == "swap!"


def test_free_template_identifiers_mean_globals_and_keywords() -> None:
    n = last("(define-syntax first-of (syntax-rules () ((_ l) (car l))))\n(let ((car cdr)) (first-of '(1 2)))")
    call = n.body.exprs[0]
    assert isinstance(call.fn, C.GlobalRef) and call.fn.name is sym("car")
    n2 = last(MY_OR + "(let ((if list) (let 0)) (my-or 1 2))")
    assert isinstance(n2.body.exprs[0], C.Let) and isinstance(n2.body.exprs[0].body.exprs[0], C.If)


def test_template_spans_are_the_use_and_arguments_keep_theirs() -> None:
    text = "(define-syntax safe-div (syntax-rules () ((_ a b) (/ a b))))\n(safe-div 1 zero)"
    n = last(text)
    use = "(safe-div 1 zero)"
    assert text[n.span.start_offset:n.span.end_offset] == use
    assert n.fn.span == n.span
    assert text[n.args[1].span.start_offset:n.args[1].span.end_offset] == "zero"


def test_literals_ellipsis_trailing_and_vectors() -> None:
    kw = "(define-syntax kw (syntax-rules (=>) ((_ a => b) (list 'arrow a b)) ((_ a b) (list 'plain a b))))\n"
    arrow = last(kw + "(kw 1 => 2)")
    assert arrow.args[0].value is sym("arrow")
    # a locally bound => is not the literal
    plain = last(kw + "(let ((=> 0)) (kw 1 =>))")
    assert plain.body.exprs[0].args[0].value is sym("plain")
    lf = last("(define-syntax lf (syntax-rules () ((_ a ... z) '(z a ...))))\n(lf 1 2 3)")
    assert datum(lf.value) == [3, 1, 2]
    vs = last("(define-syntax vs (syntax-rules () ((_ #(a b)) (vector b a))))\n(vs #(1 2))")
    assert [a.value for a in vs.args] == [2, 1]
    tail = last("(define-syntax tl (syntax-rules () ((_ a . r) '(r a))))\n(tl 1 2 3)")
    assert datum(tail.value) == [[2, 3], 1]


def test_nested_ellipses_and_depth_zero_under_ellipsis() -> None:
    table = "(define-syntax table (syntax-rules () ((_ (k v ...) ...) '((k (v ...)) ...))))\n"
    n = last(table + "(table (a 1 2) (b) (c 3))")
    assert datum(n.value) == [["a", [1, 2]], ["b", []], ["c", [3]]]
    tag = "(define-syntax tag (syntax-rules () ((_ t x ...) '((t x) ...))))\n"
    assert datum(last(tag + "(tag q 1 2)").value) == [["q", 1], ["q", 2]]


def test_recursive_macro_and_named_let_in_template() -> None:
    src = """(define-syntax while
  (syntax-rules () ((_ c body ...) (let loop () (when c body ... (loop))))))
(define loop 'user-loop)
(while (< j 1) (display loop))"""
    n = last(src)
    assert isinstance(n, C.App) and n.fn.bindings[0].macro == "while"
    when = n.fn.inits[0].body.exprs[0]
    display = when.then.exprs[0]
    assert isinstance(display.args[0], C.GlobalRef) and display.args[0].name is sym("loop")
    my_and = """(define-syntax my-and (syntax-rules () ((_) #t) ((_ e) e) ((_ e r ...) (if e (my-and r ...) #f))))
(my-and 1 2 3)"""
    m = last(my_and)
    assert isinstance(m, C.If) and isinstance(m.then, C.If) and m.then.then.value == 3


def test_macro_introduced_match_binders_and_quote() -> None:
    src = "(define-syntax pick (syntax-rules () ((_ e) (match e ((?x ?y) (list 'got x))))))\n(let ((x 9)) (pick x))"
    n = last(src)
    match = n.body.exprs[0]
    assert match.expr.binding is n.bindings[0]  # the user's x
    clause = match.clauses[0]
    ref = clause.body.exprs[0].args[1]
    assert ref.binding is clause.binders[0] and clause.binders[0].macro == "pick"
    assert clause.body.exprs[0].args[0].value is sym("got")


def test_macro_expanding_to_definitions_in_a_body() -> None:
    src = "(define-syntax def2 (syntax-rules () ((_ a b v) (begin (define a v) (define b v)))))\n" \
          "(define (f) (def2 p q 1) (+ p q))"
    lam = last(src).expr
    assert isinstance(lam.body, C.Letrec) and [b.name for b in lam.body.bindings] == ["p", "q"]
    call = lam.body.body.exprs[0]
    assert call.args[0].binding is lam.body.bindings[0]
