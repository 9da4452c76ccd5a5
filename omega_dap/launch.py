"""Launch and attach attributes (DEBUGGER.md 3): validation and the runtime configuration.

A known attribute of the wrong type is an `ArgumentError` (DAP 1002) naming it; unknown ones are
collected so the session can warn once about those not starting with `__`.
"""

from __future__ import annotations

import os
from typing import Any

import attrs

ORACLES = ("scripted", "replay", "openai")
CAPABILITIES = ("file.read", "file.write", "shell", "tool", "net")
BUDGET_KEYS = {"steps": "steps", "llmCalls": "llm-calls", "tokens": "tokens", "seconds": "seconds"}
# Attributes VS Code defines for every debug configuration (its launch.json schema) and reads
# itself: accepted silently, like `__sessionId` and the other `__` ones it adds.
VSCODE_ATTRIBUTES = frozenset({"type", "request", "name", "debugServer", "preLaunchTask", "postDebugTask",
                               "presentation", "internalConsoleOptions", "suppressMultipleSessionWarning",
                               "windows", "osx", "linux"})
KNOWN = VSCODE_ATTRIBUTES | {"program", "args", "cwd", "stopOnEntry", "oracle", "oracleScript", "receipts", "preset",
                             "budget", "capabilities", "seed", "historyLimit", "noDebug"}
ATTACH_KNOWN = VSCODE_ATTRIBUTES | {"host", "port", "historyLimit", "connectionFile", "cwd"}
DEFAULT_HISTORY = 1_000_000


class ArgumentError(Exception):
    """A missing, ill-typed or out-of-range argument (DAP 1002)."""


@attrs.define
class LaunchConfig:
    program: str
    args: list[str] = attrs.field(factory=list)
    cwd: str = ""
    stop_on_entry: bool = False
    oracle: str = "scripted"
    oracle_script: str | None = None
    receipts: str | None = None
    preset: str = "debug"
    budget: dict[str, float] = attrs.field(factory=dict)
    capabilities: list[str] = attrs.field(factory=list)
    seed: int = 0
    history_limit: int = DEFAULT_HISTORY
    no_debug: bool = False
    unknown: list[str] = attrs.field(factory=list)

    def runtime_config(self) -> dict[str, Any]:
        """The `config` mapping for `OmegaRuntime.create` (explicit attributes over the preset)."""
        cfg: dict[str, Any] = {"oracle": self.oracle, "capabilities": tuple(self.capabilities), "seed": self.seed}
        if self.oracle_script is not None:
            cfg["oracle_script"] = self.oracle_script
        if self.oracle == "replay":
            cfg["replay_receipts"] = self.receipts
        elif self.receipts is not None:
            cfg["receipts"] = self.receipts
        if self.budget:
            cfg["budget"] = dict(self.budget)
        return cfg

    def effective_history_limit(self, explicit: bool) -> int:
        if self.no_debug:
            return 0
        if self.preset == "production" and not explicit:
            return 0
        return self.history_limit


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check(args: dict[str, Any], key: str, ok: bool, what: str) -> None:
    if not ok:
        raise ArgumentError(f'launch: "{key}" must be {what}')


def _path(args: dict[str, Any], key: str, base: str) -> str | None:
    v = args.get(key)
    if v is None:
        return None
    _check(args, key, isinstance(v, str) and v != "", "a path (string)")
    return str(v) if os.path.isabs(v) else os.path.normpath(os.path.join(base, v))


