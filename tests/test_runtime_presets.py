"""The seven presets behave as RUNTIME.md's table says."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from omega_runtime import OmegaRuntime
from omega_runtime.config import PRESETS, feature_disabled


def test_all_seven_presets_exist() -> None:
    assert set(PRESETS) == {"default", "minimal", "debug", "production", "testing", "repl", "server"}


def test_default_preset_has_everything_on() -> None:
    with OmegaRuntime.create() as rt:
        cfg = rt.get_config()
        assert set(cfg.features) >= {"amb", "streams", "transactions", "debug"}
        assert cfg.history and cfg.history_limit >= 100_000 and rt.llm.kind == "scripted"
        assert rt.eval("(list (amb 1 2) (stream-car (cons-stream 1 2)) (with-transaction 3))").printed == "(1 1 3)"


@pytest.mark.parametrize("code, feature", [
    ("(amb 1 2)", "amb"),
    ("(amb-collect 1)", "amb"),
    ("(let ((x 1)) (require #f))", "amb"),
    ("(with-transaction 1)", "transactions"),
    ("(commit!)", "transactions"),
    ("(rollback!)", "transactions"),
    ("(cons-stream 1 2)", "streams"),
    ("(stream-car '(1))", "streams"),
    ("(integers-from 1)", "streams"),
    ("(eval '(amb 1 2))", "amb"),
    ("(run* (q) (== q 1))", "amb"),
])
def test_minimal_preset_disables_amb_streams_and_transactions(code: str, feature: str) -> None:
    with OmegaRuntime.create(preset="minimal") as rt:
        result = rt.eval(code)
        assert result.condition is not None and result.condition.ctype.name == "feature-disabled"
        assert f"{feature} disabled by the minimal preset" in result.report
        assert rt.eval("(+ 1 2)").value == 3  # core evaluation still works


def test_minimal_preset_signals_where_the_construct_runs() -> None:
    with OmegaRuntime.create(preset="minimal") as rt:
        result = rt.eval('(display "before ")\n(if #f (amb 1 2) (quote fine))\n  (amb 3 4)')
        assert result.output == "before "
        assert result.condition is not None and result.report.startswith("<eval>:3:3: feature-disabled")
        caught = rt.eval("(guard (e ((eq? (condition-type e) 'feature-disabled) (condition-data e))) (amb 1))")
        assert caught.printed == "(amb)"


def test_feature_disabled_helper() -> None:
    with OmegaRuntime.create(preset="minimal") as rt:
        assert feature_disabled(rt.get_config(), "amb.choose") == "amb.choose: amb disabled by the minimal preset"
        assert feature_disabled(rt.get_config(), "car") is None
    with OmegaRuntime.create() as rt:
        assert feature_disabled(rt.get_config(), "amb.choose") is None
    with OmegaRuntime.create(config={"features": ("amb",)}) as rt:
        assert "configuration" in (feature_disabled(rt.get_config(), "with-transaction") or "")


def test_debug_preset() -> None:
    with OmegaRuntime.create(preset="debug") as rt:
        cfg = rt.get_config()
        assert cfg.history and cfg.tracing and cfg.break_on_uncaught


def test_production_preset_caches_artifacts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with OmegaRuntime.create(preset="production") as rt:
        cfg = rt.get_config()
        assert not cfg.history and not cfg.tracing and rt.artifacts.persistent
        rt.eval('(ask-llm "Name a colour")')
    assert list((tmp_path / ".omega-cache").rglob("*.json"))  # the answer was cached on disk
    with OmegaRuntime.create(preset="production") as rt:
        rt.eval('(ask-llm "Name a colour")')
        assert rt.llm.receipts()[0].cache_hit


def test_testing_preset_keeps_sessions_in_memory() -> None:
    with OmegaRuntime.create(preset="testing") as rt:
        assert rt.get_config().session_store == "memory" and rt.llm.kind == "scripted"
        rt.eval("(define x 41)")
        saved = rt.session.save()
        assert saved["definitions"][0]["source"] == "(define x 41)"
        rt.eval("(define x 0)")
        rt.session.load()
        assert rt.eval("x").value == 41
    with OmegaRuntime.create() as rt, pytest.raises(ValueError, match="needs a path"):
        rt.session.save()


def test_repl_preset() -> None:
    with OmegaRuntime.create(preset="repl") as rt:
        cfg = rt.get_config()
        assert cfg.history and cfg.snapshots and cfg.history_limit == 1000


def test_server_preset_defaults_to_port_7888() -> None:
    cfg = PRESETS["server"]
    assert cfg["server"] and cfg["host"] == "127.0.0.1" and cfg["port"] == 7888


def test_server_preset_starts_the_protocol_server_and_dispose_stops_it() -> None:
    rt = OmegaRuntime.create(preset="server", config={"port": 0})
    try:
        assert rt.protocol.running
        host, port = rt.protocol.address
        assert host == "127.0.0.1" and port != 0
        with socket.create_connection((host, port), timeout=10) as sock:
            request = {"id": 1, "op": "eval", "code": "(* 6 7)", "token": rt.protocol.token}
            sock.sendall(json.dumps(request).encode() + b"\n")
            reply = json.loads(sock.makefile("rb").readline())
        assert reply == {"id": 1, "value": "42", "output": "", "steps": reply["steps"], "receipts": []}
    finally:
        rt.dispose()
    assert not rt.protocol.running
    with pytest.raises(OSError):
        socket.create_connection((host, port), timeout=2).close()
