"""The programs of DEBUGGER.md 14's transcripts, shared by the debugger tests."""

PAIRS = """; pairs.omega: the first pair with x > y
(define (pick-pair)
  (let ((x (amb 1 2 3))
        (y (amb 1 2 3)))

    (require (> x y))
    (list x y)))

(display (pick-pair))
"""

STATS = """(define (average xs) (/ (apply + xs) (length xs)))
(define (report xs) (display (average xs)))
(report '())
"""
