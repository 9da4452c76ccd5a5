"""Expansion structure of each special form (LANGUAGE.md 3, 16.2)."""

from __future__ import annotations

from typing import Any

import pytest

from omega_runtime import core as C
from omega_runtime.expander import Expander, ExpandError, expand_program
from omega_runtime.reader import read
from omega_runtime.values import NIL, VOID, Pair, Vector, list_to_python, sym


def expand_all(text: str) -> list[C.Node]:
    result = read(text, "t.omega")
    assert not result.diagnostics
    nodes, _ = expand_program(result.data)
    for n in nodes:
        if isinstance(n, ExpandError):
            raise n
    return [n for n in nodes if isinstance(n, C.Node)]


def expand1(text: str) -> Any:
    return expand_all(text)[-1]


def span_text(text: str, node: Any) -> str:
    return text[node.span.start_offset:node.span.end_offset]


def py(v: Any) -> Any:
    """Omega data as Python lists/str for comparisons."""
    if isinstance(v, Pair) or v is NIL:
        items = list_to_python(v)
        assert items is not None
        return [py(i) for i in items]
    if isinstance(v, Vector):
        return ("#", [py(i) for i in v.items])
    if hasattr(v, "name") and type(v).__name__ == "Symbol":
        return v.name
    return v


def test_constants_and_references() -> None:
    text = "(list 1 \"s\" :k #t x)"
    n = expand1(text)
    assert isinstance(n, C.App) and isinstance(n.fn, C.GlobalRef) and n.fn.name is sym("list")
    assert [type(a).__name__ for a in n.args] == ["Const", "Const", "Const", "Const", "GlobalRef"]
    assert span_text(text, n.args[4]) == "x" and not n.synthetic


def test_quote_and_vector_literal() -> None:
    n = expand1("'(a \"b\" 1.5 #(1))")
    assert isinstance(n, C.Const) and py(n.value) == ["a", "b", 1.5, ("#", [1])]
    v = expand1("[1 2]")
    assert isinstance(v, C.Const) and isinstance(v.value, Vector)


def test_if_and_spans() -> None:
    text = "(if (f) 1)"
    n = expand1(text)
    assert isinstance(n, C.If) and n.else_ is None and span_text(text, n) == text
    assert span_text(text, n.test) == "(f)"


def test_define_procedure_docstring_and_name() -> None:
    n = expand1('(define (twice x) "Doubles x." (* 2 x))')
    assert isinstance(n, C.DefineGlobal) and n.name is sym("twice")
    lam = n.expr
    assert isinstance(lam, C.Lambda) and lam.name == "twice" and lam.doc == "Doubles x."
    assert isinstance(lam.body, C.Seq) and len(lam.body.exprs) == 1
    only = expand1('(define (s) "not a docstring")').expr
    assert only.doc is None and isinstance(only.body.exprs[0], C.Const)


def test_define_names_plain_lambda_and_let_binding() -> None:
    assert expand1("(define f (lambda (x) x))").expr.name == "f"
    n = expand1("(let ((g (lambda () 1)) (h 2)) g)")
    assert isinstance(n, C.Let) and n.inits[0].name == "g"
    assert [b.kind for b in n.bindings] == ["let", "let"]


def test_lambda_params_rest_and_symbol() -> None:
    lam = expand1("(lambda (a b . rest) rest)")
    assert [b.name for b in lam.params] == ["a", "b"] and lam.rest.name == "rest" and lam.rest.kind == "rest"
    ref = lam.body.exprs[0]
    assert isinstance(ref, C.LocalRef) and ref.binding is lam.rest
    assert lam.rest.references == [ref.span]
    lam2 = expand1("(lambda args args)")
    assert lam2.params == [] and lam2.rest.name == "args"


def test_set_marks_assigned_and_references() -> None:
    text = "(lambda (n) (set! n 5) n)"
    lam = expand1(text)
    b = lam.params[0]
    s, r = lam.body.exprs
    assert isinstance(s, C.SetLocal) and s.binding is b and b.assigned
    assert [text[sp.start_offset:sp.end_offset] for sp in b.references] == ["n", "n"]
    g = expand1("(set! z 1)")
    assert isinstance(g, C.SetGlobal) and g.name is sym("z")


