"""What an evaluation gives its host (RUNTIME.md "Core evaluation"), in a module of its own so
that the subsystems, the debugger and the servers name it without importing the facade."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from .records import NamedTuple
from .span import Span
from .syntax import Diagnostic
from .values import VOID, Condition


class EvalResult(NamedTuple):
    value: Any = VOID
    printed: str = ""  # the value's write form ("" for void)
    output: str = ""  # what the program displayed during this evaluation
    condition: Condition | None = None  # an unhandled condition
    steps: int = 0
    receipts: Sequence[Any] = ()  # oracle calls made by this evaluation (a list)
    diagnostics: Sequence[Diagnostic] = ()  # reader errors (nothing ran; a list)
    exit_code: int | None = None  # set when the program called `exit`
    report: str = ""  # the uncaught condition's report (LANGUAGE.md 15.3)

    @property
    def ok(self) -> bool:
        return self.condition is None and not self.diagnostics


class EvaluationInterceptor(Protocol):
    """What a debugger attached to the session installs in `OmegaRuntime.evaluation_interceptor`:
    the session's inputs (`omega serve` evals and loads) are handed to it instead of being run
    directly. `evaluate` returns when the input has run to its end; `interrupt` ends the
    evaluation it is running (False when it runs none)."""

    def evaluate(self, text: str, source: str) -> EvalResult: ...

    def interrupt(self) -> bool: ...


def format_report(cond: Condition, backtrace: list[tuple[str, Span | None]], text: str) -> str:
    """`LOCATION: TYPE: MESSAGE` then `  at NAME (FILE:LINE:COL)` lines (LANGUAGE.md 15.3)."""
    loc = cond.span.location() if cond.span is not None else "<unknown>"
    lines = [f"{loc}: {cond.ctype.name}: {text}"]
    frames = [f"  at {name} ({span.location() if span is not None else '<unknown>'})" for name, span in backtrace]
    if len(frames) > 50:
        frames = frames[:40] + [f"  ... {len(frames) - 50} more ..."] + frames[-10:]
    return "\n".join(lines + frames)


__all__ = ["EvalResult", "EvaluationInterceptor", "format_report"]
