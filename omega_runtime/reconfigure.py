"""`OmegaRuntime.configure(**changes)`: validate changes like `create` does and apply the live
ones to the running subsystems. Settings fixed at creation (receipts log, cache directory,
session store) cannot change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .config import FIELDS, RuntimeConfig, build_config

if TYPE_CHECKING:
    from .runtime import OmegaRuntime

FIXED = ("receipts", "cache_dir", "session_store")


def server_config(config: RuntimeConfig) -> dict[str, Any]:
    """The configuration of the runtimes an eval server creates per connection (no server)."""
    values = attrs.asdict(config, recurse=False)
    values.pop("preset", None)
    values["server"] = False
    return values


def reconfigure(rt: OmegaRuntime, config: RuntimeConfig, changes: Mapping[str, Any]) -> RuntimeConfig:
    for key in changes:
        if key not in FIELDS:
            raise ValueError(f"unknown config key {key!r}; accepted keys: {', '.join(FIELDS)}")
        if key in FIXED and changes[key] != getattr(config, key):
            raise ValueError(f"config key {key!r} cannot be changed after the runtime is created")
    values = attrs.asdict(config, recurse=False)
    preset = values.pop("preset")
    values.update(changes)
    new = attrs.evolve(build_config(values, None), preset=preset)
    if "budget" in changes:
        rt.budget.set_limits(new.budget)  # validates before anything else changes
    host = rt.host
    host.granted_capabilities = frozenset(new.capabilities)
    host.seed = new.seed
    if any(k in changes for k in ("oracle", "oracle_script", "replay_receipts")):
        from .oracle import make_provider

        host.provider = make_provider(new.oracle, script=new.oracle_script, receipts=new.replay_receipts)
    rt._config = new  # the gates and the server read the new configuration
    if "features" in changes:
        rt.feature_gates.apply()
    if any(k in changes for k in ("server", "host", "port")):
        rt.protocol.stop()
        rt.protocol.host, rt.protocol.port = new.host, new.port
        rt.protocol.config = server_config(new)
        if new.server:
            rt.protocol.start()
    return new


__all__ = ["reconfigure", "server_config", "FIXED"]
