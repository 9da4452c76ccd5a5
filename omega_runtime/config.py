"""Runtime configuration and presets (RUNTIME.md "Presets")."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from .records import NamedTuple

CAPABILITIES = ("file.read", "file.write", "shell", "tool", "net")


# Named tuples rather than attrs classes: `omega run` builds both before anything else, and importing
# attrs with its class factory costs a third of its start-up.
class RuntimeConfig(NamedTuple):
    oracle: str | None = None  # scripted | replay | openai (None: OMEGA_ORACLE or scripted)
    oracle_script: str | None = None
    replay_receipts: str | None = None
    receipts: str | None = None  # where the run's receipts are written (JSON Lines)
    cache_dir: str | None = None  # artifact cache (off when None)
    capabilities: tuple[str, ...] = ()
    seed: int = 0
    budget: Mapping[str, float] = MappingProxyType({})  # steps llm-calls tokens seconds
    history: bool = True
    history_limit: int = 1_000_000
    tracing: bool = False
    break_on_uncaught: bool = False
    snapshots: bool = True
    features: tuple[str, ...] = ("amb", "streams", "transactions", "debug")
    server: bool = False
    host: str = "127.0.0.1"
    port: int = 7888
    session_store: str = "file"  # file | memory
    preset: str = "default"  # the preset the configuration started from (set by build_config)


class RuntimeProviders(NamedTuple):
    oracle: Any = None  # an OracleProvider; None: built from the config
    stdout: Callable[[str], None] | None = None
    stderr: Callable[[str], None] | None = None
    env: Mapping[str, str] | None = None
    tools: Sequence[Any] = ()


PRESETS: dict[str, dict[str, Any]] = {
    "default": {},
    "minimal": {"features": (), "history": False, "snapshots": False},
    "debug": {"history": True, "tracing": True, "break_on_uncaught": True},
    "production": {"history": False, "tracing": False, "cache_dir": ".omega-cache"},
    "testing": {"oracle": "scripted", "session_store": "memory"},
    "repl": {"history": True, "snapshots": True, "history_limit": 1000},
    "server": {"server": True, "host": "127.0.0.1", "port": 7888},
}

FIELDS = [name for name in RuntimeConfig._fields if name != "preset"]

# What each feature-gated operation, special form or procedure belongs to (RUNTIME.md "Presets").
FEATURE_OF: dict[str, str] = {
    **{name: "amb" for name in ("amb", "amb.choose", "amb.fail", "amb-collect", "require")},
    **{name: "transactions" for name in ("with-transaction", "commit.op", "commit!", "rollback!",
                                          "transaction-proposals", "proposal-result")},
    **{name: "streams" for name in ("cons-stream", "stream-car", "stream-cdr", "stream-pair?", "stream-null?",
                                     "stream", "list->stream", "stream->list", "stream-take", "stream-ref",
                                     "stream-map", "stream-filter", "integers-from")},
}


def feature_disabled(config: RuntimeConfig, op_name: str) -> str | None:
    """None when `op_name` (an effect op, special form or procedure name) may be used under
    `config`; else the message of the condition that using it signals."""
    feature = FEATURE_OF.get(op_name)
    if feature is None or feature in config.features:
        return None
    where = f"the {config.preset} preset" if config.preset != "default" else "this runtime's configuration"
    return f"{op_name}: {feature} disabled by {where}"


def build_config(config: Mapping[str, Any] | RuntimeConfig | None, preset: str | None) -> RuntimeConfig:
    """The preset's settings, overridden by `config`. Unknown keys and presets are ValueErrors."""
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; accepted presets: {', '.join(PRESETS)}")
    values: dict[str, Any] = dict(PRESETS[preset or "default"])
    if isinstance(config, RuntimeConfig):
        values.update(config._asdict())
    elif config is not None:
        for key, value in config.items():
            if key not in FIELDS:
                raise ValueError(f"unknown config key {key!r}; accepted keys: {', '.join(FIELDS)}")
            values[key] = value
    for cap in values.get("capabilities", ()):
        if cap not in CAPABILITIES:
            raise ValueError(f"unknown capability {cap!r}; accepted: {', '.join(CAPABILITIES)}")
    if "capabilities" in values:
        values["capabilities"] = tuple(values["capabilities"])
    if "features" in values:
        values["features"] = tuple(values["features"])
    if not isinstance(config, RuntimeConfig) or preset is not None:
        values["preset"] = preset or "default"
    return RuntimeConfig(**values)
