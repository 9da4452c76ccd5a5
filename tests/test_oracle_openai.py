"""The openai oracle against a real chat-completions HTTP server on 127.0.0.1 (LANGUAGE.md 5.4)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from omega_runtime.oracle import (
    OpenAIProvider,
    OracleFailure,
    OracleRequest,
    ReceiptLog,
    make_provider,
)

SECRET = "sk-test-SECRET-0123456789abcdef"


class Reply:
    """One scripted server reply."""

    def __init__(self, status: int = 200, body: Any = None, headers: dict[str, str] | None = None,
                 delay: float = 0.0, raw: bytes | None = None, echo_auth: bool = False) -> None:
        self.status, self.body, self.headers, self.delay, self.raw = status, body, headers or {}, delay, raw
        self.echo_auth = echo_auth  # answer with the request's Authorization header in the error body


def completion(content: str, usage: dict[str, int] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"id": "c1", "object": "chat.completion", "model": "test-model",
                            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                         "finish_reason": "stop"}]}
    if usage is not None:
        body["usage"] = usage
    return body


class ChatServer:
    """Serves queued Replies in order (the last one repeats) and records every request."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                server.requests.append({"path": self.path, "headers": dict(self.headers),
                                        "body": json.loads(raw)})
                reply = server.replies[min(len(server.requests), len(server.replies)) - 1]
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                if reply.echo_auth:
                    data = json.dumps({"error": {"message": "bad key " + self.headers.get("Authorization", "")}}
                                      ).encode()
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[ChatServer]:
    s = ChatServer()
    yield s
    s.close()


def provider(server: ChatServer, key: str | None = None, **options: Any) -> tuple[OpenAIProvider, list[float]]:
    sleeps: list[float] = []
    options.setdefault("timeout", 5.0)
    p = OpenAIProvider(server.base_url, "test-model", key, sleep=sleeps.append, **options)
    return p, sleeps


def test_success_with_usage(server: ChatServer) -> None:
    server.replies = [Reply(body=completion("  Paris \n", {"prompt_tokens": 12, "completion_tokens": 2,
                                                           "total_tokens": 14}))]
    p, sleeps = provider(server, SECRET)
    a = p.answer(OracleRequest.infer("What is the capital of France?"))
    assert (a.text, a.prompt_tokens, a.completion_tokens) == ("Paris", 12, 2)
    assert (a.oracle, a.model) == ("openai", "test-model")
    assert a.duration_ms > 0
    [req] = server.requests
    assert req["path"] == "/v1/chat/completions"
    assert req["body"] == {"model": "test-model",
                           "messages": [{"role": "user", "content": "What is the capital of France?"}]}
    assert req["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert sleeps == []
    p.close()


def test_no_usage_gives_word_counts_and_no_key_no_header(server: ChatServer) -> None:
    server.replies = [Reply(body=completion("it is Paris"))]
    p, _ = provider(server)
    a = p.answer(OracleRequest.infer("capital of France?"))
    assert (a.text, a.prompt_tokens, a.completion_tokens) == ("it is Paris", 3, 3)
    assert "Authorization" not in server.requests[0]["headers"]


def test_search_candidates_are_separate_requests(server: ChatServer) -> None:
    server.replies = [Reply(body=completion("a")), Reply(body=completion("b"))]
    p, _ = provider(server)
    got = [p.answer(OracleRequest.search("Name a colour", 2, i)).text for i in (1, 2)]
    assert got == ["a", "b"]
    assert [r["body"]["messages"][0]["content"] for r in server.requests] == ["Name a colour"] * 2


def test_429_then_success(server: ChatServer) -> None:
    server.replies = [Reply(429, {"error": "slow down"}, {"Retry-After": "0"}), Reply(body=completion("ok"))]
    p, sleeps = provider(server)
    assert p.answer(OracleRequest.infer("hi")).text == "ok"
    assert len(server.requests) == 2
    assert sleeps == [0.0]


def test_large_retry_after_falls_back_to_backoff(server: ChatServer) -> None:
    server.replies = [Reply(429, {}, {"Retry-After": "3600"}), Reply(503, {}), Reply(body=completion("ok"))]
    p, sleeps = provider(server, backoff=0.25)
    assert p.answer(OracleRequest.infer("hi")).text == "ok"
    assert sleeps == [0.25, 0.5]


def test_500_retries_then_fails(server: ChatServer) -> None:
    server.replies = [Reply(500, {"error": "boom"})]
    p, sleeps = provider(server, attempts=3, backoff=0.5)
    with pytest.raises(OracleFailure) as info:
        p.answer(OracleRequest.infer("hi"))
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]
    assert info.value.detail.startswith(f"HTTP 500 from {server.base_url}/chat/completions after 3 attempts")
    assert "boom" in info.value.detail


