"""An error inside a standard procedure written in Omega (prelude.omega) is located at the
user's call of it (LANGUAGE.md 10.1 and 15.3: the span of the offending expression), whether the
call is in tail position or not (issue 16.6)."""

from __future__ import annotations

import pytest

from omega_runtime import OmegaRuntime

# Calls of standard procedures written in Omega that signal an error inside them.
FAILING_CALLS = [
    '(hash-table-ref t k)',
    '(fold + 0 (list 1 k))',
    '(vector-map car (vector k))',
    '(stream-ref (stream 1 2) 5)',
    '(hash-table-update! t k (lambda (v) v))',
]


def _report(program: str) -> str:
    with OmegaRuntime.create(preset="testing") as rt:
        result = rt.eval(program, source="prog.omega")
        assert result.condition is not None
        return result.report


def test_the_issue_program_reports_the_hash_table_ref_expression() -> None:
    report = _report('(define t (make-hash-table))\n(define (u k) (hash-table-ref t k))\n(display (u "b"))\n')
    assert report.splitlines() == [
        'prog.omega:2:15: key-error: hash-table-ref: no value for key "b"',
        "  at <top-level> (prog.omega:3:10)",
    ]


@pytest.mark.parametrize("call", FAILING_CALLS)
@pytest.mark.parametrize("position", ["tail", "argument", "tail of let"])
def test_errors_inside_standard_procedures_are_located_at_the_users_call(call: str, position: str) -> None:
    body = {"tail": call, "argument": f"(list {call})", "tail of let": f"(let ((z 1)) {call})"}[position]
    prefix = "(define (u t k) "
    program = f'{prefix}{body})\n(u (make-hash-table) "b")\n'
    column = len(prefix) + body.index(call) + 1
    first, *rest = _report(program).splitlines()
    assert first.startswith(f"prog.omega:1:{column}: "), (first, call, position)
    # The caller's line: u's activation when the standard procedure was not a tail call of it.
    assert rest[-1] == "  at <top-level> (prog.omega:2:1)"


def test_a_tail_call_chain_through_standard_procedures_stays_in_constant_space() -> None:
    # `hash-table-ref` calls its failure thunk in tail position: a loop through it must not grow
    # the continuation.
    depths: list[int] = []
    with OmegaRuntime.create(preset="testing", config={"capabilities": ["tool"]}) as rt:

        def depth() -> bool:
            k, n = rt.state_coordinator.continuation(), 0
            while k is not None:
                k, n = k.next, n + 1
            depths.append(n)
            return True

        rt.register_tool("depth", depth)
        rt.eval("(define (down n) (if (= n 0) (effect tool.op 'depth) "
                "(hash-table-ref (make-hash-table) 'none (lambda () (down (- n 1))))))")
        for n in (1, 10, 1000):
            assert rt.eval(f"(down {n})").printed == "#t"
    assert depths[0] == depths[1] == depths[2]
