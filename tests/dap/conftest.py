"""Fixtures for the omega-dap tests: sample programs and a server per test (stdio)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))  # the transcript programs shared by the debugger tests
sys.path.insert(0, str(Path(__file__).parent))

from client import DapClient  # noqa: E402
from transcript_programs import PAIRS, STATS  # noqa: E402

PROGRAMS = {
    "pairs.omega": PAIRS,
    "stats.omega": STATS,
    "steps.omega": """; steps
(define (square x)
  (* x x))

(define (sum-squares a b)
  (+ (square a)
     (square b)))

(define total (sum-squares 3 4))
(display total)
(newline)
""",
    "counter.omega": """(define count 0)
(define (bump!) (set! count (+ count 1)))
(bump!)
(bump!)
(display count)
""",
    "spin.omega": """(define (spin n) (spin (+ n 1)))
(spin 0)
""",
    "tx.omega": """(define balance 100)
(with-transaction
  (set! balance 50)
  (display balance))
(display balance)
""",
    "bad.omega": "(define x (+ 1 2)\n(display x\n",
    "oracle.omega": '(display (ask-llm "What is 2+2?"))\n',
}


@pytest.fixture
def programs(tmp_path: Path) -> Path:
    for name, text in PROGRAMS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def dap() -> Iterator[DapClient]:
    client = DapClient.stdio()
    try:
        yield client
    finally:
        client.close()
    assert client.schema_errors == []