def parse_launch(args: dict[str, Any], presets: tuple[str, ...]) -> tuple[LaunchConfig, bool]:
    """Validate launch arguments; returns the config and whether historyLimit was explicit."""
    program = args.get("program")
    if program is None:
        raise ArgumentError('launch: "program" is required')
    _check(args, "program", isinstance(program, str) and program != "", "a path (string)")
    cwd_arg = args.get("cwd")
    if cwd_arg is not None:
        _check(args, "cwd", isinstance(cwd_arg, str) and cwd_arg != "", "a path (string)")
    base = os.path.abspath(cwd_arg) if isinstance(cwd_arg, str) and cwd_arg else os.getcwd()
    prog = program if os.path.isabs(program) else os.path.normpath(os.path.join(base, program))
    cwd = base if cwd_arg else os.path.dirname(prog)
    cfg = LaunchConfig(program=prog, cwd=cwd)
    a = args.get("args", [])
    _check(args, "args", isinstance(a, list) and all(isinstance(x, str) for x in a), "an array of strings")
    cfg.args = list(a)
    soe = args.get("stopOnEntry", False)
    _check(args, "stopOnEntry", isinstance(soe, bool), "a boolean")
    cfg.stop_on_entry = soe
    oracle = args.get("oracle", "scripted")
    _check(args, "oracle", oracle in ORACLES, 'one of "scripted", "replay", "openai"')
    cfg.oracle = oracle
    cfg.oracle_script = _path(args, "oracleScript", cwd)
    cfg.receipts = _path(args, "receipts", cwd)
    if cfg.oracle == "replay" and cfg.receipts is None:
        raise ArgumentError('launch: "receipts" is required with oracle "replay"')
    preset = args.get("preset", "debug")
    _check(args, "preset", isinstance(preset, str) and preset in presets, f"one of {', '.join(presets)}")
    cfg.preset = preset
    budget = args.get("budget", {})
    _check(args, "budget", isinstance(budget, dict), "an object {steps, llmCalls, tokens, seconds}")
    for key, value in budget.items():
        if key not in BUDGET_KEYS:
            continue  # unknown keys are ignored like unknown attributes
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
        _check(args, f"budget.{key}", ok, "a positive number")
        cfg.budget[BUDGET_KEYS[key]] = value
    caps = args.get("capabilities", [])
    _check(args, "capabilities", isinstance(caps, list) and all(c in CAPABILITIES for c in caps),
           "an array of " + ", ".join(CAPABILITIES))
    cfg.capabilities = list(caps)
    seed = args.get("seed", 0)
    _check(args, "seed", _is_int(seed), "an integer")
    cfg.seed = seed
    hl = args.get("historyLimit", DEFAULT_HISTORY)
    _check(args, "historyLimit", _is_int(hl) and hl >= 0, "an integer >= 0")
    cfg.history_limit = hl
    nd = args.get("noDebug", False)
    _check(args, "noDebug", isinstance(nd, bool), "a boolean")
    cfg.no_debug = nd
    cfg.unknown = [k for k in args if k not in KNOWN and not k.startswith("__")]
    return cfg, "historyLimit" in args


@attrs.define
class AttachConfig:
    """`connectionFile` names the serve session's connection file (address and token); without
    it omega-dap looks in `cwd` (the workspace; default its own working directory) for
    `.omega/serve.json`, then in the user's runtime directory (omega_runtime.protocol.connection_file)."""

    host: str = "127.0.0.1"
    port: int = 7888
    history_limit: int = DEFAULT_HISTORY
    connection_file: str | None = None
    cwd: str | None = None
    port_given: bool = False


def parse_attach(args: dict[str, Any]) -> AttachConfig:
    cfg = AttachConfig()
    host = args.get("host", cfg.host)
    _check(args, "host", isinstance(host, str) and host != "", "a host name (string)")
    port = args.get("port", cfg.port)
    _check(args, "port", _is_int(port) and 0 < port < 65536, "a port number")
    hl = args.get("historyLimit", DEFAULT_HISTORY)
    _check(args, "historyLimit", _is_int(hl) and hl >= 0, "an integer >= 0")
    cf = args.get("connectionFile")
    _check(args, "connectionFile", cf is None or (isinstance(cf, str) and cf != ""), "a file path (string)")
    cwd = args.get("cwd")
    _check(args, "cwd", cwd is None or isinstance(cwd, str), "a directory (string)")
    cfg.host, cfg.port, cfg.history_limit = host, port, hl
    cfg.connection_file, cfg.cwd, cfg.port_given = cf, cwd or None, "port" in args
    return cfg


__all__ = ["LaunchConfig", "AttachConfig", "ArgumentError", "parse_launch", "parse_attach"]
