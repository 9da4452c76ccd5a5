"""The security subsystem (LANGUAGE.md 12.2): the capabilities granted to the runtime, changed
from Python, and the denials observed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..config import CAPABILITIES

if TYPE_CHECKING:
    from .conditions import ConditionsManager, SignalRecord


class SecurityManager:
    def __init__(self, runtime: Any, conditions: ConditionsManager) -> None:
        self._rt = runtime
        self._conditions = conditions

    def granted(self) -> frozenset[str]:
        return frozenset(self._rt.host.granted_capabilities)

    def allows(self, capability: str) -> bool:
        return capability in self._rt.host.granted_capabilities

    def grant(self, *capabilities: str) -> None:
        self._set(self.granted() | frozenset(_check(c) for c in capabilities))

    def revoke(self, *capabilities: str) -> None:
        self._set(self.granted() - frozenset(_check(c) for c in capabilities))

    def _set(self, caps: frozenset[str]) -> None:
        self._rt.host.granted_capabilities = caps

    def denials(self) -> list[SignalRecord]:
        """The `capability-denied` conditions signalled this run."""
        return [r for r in self._conditions.history() if r.type == "capability-denied"]


def _check(cap: str) -> str:
    if cap not in CAPABILITIES:
        raise ValueError(f"unknown capability {cap!r}; accepted: {', '.join(CAPABILITIES)}")
    return cap


__all__ = ["SecurityManager"]
