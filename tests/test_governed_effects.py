"""Governed effects end to end (issue 3): a run recorded from a real OpenAI-compatible server
replays byte-for-byte with no provider call; the artifact cache answers a repeated request once,
across runs; backtracking restores the state of the choice point (hypothesis)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omega_runtime import OmegaRuntime

PROGRAM = """
(define a (ask-llm "Name a colour"))
(define b (ask-llm '("What is " 6 "*7?")))
(display (list a b (effect search.op "Pick a fruit" 2)))
(newline)
(provenance-receipts (list a b))
"""


class ChatServer:
    """A chat-completions endpoint on 127.0.0.1 that answers deterministically and counts requests."""

    def __init__(self) -> None:
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests += 1
                prompt = body["messages"][0]["content"]
                reply = {"choices": [{"message": {"role": "assistant", "content": f" reply to {prompt} "}}],
                         "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}}
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def server() -> Iterator[ChatServer]:
    s = ChatServer()
    yield s
    s.close()


def omega(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    full.update(env)
    return subprocess.run([sys.executable, "-m", "omega_runtime.cli", *args], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=120)


def test_recorded_openai_run_replays_byte_for_byte_without_calls(server: ChatServer, tmp_path: Path) -> None:
    prog = tmp_path / "agent.omega"
    prog.write_text(PROGRAM, encoding="utf-8")
    env = {"OMEGA_LLM_BASE_URL": server.url, "OMEGA_LLM_MODEL": "test-model", "OMEGA_LLM_API_KEY": "sk-secret-123"}
    live = omega(["run", "--oracle", "openai", "--receipts", "r.jsonl", "agent.omega"], tmp_path, env)
    assert live.returncode == 0, live.stderr
    assert server.requests == 4  # two infer + a search of two candidates
    assert "reply to Name a colour" in live.stdout
    log = (tmp_path / "r.jsonl").read_text(encoding="utf-8")
    assert "sk-secret-123" not in log + live.stdout + live.stderr
    assert [json.loads(line)["seq"] for line in log.splitlines()] == [1, 2, 3, 4]
    replay = omega(["run", "--oracle", "replay", "--replay", "r.jsonl", "agent.omega"], tmp_path, {})
    assert replay.returncode == 0, replay.stderr
    assert replay.stdout == live.stdout
    assert server.requests == 4


def test_artifact_cache_answers_identical_requests_once_across_runs(server: ChatServer, tmp_path: Path) -> None:
    prog = tmp_path / "twice.omega"
    prog.write_text('(list (ask-llm "Summarize A") (ask-llm "Summarize A"))', encoding="utf-8")
    env = {"OMEGA_LLM_BASE_URL": server.url, "OMEGA_LLM_MODEL": "m"}
    first = omega(["run", "--oracle", "openai", "--cache", "cache", "--receipts", "a.jsonl", "twice.omega"], tmp_path, env)
    assert first.returncode == 0, first.stderr
    assert server.requests == 1
    hits = [json.loads(line).get("cache_hit", False) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert hits == [False, True]
    second = omega(["run", "--oracle", "openai", "--cache", "cache", "--receipts", "b.jsonl", "twice.omega"], tmp_path, env)
    assert second.stdout == first.stdout
    assert server.requests == 1
    hits = [json.loads(line).get("cache_hit", False) for line in (tmp_path / "b.jsonl").read_text().splitlines()]
    assert hits == [True, True]


def test_without_cache_asking_twice_asks_twice(server: ChatServer, tmp_path: Path) -> None:
    (tmp_path / "p.omega").write_text('(list (ask-llm "Q") (ask-llm "Q"))', encoding="utf-8")
    out = omega(["run", "--oracle", "openai", "p.omega"], tmp_path, {"OMEGA_LLM_BASE_URL": server.url, "OMEGA_LLM_MODEL": "m"})
    assert out.returncode == 0, out.stderr
    assert server.requests == 2


# ---- backtracking restores the choice point's state --------------------------------------------

ops = st.lists(st.sampled_from(["set", "vec", "fact", "tx-set", "tx-fact"]), min_size=1, max_size=6)


def _program(before: list[str], after: list[str]) -> str:
    """Writes before the choice; at the choice each alternative writes the state it sees (output is
    never restored); the first then writes more, in and out of a transaction, and fails."""
    def render(op: str, tag: str, i: int) -> str:
        return {"set": f"(set! g (+ g {i + 1}))",
                "vec": f"(vector-set! v {i % 3} '{tag}{i})",
                "fact": f"(assert-fact! '{tag}{i} {i})",
                "tx-set": f"(with-transaction (set! g (* g 2)) (assert-fact! '{tag}tx{i} {i}))",
                "tx-fact": f"(begin (with-transaction (set! h (+ h 1))) (assert-fact! '{tag}f{i} #t))"}[op]

    pre = " ".join(render(op, "b", i) for i, op in enumerate(before))
    post = " ".join(render(op, "a", i) for i, op in enumerate(after))
    return f"""
      (define g 1) (define h 0) (define v (vector 0 0 0))
      {pre}
      (define (snap) (list g h (vector->list v) (facts) (in-transaction?)))
      (let ((x (amb 'first 'second)))
        (write (snap))
        (newline)
        (when (eq? x 'first)
          {post}
          (with-transaction {post} (amb))))
    """


@settings(max_examples=25, deadline=None)
@given(before=ops, after=ops)
def test_backtracking_restores_store_facts_and_transactions(before: list[str], after: list[str]) -> None:
    with OmegaRuntime.create() as rt:
        r = rt.eval(_program(before, after), source="gen.omega")
    assert r.condition is None, r.report
    first, second = r.output.splitlines()
    assert first == second
