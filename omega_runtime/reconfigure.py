"""`OmegaRuntime.configure(**changes)`: validate changes like `create` does. Settings fixed at
creation (receipts log, cache directory, session store) cannot change; the facade applies the
live ones to its running subsystems (runtime.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .config import FIELDS, RuntimeConfig, build_config

FIXED = ("receipts", "cache_dir", "session_store")


def server_config(config: RuntimeConfig) -> dict[str, Any]:
    """The configuration of the runtimes an eval server creates per connection (no server)."""
    values = config._asdict()
    values.pop("preset", None)
    values["server"] = False
    return values


def reconfigured(config: RuntimeConfig, changes: Mapping[str, Any]) -> RuntimeConfig:
    """`config` with `changes` applied, validated as `create` validates; ValueError for unknown
    keys and for settings fixed at creation."""
    for key in changes:
        if key not in FIELDS:
            raise ValueError(f"unknown config key {key!r}; accepted keys: {', '.join(FIELDS)}")
        if key in FIXED and changes[key] != getattr(config, key):
            raise ValueError(f"config key {key!r} cannot be changed after the runtime is created")
    values = config._asdict()
    preset = values.pop("preset")
    values.update(changes)
    return build_config(values, None)._replace(preset=preset)


__all__ = ["reconfigured", "server_config", "FIXED"]
