"""The example programs (examples/) run as a user runs them: every configuration of
examples/.vscode/launch.json (the F5 entries) is run through the `omega` CLI with the same
program, working directory, oracle script and capabilities, and through omega-dap's `launch`
as VS Code sends it; both must print exactly examples/expected/NAME.out and exit 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CONFIGS: list[dict[str, Any]] = json.loads((EXAMPLES / ".vscode" / "launch.json").read_text())["configurations"]


def resolved(config: dict[str, Any]) -> dict[str, Any]:
    """The configuration with ${workspaceFolder} substituted, as VS Code does."""
    text = json.dumps(config).replace("${workspaceFolder}", str(EXAMPLES))
    out: dict[str, Any] = json.loads(text)
    return out


def params() -> list[Any]:
    out = []
    for config in CONFIGS:
        out.append(pytest.param(resolved(config), id=Path(config["program"]).stem))
    return out


def expected(config: dict[str, Any]) -> str:
    return (EXAMPLES / "expected" / (Path(config["program"]).stem + ".out")).read_text(encoding="utf-8")


def test_every_example_has_a_launch_entry_and_an_expected_output() -> None:
    programs = sorted(p.name for p in EXAMPLES.glob("*.omega"))
    launched = sorted(Path(c["program"]).name for c in CONFIGS)
    assert programs == launched
    assert len(programs) >= 6
    for config in CONFIGS:
        assert (EXAMPLES / "expected" / (Path(config["program"]).stem + ".out")).is_file()
        assert config["type"] == "omega" and config["request"] == "launch"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for program in programs:
        assert f"examples/{program}" in readme, f"the README points at {program}"


@pytest.mark.parametrize("config", params())
def test_example_through_the_cli(config: dict[str, Any]) -> None:
    cmd = [sys.executable, "-m", "omega_runtime.cli", "run"]
    if "oracleScript" in config:
        cmd += ["--oracle-script", config["oracleScript"]]
    for cap in config.get("capabilities", []):
        cmd += ["--allow", cap]
    cmd.append(config["program"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(cmd, cwd=config["cwd"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.stderr == ""
    assert proc.stdout == expected(config)
    assert proc.returncode == 0


@pytest.mark.parametrize("config", params())
def test_example_under_the_debugger(config: dict[str, Any]) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "dap"))
    from client import DapClient

    dap = DapClient.stdio()
    try:
        dap.initialize()
        r = dap.request("launch", config)
        assert r["success"], r
        dap.ok("configurationDone")
        exited = dap.event("exited", timeout=120)
        assert exited["body"]["exitCode"] == 0
        assert dap.output("stdout") == expected(config)
    finally:
        dap.close()
    assert dap.schema_errors == []
