"""A DAP test client for omega-dap: runs the server as a subprocess (stdio or TCP), validates
every message the server sends against the official DAP JSON schema shipped in debugpy, and lets
a test send requests and wait for responses and events."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import debugpy
import jsonschema

SCHEMA_PATH = (Path(debugpy.__file__).parent / "_vendored" / "pydevd" / "_pydevd_bundle" / "_debug_adapter"
               / "debugProtocol.json")
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 20.0


class SchemaChecker:
    """Validates messages against `#/definitions/<Name>` of debugProtocol.json."""

    def __init__(self) -> None:
        self.root = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        self.defs = self.root["definitions"]
        self._validators: dict[str, jsonschema.Draft4Validator] = {}

    def validator(self, name: str) -> jsonschema.Draft4Validator:
        if name not in self._validators:
            self._validators[name] = jsonschema.Draft4Validator(
                {"$ref": f"#/definitions/{name}", "definitions": self.defs})
        return self._validators[name]

    def definition_for(self, msg: dict[str, Any]) -> str:
        if msg.get("type") == "event":
            name = str(msg.get("event", ""))
            d = name[:1].upper() + name[1:] + "Event"
            return d if d in self.defs else "Event"
        if msg.get("type") == "response":
            if msg.get("success") is False:
                return "ErrorResponse"
            cmd = str(msg.get("command", ""))
            d = cmd[:1].upper() + cmd[1:] + "Response"
            return d if d in self.defs else "Response"
        return "ProtocolMessage"

    def errors(self, msg: dict[str, Any]) -> list[str]:
        name = self.definition_for(msg)
        return [f"{name}: {e.message} at {list(e.absolute_path)}" for e in self.validator(name).iter_errors(msg)]


CHECKER = SchemaChecker()


def server_command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "omega_dap", *extra]


class DapClient:
    def __init__(self, proc: subprocess.Popen[bytes], sock: socket.socket | None = None) -> None:
        self.proc = proc
        self.sock = sock
        self.seq = 0
        self.lock = threading.Condition()
        self.messages: list[dict[str, Any]] = []
        self.responses: dict[int, list[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self.taken: dict[str, int] = {}
        self.schema_errors: list[str] = []
        self.eof = False
        # Tests validate every message against the DAP schema; the latency benchmark turns it
        # off so that its figures measure the server, not the validator.
        self.validate = True
        self._send_lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    # ---- construction ---------------------------------------------------------------------

    @classmethod
    def stdio(cls, *extra: str) -> DapClient:
        proc = subprocess.Popen(server_command(*extra), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        return cls(proc)

    @classmethod
    def tcp(cls, *extra: str) -> DapClient:
        proc = subprocess.Popen(server_command("--port", "0", *extra), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert line.startswith("omega-dap listening on "), line
        host, port = line.split()[-1].rsplit(":", 1)
        sock = socket.create_connection((host, int(port)), timeout=10)
        sock.settimeout(None)
        return cls(proc, sock)

    # ---- I/O ------------------------------------------------------------------------------

    def _recv(self, n: int) -> bytes:
        if self.sock is not None:
            return self.sock.recv(n)
        assert self.proc.stdout is not None
        return self.proc.stdout.read1(n)  # type: ignore[attr-defined,no-any-return]

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = self._recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                with self.lock:
                    self.eof = True
                    self.lock.notify_all()
                return
            buf += chunk
            while True:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    break
                header = buf[:end].decode("ascii")
                length = int(header.split("Content-Length:")[1].split("\r\n")[0].strip())
                if len(buf) < end + 4 + length:
                    break
                body = buf[end + 4:end + 4 + length]
                buf = buf[end + 4 + length:]
                msg = json.loads(body)
                errors = CHECKER.errors(msg) if self.validate else []
                with self.lock:
                    self.schema_errors.extend(f"{e} in {json.dumps(msg)[:300]}" for e in errors)
                    self.messages.append(msg)
                    if msg.get("type") == "response":
                        self.responses.setdefault(msg["request_seq"], []).append(msg)
                    elif msg.get("type") == "event":
                        self.events.append(msg)
                    self.lock.notify_all()

    def send_raw(self, data: bytes) -> None:
        with self._send_lock:
            if self.sock is not None:
                self.sock.sendall(data)
            else:
                assert self.proc.stdin is not None
                self.proc.stdin.write(data)
                self.proc.stdin.flush()

    def send_json(self, obj: Any) -> None:
        body = json.dumps(obj).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def send(self, command: str, arguments: dict[str, Any] | None = None) -> int:
        with self._send_lock:
            self.seq += 1
            seq = self.seq
        msg: dict[str, Any] = {"seq": seq, "type": "request", "command": command}
        if arguments is not None:
            msg["arguments"] = arguments
        self.send_json(msg)
        return seq

    def response(self, seq: int, timeout: float = TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self.lock:
            while seq not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    raise TimeoutError(f"no response to request {seq}")
                self.lock.wait(left)
            return self.responses[seq][0]

    def request(self, command: str, arguments: dict[str, Any] | None = None, timeout: float = TIMEOUT) -> dict[str, Any]:
        return self.response(self.send(command, arguments), timeout)

    def ok(self, command: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        r = self.request(command, arguments)
        assert r["success"], r
        return dict(r.get("body") or {})

    def event(self, name: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next not yet taken event called `name`."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                seen = [e for e in self.events if e["event"] == name]
                i = self.taken.get(name, 0)
                if len(seen) > i:
                    self.taken[name] = i + 1
                    return seen[i]
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    raise TimeoutError(f"no {name} event")
                self.lock.wait(left)

    def stopped(self) -> dict[str, Any]:
        return dict(self.event("stopped")["body"])

    def output(self, category: str) -> str:
        with self.lock:
            return "".join(e["body"]["output"] for e in self.events
                           if e["event"] == "output" and e["body"].get("category", "console") == category)

    def index_of(self, pred: Any) -> int:
        with self.lock:
            for i, m in enumerate(self.messages):
                if pred(m):
                    return i
        return -1

    # ---- sessions -------------------------------------------------------------------------

    def initialize(self, **caps: Any) -> dict[str, Any]:
        args = {"clientID": "test", "adapterID": "omega", "linesStartAt1": True, "columnsStartAt1": True,
                "supportsVariableType": True, "supportsVariablePaging": True, "supportsInvalidatedEvent": True}
        args.update(caps)
        body = self.ok("initialize", args)
        self.event("initialized")
        return body

    def launch(self, program: str | Path, bps: list[int] | None = None, filters: list[str] | None = None,
               **attrs: Any) -> list[dict[str, Any]]:
        seq = self.send("launch", {"type": "omega", "request": "launch", "program": str(program), **attrs})
        out: list[dict[str, Any]] = []
        if bps:
            out = self.ok("setBreakpoints", {"source": {"path": str(program)},
                                             "breakpoints": [{"line": n} for n in bps]})["breakpoints"]
        self.ok("setExceptionBreakpoints", {"filters": filters if filters is not None else ["uncaught"]})
        self.ok("configurationDone")
        r = self.response(seq)
        assert r["success"], r
        return out

    def stack(self) -> list[dict[str, Any]]:
        return list(self.ok("stackTrace", {"threadId": 1})["stackFrames"])

    def close(self) -> None:
        try:
            if not self.eof:
                self.request("disconnect", {}, timeout=5)
        except (TimeoutError, OSError):
            pass
        if self.sock is not None:
            self.sock.close()
        try:
            self.proc.terminate()
            self.proc.wait(5)
        except Exception:
            self.proc.kill()
        for stream in (self.proc.stdout, self.proc.stderr, self.proc.stdin):
            if stream is not None:
                try:
                    stream.close()
                except BrokenPipeError:  # stdin's buffer, flushed after the server has exited
                    pass
