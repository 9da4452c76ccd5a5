"""Every expansion error code of LANGUAGE.md 15.1, with the span of the offending sub-form."""

from __future__ import annotations

import pytest

from omega_runtime.expander import Expander, ExpandError, expand_program
from omega_runtime.reader import read

PRELUDE = "(define-syntax two-args (syntax-rules () ((_ a b) (list a b))))\n"

# (program text, code, text of the span the error points at)
CASES = [
    ("(if)", "E0101", "(if)"),
    ("(define x 1 2)", "E0101", "(define x 1 2)"),
    ("(lambda)", "E0101", "(lambda)"),
    ("(define ((curried a) b) a)", "E0101", "(curried a)"),
    ("(handle 1 (on op (k) 1) (on op (k) 2))", "E0101", "(on op (k) 2)"),
    ("(quote)", "E0101", "(quote)"),
    ("(f . x)", "E0101", "(f . x)"),
    ("(let (x 1) x)", "E0102", "x"),
    ("(lambda (1) 1)", "E0102", "1"),
    ("(let ([x 1]) x)", "E0102", "[x 1]"),
    ("(let [(x 1)] x)", "E0102", "[(x 1)]"),
    ("(if #t (define y 1) 2)", "E0103", "(define y 1)"),
    ("(f (define-record-type <a> (a) a?))", "E0103", "(define-record-type <a> (a) a?)"),
    ("(lambda (a a) a)", "E0104", "a"),
    ("(let ((x 1) (x 2)) x)", "E0104", "x"),
    ("(define-record-type <p> (p x) p? (x px) (x py))", "E0104", "x"),
    ("(lambda () (define a 1) (define a 2) a)", "E0104", "a"),
    ("(two-args 1)", "E0105", "(two-args 1)"),
    ("(define-syntax bad (syntax-rules () ((_ a ...) a)))", "E0106", "a"),
    ("(define-syntax bad (syntax-rules () ((_ a ... b ...) 1)))", "E0106", "..."),
    ("(define-syntax bad (syntax-rules () ((_ a) (a ...))))", "E0106", "..."),
    ("(define-syntax bad (syntax-rules () ((_ ...) 1)))", "E0106", "..."),
    ("(unquote x)", "E0107", "(unquote x)"),
    (",@x", "E0107", ",@x"),
    ("`,@x", "E0107", ",@x"),
    ("(let () (define-syntax m (syntax-rules () ((_) 1))) (m))", "E0108", "(define-syntax m (syntax-rules () ((_) 1)))"),
    ("(f (define-syntax m (syntax-rules () ((_) 1))))", "E0108", "(define-syntax m (syntax-rules () ((_) 1)))"),
    ("(match 1 (foo 1))", "E0109", "foo"),
    ("(match 1 ((a ...) 1))", "E0109", "a"),
    ("(match 1 ((?a ... ?b) 1))", "E0109", "..."),
    ("(match 1 (#(?a ...) 1))", "E0109", "..."),
    ("(cond (else 1) (#t 2))", "E0110", "else"),
    ("(cond (1 => f g))", "E0110", "=>"),
    ("(case 1 (else 1) ((1) 2))", "E0110", "else"),
    ("(guard (e (else 1) (#t 2)) 3)", "E0110", "else"),
    ("(define if 1)", "E0111", "if"),
    ("(define (lambda x) x)", "E0111", "lambda"),
]


def first_error(text: str) -> tuple[ExpandError, str]:
    full = PRELUDE + text
    result = read(full, "err.omega")
    assert not result.diagnostics
    outcomes, _ = expand_program(result.data)
    errors = [o for o in outcomes if isinstance(o, ExpandError)]
    assert errors, f"no error for {text}"
    return errors[0], full


@pytest.mark.parametrize(("text", "code", "where"), CASES)
def test_error_code_and_span(text: str, code: str, where: str) -> None:
    err, full = first_error(text)
    assert err.code == code, err.message
    assert full[err.span.start_offset:err.span.end_offset] == where
    d = err.diagnostic()
    assert d.code == code and d.span == err.span and d.format().startswith(f"err.omega:2:{err.span.start_col}: error {code}: ")


def test_expand_program_keeps_going_after_an_error() -> None:
    result = read("(if) (define x 1) (lambda)", "t")
    outcomes, expander = expand_program(result.data)
    assert [type(o).__name__ for o in outcomes] == ["ExpandError", "DefineGlobal", "ExpandError"]
    assert isinstance(expander, Expander)


def test_runaway_macro_is_reported_not_hung() -> None:
    err, _ = first_error("(define-syntax loop (syntax-rules () ((_) (loop)))) (loop)")
    assert err.code == "E0105" and "does not terminate" in err.message


def test_no_error_for_a_matching_use() -> None:
    result = read(PRELUDE + "(two-args 1 2)", "t")
    outcomes, _ = expand_program(result.data)
    assert not any(isinstance(o, ExpandError) for o in outcomes)