def test_let_star_nests_lets() -> None:
    n = expand1("(let* ((x 2) (y (* x 3))) y)")
    assert isinstance(n, C.Let) and not n.synthetic
    inner = n.body
    assert isinstance(inner, C.Let) and inner.synthetic
    y_init = inner.inits[0]
    assert isinstance(y_init.args[0], C.LocalRef) and y_init.args[0].binding is n.bindings[0]


def test_named_let_shape() -> None:
    n = expand1("(let loop ((i 0)) (loop (+ i 1)))")
    assert isinstance(n, C.App) and not n.synthetic
    rec = n.fn
    assert isinstance(rec, C.Letrec) and rec.synthetic and rec.bindings[0].kind == "named-let"
    assert isinstance(rec.inits[0], C.Lambda) and rec.inits[0].name == "loop"
    assert isinstance(rec.body, C.LocalRef) and rec.body.binding is rec.bindings[0]
    call = rec.inits[0].body.exprs[0]
    assert call.fn.binding is rec.bindings[0]


def test_letrec_scope() -> None:
    n = expand1("(letrec* ((a 1) (b (+ a 1))) b)")
    assert isinstance(n, C.Letrec) and n.inits[1].args[0].binding is n.bindings[0]


def test_internal_defines_make_one_letrec_in_order() -> None:
    text = "(define (f) (define a 1) (display a) (begin (define b 2)) (+ a b))"
    lam = expand1(text).expr
    body = lam.body
    assert isinstance(body, C.Letrec) and [b.name for b in body.bindings] == ["a", "b"]
    # the display between the definitions runs before b's init
    assert isinstance(body.inits[1], C.Seq) and isinstance(body.inits[1].exprs[0], C.App)
    assert isinstance(body.body, C.Seq) and body.body.exprs[0].args[1].binding is body.bindings[1]


def test_internal_record_definition() -> None:
    n = expand1("(let () (define-record-type <pt> (mk x) pt? (x pt-x)) (pt-x (mk 9)))")
    body = n.body
    assert isinstance(body, C.Letrec)
    assert [b.name for b in body.bindings] == ["<pt>", "mk", "pt?", "pt-x"]
    assert all(b.kind == "record" for b in body.bindings)
    ctor = body.inits[1]
    assert ctor.fn.name == "%record-constructor" and ctor.args[0].binding is body.bindings[0]


def test_toplevel_record_type() -> None:
    n = expand1("(define-record-type <point> (make-point x y) point? (x point-x) (y point-y set-point-y!))")
    assert isinstance(n, C.Seq)
    names = [d.name.name for d in n.exprs]
    assert names == ["<point>", "make-point", "point?", "point-x", "point-y", "set-point-y!"]
    rt = n.exprs[0].expr
    assert rt.fn.name == "%record-type" and rt.args[0].value == "point" and py(rt.args[1].value) == ["x", "y"]
    mod = n.exprs[5].expr
    assert mod.fn.name == "%record-modifier" and py(mod.args[1].value) == "set-point-y!"
    assert py(mod.args[2].value) == "y"


def test_begin_splices_at_top_level() -> None:
    n = expand1("(begin (define a 1) (display a))")
    assert isinstance(n, C.Seq) and isinstance(n.exprs[0], C.DefineGlobal)
    assert isinstance(expand1("(begin)"), C.Const)


def test_cond_forms() -> None:
    n = expand1("(cond ((assv 2 al) => cdr) ((f)) (else 1 2))")
    assert isinstance(n, C.Let) and not n.synthetic and n.bindings[0].macro == "cond"
    arrow_if = n.body
    assert isinstance(arrow_if.then, C.App) and arrow_if.then.fn.name is sym("cdr")
    test_only = arrow_if.else_
    assert isinstance(test_only, C.Let) and isinstance(test_only.body.then, C.LocalRef)
    assert isinstance(test_only.body.else_, C.Seq)
    assert isinstance(expand1("(cond (#f 1))").else_, type(None))


