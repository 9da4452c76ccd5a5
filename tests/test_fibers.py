"""Fibers and channels (RUNTIME.md `concurrency`) through the facade: deterministic scheduling,
joins, channels, virtual sleep, preemption and deadlock reports."""

from __future__ import annotations

from omega_runtime import OmegaRuntime


def run(src: str) -> tuple[str, str, str | None]:
    with OmegaRuntime.create() as rt:
        r = rt.eval(src, source="fibers.omega")
        return r.output, r.printed, r.report or None


def test_channel_ping_pong_is_ordered() -> None:
    out, printed, report = run("""
      (define ch (make-channel))
      (define p (spawn (lambda () (let loop ((i 0)) (when (< i 5) (channel-send ch i) (yield) (loop (+ i 1)))) 'done)))
      (define (take k acc) (if (= k 0) (reverse acc) (take (- k 1) (cons (channel-receive ch) acc))))
      (list (take 5 '()) (join p))""")
    assert report is None
    assert printed == "((0 1 2 3 4) done)"


def test_sleep_uses_a_virtual_clock_in_wake_order() -> None:
    out, printed, _ = run("""
      (define log '())
      (define a (spawn (lambda () (sleep 2) (set! log (cons 'slow log)))))
      (define b (spawn (lambda () (sleep 1) (set! log (cons 'fast log)))))
      (join a) (join b) (reverse log)""")
    assert printed == "(fast slow)"


def test_long_running_fibers_are_preempted_deterministically() -> None:
    src = """
      (define trace '())
      (define (worker name) (lambda () (let loop ((i 0)) (when (< i 3000) (when (= 0 (remainder i 1000)) (set! trace (cons name trace))) (loop (+ i 1))))))
      (define a (spawn (worker 'a))) (define b (spawn (worker 'b)))
      (join a) (join b) (reverse trace)"""
    first = run(src)[1]
    assert first == run(src)[1]
    assert "a" in first and "b" in first
    # Preemption interleaves the two loops instead of running one to completion first.
    assert first != "(a a a b b b)"


def test_deadlock_names_the_blocked_fibers() -> None:
    _out, _printed, report = run("""
      (define ch (make-channel))
      (define w (spawn (lambda () (channel-receive ch)) "waiter"))
      (join w)""")
    assert report is not None
    first = report.splitlines()[0]
    assert "deadlock: blocked fibers: main, waiter" in first
    assert "Traceback" not in report


def test_join_of_finished_fiber_and_wrong_types() -> None:
    _out, printed, _ = run("(define f (spawn (lambda () 42))) (yield) (list (fiber? f) (join f) (join f))")
    assert printed == "(#t 42 42)"
    _o, _p, report = run("(join 5)")
    assert report is not None and "join: expected fiber, got 5" in report
