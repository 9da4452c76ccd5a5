"""Effects and choices under a deep recursion (issue 15): finding the handler or the amb-collect
of an effect costs the frames pushed since the last search, and a tail-resumptive handler
resumes without copying the captured frames; the answers are those of a walk of the whole
continuation and of a copied resumption."""

from __future__ import annotations

from typing import Any

import pytest

from omega_runtime import OmegaRuntime
from omega_runtime.debug.controller import DebugController, Stop
from omega_runtime.machine import frames as F


def run(program: str) -> str:
    result = OmegaRuntime.create().eval(program)
    assert result.ok, result.report
    return result.printed


def walked(k: Any) -> Any:
    """The innermost handle, extent or callback frame, by walking the whole continuation."""
    while k is not None and type(k) not in (F.HandleFrame, F.ExtentFrame, F.CallbackFrame):
        k = k.next
    return k


# Handlers, amb-collects, parameterize and transactions interleaved with deep recursions.
PROGRAMS = {
    "amb-under-recursion": "(define (f n) (if (= n 0) 0 (+ (amb 1 2) (f (- n 1))))) (f 40)",
    "collect-inside-handler": """
        (define (f n) (if (= n 0) '() (cons (effect pick n) (f (- n 1)))))
        (handle (amb-collect (let ((xs (f 6))) (require (even? (apply + xs))) xs))
                (on pick (x k) (k (amb x (- x)))))""",
    "nested-handlers": """
        (define (g n) (if (= n 0) (effect outer 0) (+ (effect inner n) (g (- n 1)))))
        (handle (handle (g 30) (on inner (x k) (k (* 2 x))))
                (on outer (x k) (k 1000)))""",
    "collect-in-collect": """
        (define (h n) (if (= n 0) '() (cons (amb 0 1) (h (- n 1)))))
        (amb-collect (length (amb-collect (h 3))))""",
    "transaction-and-parameter": """
        (define p (make-parameter 1))
        (define (d n) (if (= n 0) (p) (+ (parameterize ((p (+ (p) 1))) (d (- n 1))) 0)))
        (amb-collect (with-transaction (+ (amb 1 2) (d 20))))""",
    "escapes-through-dynamic-wind": """
        (define log '())
        (define (note x) (set! log (cons x log)))
        (define (f n k) (if (= n 0) (k 'out)
                            (dynamic-wind (lambda () (note n)) (lambda () (f (- n 1) k)) (lambda () (note (- n))))))
        (list (call/cc (lambda (k) (f 3 k))) (reverse log))""",
    "signals-to-a-handler-below": """
        (define (d n) (if (= n 0) 0 (+ (raise-continuable 'x) (d (- n 1)))))
        (list (with-exception-handler (lambda (e) 1) (lambda () (d 12)))
              (handler-bind ((condition (lambda (c) (invoke-restart 'use 2))))
                (restart-case (signal (make-condition 'condition "s" '())) (use (v) v))))""",
    "guards-and-prompts": """
        (define (g n) (if (= n 0) (raise 'deep) (+ 1 (g (- n 1)))))
        (list (guard (e (#t (list 'caught e))) (g 25))
              (call-with-prompt 'p (lambda () (+ 1 (abort-to-prompt 'p 41))) (lambda (k v) (+ v 1))))""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_the_remembered_search_agrees_with_a_walk_at_every_step(name: str) -> None:
    dc = DebugController(OmegaRuntime.create(preset="debug"))
    assert dc.launch(PROGRAMS[name], f"{name}.omega") == []
    result = dc.resume()
    while isinstance(result, Stop):
        result = dc.resume()
    assert result.code == 0, result.report
    h = dc.history
    for step in range(h.oldest, h.newest + 1):
        k = h.get(step).k
        assert F.innermost_marked(k) is walked(k), f"step {step}"


def test_results_under_deep_recursions() -> None:
    assert run("(define (f n) (if (= n 0) 0 (+ (amb 1 2) (f (- n 1))))) (f 3000)") == "3000"
    assert run("""(define (f n) (if (= n 0) 0 (+ (effect tick) (f (- n 1)))))
                  (handle (f 3000) (on tick (k) (k 1)))""") == "3000"
    # amb-collect around a deep recursion: every combination, innermost collect first
    assert run("""(define (h n) (if (= n 0) '() (cons (amb 0 1) (h (- n 1)))))
                  (length (amb-collect (h 10)))""") == "1024"


def test_amb_collect_gives_every_value_in_the_order_found() -> None:
    # The values gathered so far are a chain, newest first (adding one no longer copies the
    # others): the list is the chain reversed, nested collects each keep their own.
    assert run("""(define (upto i n) (if (> i n) (amb) (amb i (upto (+ i 1) n))))
                  (equal? (amb-collect (upto 1 3000)) (let loop ((i 3000) (acc '()))
                                                         (if (= i 0) acc (loop (- i 1) (cons i acc)))))""") == "#t"
    assert run("""(amb-collect (let ((x (amb 1 2))) (list x (amb-collect (amb (* x 10) (* x 100))))))""") \
        == "((1 (10 100)) (2 (20 200)))"
    assert run("(amb-collect (amb))") == "()"


def test_dynamic_context_under_deep_recursions() -> None:
    """Parameters, guards, call/cc escapes and dynamic-wind under deep recursions: the frames a
    transfer leaves and enters are found among the extent frames alone."""
    assert run("""(define p (make-parameter 1))
                  (define (d n) (if (= n 0) 0 (+ (p) (d (- n 1)))))
                  (list (d 3000) (parameterize ((p 2)) (d 3000)))""") == "(3000 6000)"
    assert run("""(define (d n) (if (= n 0) 0 (+ (guard (e (#t 1)) (raise 'x)) (d (- n 1)))))
                  (d 3000)""") == "3000"
    assert run("""(define (d n) (if (= n 0) 0 (+ (call/cc (lambda (k) (k 1))) (d (- n 1)))))
                  (d 3000)""") == "3000"
    assert run("""(define (d n) (if (= n 0) 0 (+ (raise-continuable 'x) (d (- n 1)))))
                  (with-exception-handler (lambda (e) 1) (lambda () (d 3000)))""") == "3000"
    # an escape out of nested dynamic-winds runs every after-thunk, innermost first
    assert run(PROGRAMS["escapes-through-dynamic-wind"]) == "(out (3 2 1 -1 -2 -3))"
    # re-entering a continuation captured inside dynamic-winds runs the before-thunks again
    assert run("""(let ((log '()) (k2 #f) (n 0))
                    (dynamic-wind (lambda () (set! log (cons 'in log)))
                                  (lambda () (call/cc (lambda (k) (set! k2 k))) (set! n (+ n 1)))
                                  (lambda () (set! log (cons 'out log))))
                    (if (< n 3) (k2 #f))
                    (list n (reverse log)))""") == "(3 (in out in out in out))"


def test_resumptions_that_are_not_in_tail_position_still_copy() -> None:
    """Multi-shot and non-tail resumes (LANGUAGE.md 4.2) are unchanged by the tail-resume
    shortcut."""
    assert run("(handle (if (effect flip) 'heads 'tails) (on flip (k) (list (k #t) (k #f))))") == "(heads tails)"
    assert run("(handle (+ 1 (effect ask 10)) (on ask (x k) (+ (k (+ x 5)) 100)))") == "116"
    assert run("(handle (+ (effect get) (effect get)) (on get (k) (k 21)))") == "42"
    assert run("""(define (f n) (if (= n 0) '() (cons (effect flip) (f (- n 1)))))
                  (handle (f 3) (on flip (k) (append (k 0) (k 1))))""") == "(0 0 0 0 0 1 0 1 0 0 1 1 1 0 0 1 0 1 1 1 0 1 1 1)"
