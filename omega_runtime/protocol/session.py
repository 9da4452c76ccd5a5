"""One connection of the eval server: its runtime, a reader (this thread) and an evaluation
worker, so that `interrupt` can stop a running evaluation.

Requests are JSON objects, one per line: `{"id": ID, "op": OP, ...}`. Replies carry the request's
id; a failure is `{"id": ID, "error": {"message": ..., ...}}` and the connection keeps serving.

| op | fields | reply |
|---|---|---|
| eval | code, [source] | value (write form), output, steps, receipts; an uncaught condition is an error with type and report |
| load-file | path | as eval |
| complete | prefix | completions: sorted global names, special forms and macros starting with prefix |
| describe | [name] | without name: server, ops, session; with name: kind, signature, doc |
| interrupt | | interrupted: whether an evaluation was running (it then replies with error type `interrupted`) |
| close | | closed: true; then the server closes the connection |

`eval` and `load-file` run one at a time, in order; the other ops answer at once, even while an
evaluation runs.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
from collections.abc import Callable
from typing import Any

from ..machine.machine import MachineHalt

OPS = ("eval", "load-file", "complete", "describe", "interrupt", "close")
MAX_LINE = 16 * 1024 * 1024


class Interrupted(MachineHalt):
    """Raised by the interrupt hook inside the machine loop."""


class Connection:
    def __init__(self, sock: socket.socket, make_runtime: Callable[[], Any]) -> None:
        self.sock = sock
        self._make_runtime = make_runtime
        self.runtime: Any = None
        self._send_lock = threading.Lock()
        self._run_lock = threading.Lock()  # guards `_running` and the interrupt hook
        self._running: Any = None  # the id of the evaluation in progress
        self._interrupt_hook: Callable[[Any], None] | None = None
        self._interrupted = False
        self._jobs: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._open = True

    # ---- transport ----------------------------------------------------------------------------

    def send(self, obj: dict[str, Any]) -> None:
        data = (json.dumps(obj, ensure_ascii=False, default=str) + "\n").encode("utf-8", "surrogatepass")
        with self._send_lock:
            if not self._open:
                return
            try:
                self.sock.sendall(data)
            except OSError:
                self._open = False  # the client went away; the reader will notice EOF

    def error(self, rid: Any, message: str, **extra: Any) -> None:
        self.send({"id": rid, "error": {"message": message, **extra}})

    def serve(self) -> None:
        """Read requests until EOF or `close`; then stop the evaluation and release the runtime."""
        try:
            self.runtime = self._make_runtime()
        except Exception as exc:  # a bad configuration: tell the client, then hang up
            self.error(None, f"cannot create a runtime: {exc}")
            self._shutdown()
            return
        worker = threading.Thread(target=self._work, name="omega-serve-eval", daemon=True)
        worker.start()
        reader = self.sock.makefile("rb")
        try:
            while self._open:
                try:
                    line = reader.readline(MAX_LINE)
                except OSError:
                    break
                if not line:
                    break
                if not line.strip():
                    continue
                if self._dispatch(line) == "close":
                    break
        finally:
            self._interrupt()  # a client that disconnects mid-evaluation stops it
            self._jobs.put(None)
            worker.join(timeout=30)
            reader.close()
            self._shutdown()

    def _shutdown(self) -> None:
        with self._send_lock:
            self._open = False
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        if self.runtime is not None:
            self.runtime.dispose()

    # ---- requests -----------------------------------------------------------------------------

    def _dispatch(self, line: bytes) -> str | None:
        try:
            msg = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            self.error(None, f"malformed JSON: {exc}")
            return None
        if not isinstance(msg, dict):
            self.error(None, "a request must be a JSON object")
            return None
        rid, op = msg.get("id"), msg.get("op")
        if op not in OPS:
            self.error(rid, f"unknown op {op!r}; ops: {', '.join(OPS)}")
            return None
        if op in ("eval", "load-file"):
            self._jobs.put(msg)
        elif op == "interrupt":
            self.send({"id": rid, "interrupted": self._interrupt()})
        elif op == "close":
            self.send({"id": rid, "closed": True})
            return "close"
        else:
            try:
                reply = self._complete(msg) if op == "complete" else self._describe(msg)
            except (TypeError, ValueError) as exc:
                self.error(rid, str(exc))
            else:
                self.send({"id": rid, **reply})
        return None

    def _work(self) -> None:
        while True:
            msg = self._jobs.get()
            if msg is None:
                return
            rid = msg.get("id")
            with self._run_lock:
                self._running = rid if rid is not None else True
                self._interrupted = False
            try:
                reply = self._evaluate(msg)
            except Exception as exc:  # never let a request kill the connection
                reply = {"error": {"message": f"internal error: {exc}", "type": "internal"}}
            with self._run_lock:
                self._running = None
                if self._interrupt_hook is not None:
                    if self._interrupt_hook in self.runtime.machine.hooks:
                        self.runtime.machine.hooks.remove(self._interrupt_hook)
                    self._interrupt_hook = None
                interrupted = self._interrupted
            if interrupted:
                reply = {"error": {"message": "evaluation interrupted", "type": "interrupted"},
                         "output": reply.get("output", "")}
            self.send({"id": rid, **reply})

    def _evaluate(self, msg: dict[str, Any]) -> dict[str, Any]:
        rt = self.runtime
        if msg["op"] == "eval":
            code = msg.get("code")
            if not isinstance(code, str):
                return {"error": {"message": "eval needs a string field 'code'"}}
            result = rt.eval(code, source=str(msg.get("source", "<serve>")))
        else:
            path = msg.get("path")
            if not isinstance(path, str):
                return {"error": {"message": "load-file needs a string field 'path'"}}
            try:
                result = rt.load(path)
            except OSError as exc:
                return {"error": {"message": f"cannot read {path}: {exc.strerror or exc}", "type": "file-error"}}
        base = {"output": result.output, "steps": result.steps, "receipts": [r.id for r in result.receipts]}
        if result.diagnostics:
            return {**base, "error": {"message": result.diagnostics[0].format(), "type": "read-error",
                                      "diagnostics": [d.format() for d in result.diagnostics]}}
        if result.condition is not None:
            return {**base, "error": {"message": rt.machine.condition_text(result.condition),
                                      "type": result.condition.ctype.name, "report": result.report}}
        reply = {**base, "value": result.printed}
        if result.exit_code is not None:
            reply["exit_code"] = result.exit_code
        return reply

    def _interrupt(self) -> bool:
        """Stop the running evaluation (within 1,024 machine steps); False if none runs."""
        with self._run_lock:
            if self._running is None or self.runtime is None or self._interrupt_hook is not None:
                return self._running is not None

            def hook(_m: Any) -> None:
                raise Interrupted("interrupted")

            self._interrupted = True
            self._interrupt_hook = hook
            self.runtime.machine.hooks.append(hook)
            return True

    def _complete(self, msg: dict[str, Any]) -> dict[str, Any]:
        from ..expander.scope import SPECIAL_FORMS

        prefix = msg.get("prefix", "")
        if not isinstance(prefix, str):
            raise TypeError("complete needs a string field 'prefix'")
        rt = self.runtime
        names = {n for n, _ in rt.state_coordinator.globals() if not n.startswith("%")}
        names |= {s.name for s in SPECIAL_FORMS}
        names |= {s.name for s in rt.interpreter.expander.macros}
        return {"completions": sorted(n for n in names if n.startswith(prefix))}

    def _describe(self, msg: dict[str, Any]) -> dict[str, Any]:
        rt = self.runtime
        name = msg.get("name")
        if name is None:
            return {"server": "omega", "ops": list(OPS), "session": rt.session.id,
                    "preset": rt.get_config().preset, "oracle": rt.llm.kind}
        if not isinstance(name, str):
            raise TypeError("describe's 'name' must be a string")
        return describe_name(rt, name)


def describe_name(rt: Any, name: str) -> dict[str, Any]:
    from ..expander.scope import SPECIAL_FORMS
    from ..machine.procedures import Closure
    from ..primitives.registry import Primitive
    from ..printer import write_repr
    from ..values import sym

    s = sym(name)
    if s in SPECIAL_FORMS:
        return {"name": name, "kind": "special-form"}
    if s in rt.interpreter.expander.macros:
        return {"name": name, "kind": "macro"}
    value = rt.state_coordinator.global_value(name, None)
    if value is None and s not in rt.machine.s:
        return {"name": name, "kind": "unbound"}
    if isinstance(value, Primitive):
        return {"name": name, "kind": "primitive", "signature": value.signature, "doc": value.doc}
    if isinstance(value, Closure):
        lam = value.lam
        return {"name": name, "kind": "procedure", "doc": getattr(lam, "doc", None),
                "params": getattr(lam, "nparams", None)}
    return {"name": name, "kind": "value", "value": write_repr(value, rt.machine.s)}


__all__ = ["Connection", "OPS", "describe_name"]