def test_case_uses_memv() -> None:
    n = expand1("(case (* 2 3) ((2 3) 'p) ((4 6) => f) (else 'x))")
    assert isinstance(n, C.Let) and n.bindings[0].macro == "case"
    first = n.body
    assert isinstance(first, C.If) and isinstance(first.test.fn, C.PrimRef) and first.test.fn.name == "memv"
    assert py(first.test.args[1].value) == [2, 3]
    second = first.else_
    assert isinstance(second.then, C.App) and second.then.args[0].binding is n.bindings[0]
    assert isinstance(second.else_, C.Const) and py(second.else_.value) == "x"


def test_and_or_when_unless() -> None:
    assert isinstance(expand1("(and)"), C.And) and expand1("(or 1 2)").exprs[1].value == 2
    w = expand1("(when 1 2 3)")
    assert isinstance(w, C.If) and isinstance(w.then, C.Seq) and w.else_ is None
    u = expand1("(unless 1 2)")
    assert u.then.value is VOID and u.then.synthetic and isinstance(u.else_, C.Seq)


def test_do_is_a_named_let_loop() -> None:
    n = expand1("(do ((i 0 (+ i 1)) (acc '())) ((= i 3) acc) (display i))")
    assert isinstance(n, C.App) and isinstance(n.fn, C.Letrec)
    lam = n.fn.inits[0]
    assert [b.name for b in lam.params] == ["i", "acc"]
    test_if = lam.body
    assert isinstance(test_if, C.If) and isinstance(test_if.then, C.LocalRef)
    again = test_if.else_.exprs[-1]
    assert again.fn.binding is n.fn.bindings[0]
    assert again.args[1].binding is lam.params[1]  # no step: the variable itself


def test_quasiquote_expansion() -> None:
    n = expand1("`(1 ,x ,@y)")
    assert isinstance(n, C.App) and n.fn.name == "cons" and not n.synthetic
    assert isinstance(n.args[1], C.App) and n.args[1].fn.name == "cons"
    assert isinstance(n.args[1].args[1], C.GlobalRef)  # the last splice is used as is
    c = expand1("`(a (b c))")
    assert isinstance(c, C.Const) and py(c.value) == ["a", ["b", "c"]]
    v = expand1("`[a ,x]")
    assert v.fn.name == "list->vector"
    nested = expand1("`(a `(b ,(c ,x)))")
    assert isinstance(nested, C.App)
    mid = expand1("`(x ,@y z)")
    assert mid.args[1].fn.name == "append"


def test_match_patterns() -> None:
    n = expand1("(match e ((?a ?a 'k 1 \"s\" () . ?t) (list a t)) (#(?v _) v) ((?q ...) q) (else 0))")
    assert isinstance(n, C.Match) and len(n.clauses) == 4
    c0 = n.clauses[0]
    p = c0.pattern
    assert isinstance(p, C.PList) and p.items[0].first and not p.items[1].first
    assert p.items[0].binding is p.items[1].binding
    assert [type(i).__name__ for i in p.items[2:]] == ["PConst", "PConst", "PConst", "PConst"]
    assert py(p.items[2].value) == "k" and p.items[5].value is NIL
    assert [b.name for b in c0.binders] == ["a", "t"]
    assert c0.body.exprs[0].args[0].binding is c0.binders[0]
    assert isinstance(n.clauses[1].pattern, C.PVector)
    rep = n.clauses[2].pattern
    assert isinstance(rep.repeat, C.PBind) and rep.repeat_binders == [rep.repeat.binding]
    assert isinstance(n.clauses[3].pattern, C.PAny)


def test_laziness_forms() -> None:
    assert isinstance(expand1("(delay 1)"), C.Delay)
    assert expand1("(delay-force p)").force_chain
    cs = expand1("(cons-stream 1 (f))")
    assert isinstance(cs, C.App) and cs.fn.name == "cons" and isinstance(cs.args[1], C.Delay)
    assert cs.args[1].synthetic


