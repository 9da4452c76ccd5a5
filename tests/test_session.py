"""Sessions: id, evaluation count, definitions, and resuming in a new process with identical
results and no repeated oracle call."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from omega_runtime import OmegaRuntime

SCRIPT = {"rules": [{"match": "colour", "values": ["red", "green", "blue"]}], "fallback": "unknown"}


def _run(code: str, cwd: Path) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_session_tracks_id_count_and_definitions() -> None:
    with OmegaRuntime.create() as rt:
        assert len(rt.session.id) == 32 and rt.session.eval_count == 0
        rt.eval("(define (sq x) (* x x)) (sq 3)")
        rt.eval("(car '())")
        rt.eval("(define-record-type <pt> (pt x) pt? (x pt-x)) (define-syntax twice (syntax-rules () ((_ e) (list e e))))")
        rt.eval("(define a 1) (car '()) (define b 2)")  # b never ran
        assert rt.session.eval_count == 4 and rt.session.history_position == 4
        assert rt.session.definitions == [
            "(define (sq x) (* x x))",
            "(define-record-type <pt> (pt x) pt? (x pt-x))",
            "(define-syntax twice (syntax-rules () ((_ e) (list e e))))",
            "(define a 1)",
        ]


def test_definitions_made_by_macros_are_recorded() -> None:
    with OmegaRuntime.create() as rt:
        rt.eval('(define-expert critic "Be harsh.")')
        assert rt.session.definitions == ['(define-expert critic "Be harsh.")']


def test_save_and_resume_in_another_process(tmp_path: Path) -> None:
    script = tmp_path / "rules.json"
    script.write_text(json.dumps(SCRIPT), encoding="utf-8")
    first = f"""
        from omega_runtime import OmegaRuntime
        rt = OmegaRuntime.create(config={{"oracle_script": {str(script)!r}}})
        rt.eval('(define c1 (ask-llm "Name a colour"))')
        rt.eval('(ask-llm "Name a colour")')  # not a definition: its receipt is not replayed
        rt.eval('(define c2 (ask-llm "Name a colour")) (define (shout s) (string-upcase s))')
        rt.eval('(define broken (car 1))')
        print(rt.eval('(list c1 c2 (shout c2))').printed)
        rt.session.save({str(tmp_path / "s.json")!r})
        print(rt.session.id, rt.session.eval_count)
    """
    out1 = _run(first, tmp_path).split("\n")
    assert out1[0] == '("red" "blue" "BLUE")'
    sid, count = out1[1].split()
    # The resumed process has an oracle that must never be asked: every answer comes from receipts.
    second = f"""
        from omega_runtime import RuntimeProviders
        from omega_runtime import OmegaRuntime
        class Refuse:
            kind = "refuse"
            def answer(self, req):
                raise AssertionError("oracle asked again: " + req.prompt)
        rt = OmegaRuntime.resume({str(tmp_path / "s.json")!r}, providers=RuntimeProviders(oracle=Refuse()))
        print(rt.eval('(list c1 c2 (shout c2))').printed)
        print(rt.session.id, rt.session.eval_count, len(rt.session.definitions), rt.session.load_errors)
        print(len(rt.llm.receipts()), rt.llm.receipts()[0].oracle)
    """
    out2 = _run(second, tmp_path).split("\n")
    assert out2[0] == '("red" "blue" "BLUE")'
    assert out2[1] == f"{sid} {int(count) + 1} 3 []"
    assert out2[2] == "2 replay"


def test_new_requests_after_resume_go_to_the_runtime_oracle(tmp_path: Path) -> None:
    with OmegaRuntime.create() as rt:
        rt.eval('(define a (ask-llm "echo: one"))')
        rt.session.save(tmp_path / "s.json")
    with OmegaRuntime.resume(tmp_path / "s.json") as rt2:
        assert rt2.eval("a").printed == '"one"'
        assert rt2.eval('(ask-llm "echo: two")').printed == '"two"'
        assert [r.oracle for r in rt2.llm.receipts()] == ["replay", "scripted"]


def test_loading_something_else_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "other"}', encoding="utf-8")
    with OmegaRuntime.create() as rt, pytest.raises(ValueError, match="not an Omega session"):
        rt.session.load(bad)