def test_client_error_is_not_retried(server: ChatServer) -> None:
    server.replies = [Reply(400, {"error": {"message": "bad model"}})]
    p, sleeps = provider(server)
    with pytest.raises(OracleFailure, match="HTTP 400 .*bad model"):
        p.answer(OracleRequest.infer("hi"))
    assert len(server.requests) == 1 and sleeps == []


def test_timeout(server: ChatServer) -> None:
    server.replies = [Reply(body=completion("late"), delay=1.5)]
    p, _ = provider(server, timeout=0.2)
    start = time.monotonic()
    with pytest.raises(OracleFailure) as info:
        p.answer(OracleRequest.infer("hi"))
    assert time.monotonic() - start < 1.4
    assert info.value.detail == f"no reply from {server.base_url}/chat/completions within 0.2 s"


@pytest.mark.parametrize(
    "reply",
    [Reply(raw=b"this is not json"), Reply(body={"choices": []}), Reply(body={"nothing": 1}),
     Reply(body={"choices": [{"message": {"content": None}}]}), Reply(body=["a list"])],
)
def test_malformed_replies(server: ChatServer, reply: Reply) -> None:
    server.replies = [reply]
    p, _ = provider(server)
    with pytest.raises(OracleFailure, match="^malformed reply from "):
        p.answer(OracleRequest.infer("hi"))


def test_network_error() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = OpenAIProvider(f"http://127.0.0.1:{port}/v1", "m", SECRET, sleep=lambda _s: None)
    with pytest.raises(OracleFailure) as info:
        p.answer(OracleRequest.infer("hello"))
    assert info.value.detail.startswith(f"cannot reach http://127.0.0.1:{port}/v1/chat/completions: ConnectError")
    assert SECRET not in info.value.detail


def test_invalid_base_url_is_an_oracle_failure() -> None:
    with pytest.raises(OracleFailure, match="chat/completions"):
        OpenAIProvider("not a url", "m").answer(OracleRequest.infer("hi"))


def test_missing_model_sends_nothing(server: ChatServer) -> None:
    p = make_provider(env={"OMEGA_ORACLE": "openai", "OMEGA_LLM_BASE_URL": server.base_url})
    with pytest.raises(OracleFailure, match="no model configured"):
        p.answer(OracleRequest.infer("hi"))
    assert server.requests == []


def test_make_provider_reads_environment(server: ChatServer) -> None:
    server.replies = [Reply(body=completion("ok"))]
    p = make_provider(env={"OMEGA_ORACLE": "openai", "OMEGA_LLM_BASE_URL": server.base_url + "/",
                           "OMEGA_LLM_MODEL": "env-model", "OMEGA_LLM_API_KEY": SECRET})
    assert p.answer(OracleRequest.infer("hi")).model == "env-model"
    assert server.requests[0]["body"]["model"] == "env-model"
    assert server.requests[0]["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert OpenAIProvider().base_url == "https://api.openai.com/v1"


def test_api_key_never_leaks(server: ChatServer, tmp_path: Any) -> None:
    # the server echoes the Authorization header back in its error body, as some services do
    server.replies = [Reply(401, echo_auth=True)]
    p, _ = provider(server, SECRET)
    with pytest.raises(OracleFailure) as info:
        p.answer(OracleRequest.infer("hi"))
    assert server.requests[0]["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert "HTTP 401" in info.value.detail and "[redacted]" in info.value.detail
    for text in (info.value.detail, str(info.value), repr(info.value), repr(p), str(p)):
        assert SECRET not in text
    server.replies = [Reply(500, echo_auth=True)]
    server.requests.clear()
    with pytest.raises(OracleFailure) as info:
        p.answer(OracleRequest.infer("hi"))
    assert SECRET not in info.value.detail
    server.replies = [Reply(body=completion("fine"))]
    server.requests.clear()
    log_path = tmp_path / "r.jsonl"
    with ReceiptLog(str(log_path)) as log:
        receipt = log.append(OracleRequest.infer("hi"), p.answer(OracleRequest.infer("hi")))
    assert SECRET not in receipt.to_json() and SECRET not in repr(receipt)
    assert SECRET not in log_path.read_text(encoding="utf-8")