def test_amb_and_require() -> None:
    a = expand1("(amb 1 (f))")
    assert isinstance(a, C.Effect) and a.op is sym("amb.choose")
    lst = a.args[0]
    assert lst.fn.name == "list" and all(isinstance(t, C.Lambda) and not t.params for t in lst.args)
    e = expand1("(amb)")
    assert e.op is sym("amb.fail") and e.args[0].value is sym("amb")
    r = expand1("(require (> x 1))")
    assert isinstance(r, C.If) and r.then.value is VOID and r.else_.op is sym("amb.fail")
    assert r.else_.args[0].value is sym("require")
    assert isinstance(expand1("(amb-collect (amb 1 2))"), C.AmbCollect)


def test_effect_and_handle() -> None:
    e = expand1("(effect ask 1 2)")
    assert e.op is sym("ask") and len(e.args) == 2
    h = expand1("(handle (f) (on get (x k) (k x)) (return (v) (list v)))")
    assert isinstance(h, C.Handle)
    clause = h.clauses[0]
    assert clause.op is sym("get") and [b.name for b in clause.params] == ["x"] and clause.k.name == "k"
    assert clause.body.exprs[0].fn.binding is clause.k
    assert h.return_param.name == "v" and h.return_body.exprs[0].args[0].binding is h.return_param


def test_extent_forms() -> None:
    t = expand1("(with-transaction (set! b 2) b)")
    assert isinstance(t, C.WithTransaction) and isinstance(t.body, C.Seq)
    b = expand1("(with-budget (steps 10) (llm-calls 2) (budget-remaining))")
    assert isinstance(b, C.WithBudget) and [d for d, _ in b.limits] == ["steps", "llm-calls"]
    c = expand1("(with-capabilities (file.read shell) (capabilities))")
    assert isinstance(c, C.WithCapabilities) and c.capabilities == ["file.read", "shell"]
    hb = expand1("(handler-bind ((oops (lambda (c) 1))) (f))")
    assert isinstance(hb, C.HandlerBind) and hb.handlers[0][0] is sym("oops")
    rc = expand1("(restart-case (f) (skip (v) v) (other () 1))")
    assert isinstance(rc, C.RestartCase) and rc.clauses[0].params[0].kind == "restart"
    assert rc.clauses[0].body.exprs[0].binding is rc.clauses[0].params[0]
    rb = expand1("(restart-bind ((skip (lambda (v) v))) (f))")
    assert isinstance(rb, C.RestartBind) and rb.restarts[0][0] is sym("skip")
    g = expand1("(guard (e ((string? e) 'str) ((f e) => g) ((h)) (else 0)) (car 5))")
    assert isinstance(g, C.Guard) and g.var.kind == "guard"
    assert g.clauses[0].test.args[0].binding is g.var
    assert g.clauses[1].arrow and g.clauses[2].body is None and g.clauses[3].test.value is True
    o = expand1('(define classify (oracle-lambda (text) "Classify"))').expr
    assert isinstance(o, C.OracleLambda) and o.name == "classify" and o.params[0].name == "text"


def test_define_syntax_is_synthetic_void() -> None:
    x = Expander()
    form = read("(define-syntax m (syntax-rules () ((_ a) a)))", "t").data[0]
    n = x.expand_toplevel(form)
    assert isinstance(n, C.Const) and n.value is VOID and n.synthetic and x.is_macro("m")
    assert not x.is_macro("n")


def test_local_binding_shadows_keywords() -> None:
    n = expand1("(let ((if list) (when 7)) (if 1 2 when))")
    call = n.body.exprs[0]
    assert isinstance(call, C.App) and call.fn.binding is n.bindings[0]


def test_redefining_a_macro_name_as_variable_drops_the_macro() -> None:
    nodes = expand_all("(define-syntax m (syntax-rules () ((_) 1))) (define m 5) (m)")
    assert isinstance(nodes[-1], C.App) and nodes[-1].fn.name is sym("m")


@pytest.mark.parametrize("text", ["(define x 1)", "(f x)", "(lambda (x) x)"])
def test_nodes_carry_their_form_span(text: str) -> None:
    n = expand1(text)
    assert span_text(text, n) == text and not n.synthetic
