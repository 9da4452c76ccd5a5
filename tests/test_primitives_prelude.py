"""The prelude's procedures (prelude.omega) run through the public runtime facade."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omega_runtime import OmegaRuntime


@pytest.fixture(scope="module")
def rt() -> Iterator[OmegaRuntime]:
    runtime = OmegaRuntime.create()
    yield runtime
    runtime.dispose()


def ev(rt: OmegaRuntime, code: str) -> str:
    result = rt.eval(code)
    assert result.condition is None, result.condition.message
    return str(result.printed)


def fails(rt: OmegaRuntime, code: str) -> tuple[str, str]:
    result = rt.eval(code)
    assert result.condition is not None
    return result.condition.ctype.name, result.condition.message


def test_map_for_each_filter_fold(rt: OmegaRuntime) -> None:
    assert ev(rt, "(map + '(1 2 3) '(10 20))") == "(11 22)"
    assert ev(rt, "(let ((acc '())) (for-each (lambda (x y) (set! acc (cons (+ x y) acc))) '(1 2) '(10 20)) acc)") == (
        "(22 11)")
    assert ev(rt, "(list (filter odd? '(1 2 3 4 5)) (remove odd? '(1 2 3 4 5)))") == "((1 3 5) (2 4))"
    assert ev(rt, "(list (reduce + 0 '(1 2 3)) (reduce + 0 '()) (reduce max 0 '(3 9 2)))") == "(6 0 9)"
    assert ev(rt, "(list (fold cons '() '(1 2 3)) (fold + 0 '(1 2) '(10 20)) (fold-left - 0 '(1 2 3)))") == (
        "((3 2 1) 33 -6)")
    assert ev(rt, "(list (fold-left list '() '(1 2) '(3 4)) (fold-right cons '() '(1 2 3)) "
                  "(fold-right list 'z '(1 2) '(3 4 5)))") == "(((() 1 3) 2 4) (1 2 3) (1 3 (2 4 z)))"
    assert ev(rt, "(list (any odd? '(2 4 5)) (any < '(3 1) '(2 2)) (every odd? '()) (every + '(1 2) '(3 4)) "
                  "(list-index even? '(1 3 4)))") == "(#t #t #t 6 2)"


def test_member_assoc_with_custom_equality(rt: OmegaRuntime) -> None:
    assert ev(rt, "(list (member 2.0 '(1 2 3) =) (member \"b\" '(\"a\" \"b\")) (assoc 2.0 '((1 . a) (2 . b)) =))") == (
        '((2 3) ("b") (2 . b))')
    assert fails(rt, "(member 1 '(1) = 4)") == ("arity-error", "member: expected 2 to 3 arguments, got 4")


def test_sort_is_stable_on_lists_and_vectors(rt: OmegaRuntime) -> None:
    assert ev(rt, "(list (sort '(3 1 2) <) (sort (vector 3 1 2) <) (sort '() <))") == "((1 2 3) #(1 2 3) ())"
    assert ev(rt, "(sort '((1 . a) (0 . b) (1 . c) (0 . d)) (lambda (x y) (< (car x) (car y))))") == (
        "((0 . b) (0 . d) (1 . a) (1 . c))")
    assert fails(rt, "(sort 5 <)") == ("wrong-type", "sort: expected list, got 5")


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(-50, 50), max_size=40))
def test_sort_matches_python(xs: list[int]) -> None:
    runtime = _shared()
    text = "(" + " ".join(map(str, xs)) + ")"
    assert ev(runtime, f"(sort '{text} <)") == "(" + " ".join(map(str, sorted(xs))) + ")"


_RT: list[OmegaRuntime] = []


def _shared() -> OmegaRuntime:
    if not _RT:
        _RT.append(OmegaRuntime.create())
    return _RT[0]


def test_type_errors_read_as_the_procedures_own(rt: OmegaRuntime) -> None:
    assert fails(rt, "(map car 5)") == ("wrong-type", "map: expected list, got 5")
    assert fails(rt, "(map 5 '(1))") == ("wrong-type", "map: expected procedure, got 5")
    assert fails(rt, "(vector-map car 5)") == ("wrong-type", "vector-map: expected vector, got 5")
    assert fails(rt, "(hash-table-ref 5 1)") == ("wrong-type", "hash-table-ref: expected hash-table, got 5")
    assert fails(rt, "(map car)") == ("arity-error", "map: expected at least 2 arguments, got 1")


def test_vectors_and_hash_tables(rt: OmegaRuntime) -> None:
    assert ev(rt, "(vector-map + #(1 2) #(10 20 30))") == "#(11 22)"
    assert ev(rt, "(let ((acc '())) (vector-for-each (lambda (x) (set! acc (cons x acc))) #(1 2 3)) acc)") == "(3 2 1)"
    ev(rt, "(define h (make-hash-table))")
    ev(rt, "(hash-table-set! h 'b 2)")
    assert ev(rt, "(list (hash-table-ref h 'b) (hash-table-ref h 'zz (lambda () 'thunk)))") == "(2 thunk)"
    ev(rt, "(hash-table-update! h 'b (lambda (v) (* v 10)))")
    ev(rt, "(hash-table-update! h 'n (lambda (v) (+ v 1)) (lambda () 0))")
    ev(rt, "(hash-table-update!/default h 'm (lambda (v) (cons 'x v)) '())")
    assert ev(rt, "(hash-table->alist h)") == "((b . 20) (n . 1) (m x))"
    assert fails(rt, "(hash-table-update! h 'absent car)") == (
        "key-error", "hash-table-update!: no value for key absent")


def test_streams(rt: OmegaRuntime) -> None:
    ev(rt, "(define (ints n) (cons-stream n (ints (+ n 1))))")
    assert ev(rt, "(stream-take (stream-map * (ints 1) (ints 1)) 5)") == "(1 4 9 16 25)"
    assert ev(rt, "(stream-ref (stream-filter odd? (integers-from 1)) 3)") == "7"
    assert ev(rt, "(list (stream->list (stream 1 2 3)) (stream->list (ints 10) 3) (stream-take (stream 1 2) 5))") == (
        "((1 2 3) (10 11 12) (1 2))")
    assert fails(rt, "(stream-ref (stream 1 2 3) 5)") == ("index-error", "stream-ref: index 5 out of range for length 3")
    ev(rt, "(define count 0)")
    ev(rt, "(define s (let loop ((n 0)) (cons-stream n (begin (set! count (+ count 1)) (loop (+ n 1))))))")
    assert ev(rt, "(list (stream-ref s 3) count (stream-take s 5) count)") == "(3 3 (0 1 2 3 4) 4)"


def test_redefining_a_prelude_procedure_affects_later_lookups_only() -> None:
    rt = OmegaRuntime.create()
    ev(rt, "(define (map f l) 'mine)")
    assert ev(rt, "(list (map car '((1))) (vector-map (lambda (x) (* x 2)) #(1 2)))") == "(mine #(2 4))"
    assert ev(rt, "(stream->list (stream-map + (stream 1 2) (stream 10 20)))") == "(11 22)"
    rt.dispose()


def test_long_lists_run_in_constant_continuation_depth(rt: OmegaRuntime) -> None:
    assert ev(rt, "(length (map (lambda (x) x) (iota 100000)))") == "100000"
    assert ev(rt, "(fold + 0 (filter even? (iota 100000)))") == "2499950000"
