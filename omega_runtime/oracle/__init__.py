"""Oracle providers (scripted, replay, openai), receipts log and artifact cache (LANGUAGE.md 5).

The machine builds one provider per run with `make_provider` and, per request, calls
`provider.answer(OracleRequest(...))`: an OracleAnswer, or OracleFailure (-> `oracle-error`) or
ReplayMiss (-> `replay-miss`). Answered requests go to a ReceiptLog.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .receipts import Receipt, ReceiptLog, make_receipt
from .replay import ReplayProvider, load_receipts
from .request import (
    OracleAnswer,
    OracleConfigError,
    OracleFailure,
    OracleProvider,
    OracleRequest,
    ReplayMiss,
    word_count,
)
from .scripted import ScriptedProvider, load_script

if TYPE_CHECKING:
    from .artifacts import ArtifactCache
    from .openai import OpenAIProvider

KINDS = ("scripted", "replay", "openai")

__all__ = [
    "KINDS",
    "ArtifactCache",
    "OpenAIProvider",
    "OracleAnswer",
    "OracleConfigError",
    "OracleFailure",
    "OracleProvider",
    "OracleRequest",
    "Receipt",
    "ReceiptLog",
    "ReplayMiss",
    "ReplayProvider",
    "ScriptedProvider",
    "load_receipts",
    "load_script",
    "make_provider",
    "make_receipt",
    "word_count",
]


def __getattr__(name: str) -> Any:
    # The openai provider imports httpx (and the ssl/http stack, ~25 ms): only when asked for;
    # the artifact cache, only for a run given a cache directory.
    if name == "OpenAIProvider":
        from .openai import OpenAIProvider

        return OpenAIProvider
    if name == "ArtifactCache":
        from .artifacts import ArtifactCache

        return ArtifactCache
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def make_provider(
    kind: str | None = None,
    *,
    script: str | None = None,
    receipts: str | None = None,
    env: Mapping[str, str] | None = None,
) -> ScriptedProvider | ReplayProvider | OpenAIProvider:
    """The run's oracle. Unset arguments come from `env` (default `os.environ`): `OMEGA_ORACLE`
    (default `scripted`), `OMEGA_ORACLE_SCRIPT`, `OMEGA_REPLAY_RECEIPTS`, and for openai
    `OMEGA_LLM_BASE_URL`, `OMEGA_LLM_MODEL`, `OMEGA_LLM_API_KEY`. Empty values count as unset.
    Raises OracleConfigError for an unknown kind, a replay without a receipts file, or an
    unreadable script or receipts file. A missing openai model is reported per request (5.4)."""
    e = os.environ if env is None else env
    kind = kind or e.get("OMEGA_ORACLE") or "scripted"
    if kind == "scripted":
        path = script or e.get("OMEGA_ORACLE_SCRIPT") or None
        return ScriptedProvider(load_script(path) if path else None)
    if kind == "replay":
        path = receipts or e.get("OMEGA_REPLAY_RECEIPTS") or None
        if path is None:
            raise OracleConfigError("the replay oracle needs a receipts file (set OMEGA_REPLAY_RECEIPTS)")
        return ReplayProvider.from_file(path)
    if kind == "openai":
        from .openai import OpenAIProvider

        return OpenAIProvider(e.get("OMEGA_LLM_BASE_URL"), e.get("OMEGA_LLM_MODEL"), e.get("OMEGA_LLM_API_KEY"))
    raise OracleConfigError(f"unknown oracle {kind!r} (expected one of {', '.join(KINDS)})")
