"""Procedure values made by the machine: closures, continuations, resumptions, oracle procedures."""

from __future__ import annotations

from typing import Any

from ..values import Procedure


class Closure(Procedure):
    __slots__ = ("lam", "env")

    def __init__(self, lam: Any, env: tuple[Any, ...]) -> None:
        self.name = lam.name  # (Procedure's one field, set here: interpreted, super() costs a call)
        self.lam = lam  # the compiled KLambda
        self.env = env


class ContinuationProc(Procedure):
    """A first-class continuation from call/cc: reinstalls `k` (multi-shot)."""

    __slots__ = ("k",)
    write_tag = "continuation"
    show_name = False

    def __init__(self, k: Any) -> None:
        super().__init__(None)
        self.k = k


class Resumption(Procedure):
    """A delimited, multi-shot resumption: the frames from `top` down to and including `base`
    (a handle frame, or a prompt's composable continuation when `include_base` is False)."""

    __slots__ = ("top", "base", "include_base")
    write_tag = "continuation"
    show_name = False

    def __init__(self, top: Any, base: Any, include_base: bool) -> None:
        super().__init__(None)
        self.top = top
        self.base = base
        self.include_base = include_base


class OracleProcedure(Procedure):
    __slots__ = ("params", "rest", "spec", "span")
    write_tag = "oracle-procedure"

    def __init__(self, name: str | None, params: tuple[str, ...], rest: str | None, spec: Any, span: Any) -> None:
        super().__init__(name)
        self.params = params
        self.rest = rest
        self.spec = spec
        self.span = span
