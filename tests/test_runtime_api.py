"""The package's public face (RUNTIME.md): `from omega_runtime import ...` gives exactly the
documented names, and the page's Python examples run as written."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path
from typing import Any

import omega_runtime
from omega_runtime import (
    PRESETS,
    AmbState,
    EvalResult,
    FixpointState,
    OmegaRuntime,
    RuntimeConfig,
    RuntimeProviders,
    StepResult,
    TransactionState,
)

SHARED = Path(os.environ.get("OMEGA_SHARED", Path(__file__).resolve().parents[2] / "shared"))
RUNTIME_MD = SHARED / "RUNTIME.md"

DOCUMENTED = {"OmegaRuntime", "RuntimeConfig", "RuntimeProviders", "EvalResult", "StepResult",
              "AmbState", "TransactionState", "FixpointState", "PRESETS"}


def test_the_package_exports_exactly_the_documented_names() -> None:
    assert set(omega_runtime.__all__) == DOCUMENTED
    for name in DOCUMENTED:
        assert getattr(omega_runtime, name) is not None


def test_the_exported_names_are_the_ones_the_runtime_uses() -> None:
    printed: list[str] = []
    with OmegaRuntime.create(preset="testing", providers=RuntimeProviders(stdout=printed.append)) as rt:
        assert isinstance(rt.get_config(), RuntimeConfig)
        rt.eval('(display "hi")')
        assert printed == ["hi"]
        assert isinstance(rt.eval("(+ 1 2)"), EvalResult)
        assert set(PRESETS) == {"default", "minimal", "debug", "production", "testing", "repl", "server"}
        rt.debug.launch("(define x 1)\nx\n")
        assert isinstance(rt.step(), StepResult)
        seen: list[Any] = []

        def probe(_data: Any) -> None:
            seen.append((rt.get_amb_state(), rt.get_transaction_state()))

        rt.on("amb-choice", probe)
        rt.on("transaction-begin", probe)
        rt.eval("(amb-collect (amb 1 2))")
        rt.eval("(with-transaction (amb 1 2))")
        assert any(isinstance(a, AmbState) for a, _t in seen)
        assert any(isinstance(t, TransactionState) for _a, t in seen)


def _python_blocks(markdown: str) -> list[str]:
    return [textwrap.dedent(m.group(1)) for m in re.finditer(r"```python\n(.*?)```", markdown, re.S)]


def test_runtime_md_examples_run_as_written() -> None:
    blocks = _python_blocks(RUNTIME_MD.read_text(encoding="utf-8"))
    assert blocks, "RUNTIME.md has Python examples"
    from omega_runtime.oracle import make_provider

    for block in blocks:
        # `my_oracle` is the page's placeholder for a provider of the reader's own.
        namespace: dict[str, Any] = {"my_oracle": make_provider("scripted", env={})}
        exec(compile(block, str(RUNTIME_MD), "exec"), namespace)
        result = namespace.get("result")
        if result is not None:
            assert isinstance(result, EvalResult) and result.printed == "3"


def test_fixpoint_state_is_visible_from_a_fixpoint_iteration_handler() -> None:
    seen: list[tuple[int, Any]] = []
    with OmegaRuntime.create() as rt:

        def on_iteration(data: Any) -> None:
            state = rt.get_fixpoint_state()
            assert isinstance(state, FixpointState)
            seen.append((data["iteration"], state.current.current))

        rt.on("fixpoint-iteration", on_iteration)
        result = rt.eval("(fixpoint (lambda (x) (quotient (+ x (quotient 100 x)) 2)) 100)")
        assert result.printed == "10"
        assert rt.get_fixpoint_state() is None
    # Newton's iteration for the square root of 100 from 100: each handler sees the value the
    # step is about to be applied to.
    assert seen == [(0, 100), (1, 50), (2, 26), (3, 14), (4, 10)]
