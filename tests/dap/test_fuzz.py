"""Robustness (DEBUGGER.md 1, 5): at least 10,000 random and malformed messages over one
connection; every request gets exactly one response, and the server still steps a program."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from pathlib import Path

import pytest
from client import DapClient
from conftest import PROGRAMS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omega_dap.session import HANDLERS

PER_EXAMPLE = 2_000
EXAMPLES = 5
COMMANDS = sorted(set(HANDLERS) - {"disconnect"}) + ["readMemory", "frobnicate", "", "omega/nothing"]
VALUES: list[object] = [None, True, 0, -1, 1, 2**70, 1.5, "", "x", "(+ 1", [], [1, "a"], {}, {"line": "5"},
                        {"path": 3}, {"path": "/nonexistent/x.omega"}]
KEYS = ["threadId", "frameId", "variablesReference", "source", "breakpoints", "expression", "line", "column",
        "program", "filters", "name", "value", "start", "count", "levels", "targetId", "step", "requestId",
        "granularity", "context", "args", "stopOnEntry", "zzz"]


class Tally:
    def __init__(self) -> None:
        self.next_seq = 1
        self.expected: Counter[int] = Counter()


def message(rng: random.Random, tally: Tally) -> bytes:
    kind = rng.random()
    if kind < 0.05:
        body = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 12)))
        try:
            json.loads(body)
            return b""  # accidentally valid JSON: skip
        except (ValueError, UnicodeDecodeError):
            return b"Content-Length: %d\r\n\r\n" % len(body) + body
    if kind < 0.10:
        obj: object = rng.choice([[1, 2], 3, "s", None, {"seq": "x", "type": "request"}, {"type": "request"}])
        tally.expected[0] += 1
    else:
        seq = tally.next_seq + (10**18 if rng.random() < 0.1 else 0)
        tally.next_seq += 1
        args = {rng.choice(KEYS): rng.choice(VALUES) for _ in range(rng.randint(0, 4))}
        if args.get("program") is not None:
            args["program"] = "/nonexistent/fuzz.omega"  # never start a real program here
        obj = {"seq": seq, "type": "request", "command": rng.choice(COMMANDS),
               "arguments": args if rng.random() < 0.9 else rng.choice(VALUES)}
        if obj["arguments"] is None:
            del obj["arguments"]  # type: ignore[attr-defined]
        tally.expected[seq] += 1
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


# One test, one connection: the fuzzing and the checks after it must share a server process
# (xdist may not split them across workers).
@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(seeds=st.lists(st.integers(min_value=0, max_value=2**32), min_size=EXAMPLES, max_size=EXAMPLES))
def test_fuzz_every_request_gets_one_response_and_the_server_still_steps(
        seeds: list[int], tmp_path_factory: pytest.TempPathFactory) -> None:
    client, tally = DapClient.stdio(), Tally()
    try:
        for seed in seeds:
            rng = random.Random(seed)
            client.send_raw(b"".join(message(rng, tally) for _ in range(PER_EXAMPLE)))
        still_steps(client, tally, tmp_path_factory.mktemp("fuzz"))
    finally:
        client.close()


def still_steps(client: DapClient, tally: Tally, tmp_path: Path) -> None:
    total = sum(tally.expected.values())
    assert total >= 0.9 * EXAMPLES * PER_EXAMPLE
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with client.lock:
            got = Counter({seq: len(rs) for seq, rs in client.responses.items()})
        if got == tally.expected:
            break
        time.sleep(0.2)
    assert got == tally.expected
    assert client.schema_errors == []
    assert not client.eof
    program = tmp_path / "steps.omega"
    program.write_text(PROGRAMS["steps.omega"], encoding="utf-8")
    client.seq = 10**19  # past every fuzzed seq
    client.request("initialize", {"adapterID": "omega"})
    client.ok("setBreakpoints", {"source": {"path": str(program)}, "breakpoints": [{"line": 9}]})
    client.taken["stopped"] = len([e for e in client.events if e["event"] == "stopped"])
    seq = client.send("launch", {"program": str(program)})
    client.ok("setExceptionBreakpoints", {"filters": ["uncaught"]})
    client.ok("configurationDone")
    assert client.response(seq)["success"]
    assert client.stopped()["reason"] == "breakpoint"
    client.ok("stepIn", {"threadId": 1})
    assert client.stopped()["reason"] == "step"
    assert client.stack()[0]["name"] == "sum-squares"
