"""The one session of an eval server (`omega serve`): one OmegaRuntime shared by every
connection, one evaluation worker, interrupts and the debugger upgrade.

Requests are JSON objects, one per line: `{"id": ID, "op": OP, ...}`. Replies carry the request's
id; a failure is `{"id": ID, "error": {"message": ..., ...}}` and the connection keeps serving.

| op | fields | reply |
|---|---|---|
| eval | code, [source] | value (write form), output, steps, receipts; an uncaught condition is an error with type and report |
| load-file | path | as eval |
| complete | prefix | completions: sorted global names, special forms and macros starting with prefix |
| describe | [name] | without name: server, ops, session; with name: kind, signature, doc |
| interrupt | | interrupted: whether an evaluation was running (it then replies with error type `interrupted`) |
| debug | protocol | debug: true, then the connection carries that debug protocol (see below) |
| close | | closed: true; then the server closes the connection |

`eval` and `load-file` from every connection run one at a time, in arrival order, in the one
runtime (definitions are shared); the other ops answer at once, even while an evaluation runs.
`interrupt` stops whichever evaluation runs. An `eval` without `source` is named `<repl-N>`, the
session's N-th such input; `load-file` names the file by its absolute path.

`debug` looks `protocol` up among the entry points of group `omega.debug_channels` (`dap` is
omega-dap's): the named callable is handed a `DebugLink` (the socket and the runtime) on the
connection's thread. Only one debugger at a time; an unknown protocol or a second debugger gets
an error reply and the connection stays a normal one. While a debugger is attached it installs
an evaluation interceptor in the runtime, which then runs the session's evaluations.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO

import attrs

from ..machine.machine import MachineHalt

if TYPE_CHECKING:
    from ..results import EvalResult
    from .connection import Connection
    from .served import ServedRuntime

OPS = ("eval", "load-file", "complete", "describe", "interrupt", "debug", "close")
DEBUG_GROUP = "omega.debug_channels"


class Interrupted(MachineHalt):
    """Raised by the interrupt hook inside the machine loop."""


@attrs.define
class DebugLink:
    """What a debug channel gets: the upgraded connection and the session's runtime."""

    runtime: ServedRuntime  # an OmegaRuntime
    read: Callable[[], bytes]  # the next bytes from the client (b"" at EOF)
    write: Callable[[bytes], None]  # send bytes to the client
    stop_server: Callable[[], None]  # stop serving (a debugger ending the debuggee)


def find_debug_channel(name: Any) -> Callable[[DebugLink], None]:
    """The channel registered for protocol `name`; ValueError when there is none."""
    from importlib.metadata import entry_points

    found = [ep for ep in entry_points(group=DEBUG_GROUP) if ep.name == name]
    if not isinstance(name, str) or not found:
        known = sorted({ep.name for ep in entry_points(group=DEBUG_GROUP)})
        raise ValueError(f"unknown debug protocol {name!r}; protocols: {', '.join(known) or 'none installed'}")
    try:
        channel: Callable[[DebugLink], None] = found[0].load()
    except Exception as exc:  # a broken plugin must not take the server down
        raise ValueError(f"cannot load debug protocol {name!r}: {exc}") from None
    return channel


class ServeSession:
    """The runtime every connection of a server shares, and its evaluation worker."""

    def __init__(self, runtime: ServedRuntime, stop_server: Callable[[], None]) -> None:
        self.runtime = runtime
        self._stop_server = stop_server
        self._jobs: queue.Queue[tuple[Connection, dict[str, Any]] | None] = queue.Queue()
        self._run_lock = threading.Lock()  # guards the running job, its interrupt and the debugger
        self._running: Connection | None = None
        self._via: Any = None  # the evaluation interceptor running the current job, if any
        self._interrupt_hook: Callable[[Any], None] | None = None
        self._interrupted = False
        self._debugger: Connection | None = None
        self._worker = threading.Thread(target=self._work, name="omega-serve-eval", daemon=True)
        self._worker.start()

    def close(self) -> None:
        """Stop the worker after the running job (queued ones are dropped)."""
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        self.interrupt()
        self._jobs.put(None)

    # ---- evaluations ---------------------------------------------------------------------------

    def submit(self, conn: Connection, msg: dict[str, Any]) -> None:
        self._jobs.put((conn, msg))

    def forget(self, conn: Connection) -> None:
        """`conn` has gone: its running evaluation stops; its queued ones are skipped."""
        with self._run_lock:
            mine = self._running is conn
        if mine:
            self.interrupt()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            conn, msg = job
            if not conn.open:
                continue
            rid = msg.get("id")
            try:
                reply = self._evaluate(conn, msg)
            except Exception as exc:  # never let a request kill the session
                reply = {"error": {"message": f"internal error: {exc}", "type": "internal"}}
            with self._run_lock:
                self._running = None
                self._via = None
                self._remove_hook()
                interrupted = self._interrupted
                self._interrupted = False
            if interrupted:
                reply = {"error": {"message": "evaluation interrupted", "type": "interrupted"},
                         "output": reply.get("output", "")}
            conn.send({"id": rid, **reply})

    def _evaluate(self, conn: Connection, msg: dict[str, Any]) -> dict[str, Any]:
        rt = self.runtime
        if msg["op"] == "eval":
            code = msg.get("code")
            if not isinstance(code, str):
                return {"error": {"message": "eval needs a string field 'code'"}}
            source = msg.get("source")
            name = str(source) if source is not None else rt.next_input_name()
        else:
            path = msg.get("path")
            if not isinstance(path, str):
                return {"error": {"message": "load-file needs a string field 'path'"}}
            name = os.path.abspath(path)
            try:
                with open(name, encoding="utf-8") as fh:
                    code = fh.read()
            except (OSError, UnicodeDecodeError) as exc:
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                return {"error": {"message": f"cannot read {path}: {why}", "type": "file-error"}}
        with rt.eval_lock:  # an in-process REPL waits for us, and we for it
            with self._run_lock:
                self._running = conn
                self._interrupted = False
                self._via = rt.evaluation_interceptor
                via = self._via
            result = via.evaluate(code, name) if via is not None else rt.eval(code, source=name)
        return reply_for(rt, result)

    def interrupt(self) -> bool:
        """Stop the running evaluation (within 1,024 machine steps); False if none runs. An
        attached debugger ends the evaluations it runs itself."""
        with self._run_lock:
            if self._running is None:
                return False
            if self._interrupted:
                return True
            self._interrupted = True
            if self._via is not None and self._via.interrupt():
                return True

            def hook(_m: Any) -> None:
                raise Interrupted("interrupted")

            self._interrupt_hook = hook
            self.runtime.machine.hooks.append(hook)
            return True

    def _remove_hook(self) -> None:
        hook = self._interrupt_hook
        if hook is not None:
            if hook in self.runtime.machine.hooks:
                self.runtime.machine.hooks.remove(hook)
            self._interrupt_hook = None

    # ---- the debugger ------------------------------------------------------------------------

    def claim_debugger(self, conn: Connection, protocol: Any) -> Callable[[DebugLink], None]:
        channel = find_debug_channel(protocol)
        with self._run_lock:
            if self._debugger is not None:
                raise ValueError("a debugger is already attached to this session")
            self._debugger = conn
        return channel

    def serve_debug_channel(self, conn: Connection, channel: Callable[[DebugLink], None], reader: BinaryIO) -> None:
        """Run the debug channel on this thread until it ends; then the session is free again."""

        def read() -> bytes:
            try:
                return reader.read1(65536)  # type: ignore[attr-defined,no-any-return]
            except (OSError, ValueError):
                return b""

        link = DebugLink(self.runtime, read, conn.sock.sendall, self._stop_server)
        try:
            channel(link)
        finally:
            with self._run_lock:
                self._debugger = None

    # ---- quick ops -----------------------------------------------------------------------------

    def complete(self, msg: dict[str, Any]) -> dict[str, Any]:
        from ..expander.scope import SPECIAL_FORMS

        prefix = msg.get("prefix", "")
        if not isinstance(prefix, str):
            raise TypeError("complete needs a string field 'prefix'")
        rt = self.runtime
        names = {n for n, _ in rt.state_coordinator.globals() if not n.startswith("%")}
        names |= {s.name for s in SPECIAL_FORMS}
        names |= {s.name for s in rt.interpreter.expander.macros}
        return {"completions": sorted(n for n in names if n.startswith(prefix))}

    def describe(self, msg: dict[str, Any]) -> dict[str, Any]:
        rt = self.runtime
        name = msg.get("name")
        if name is None:
            return {"server": "omega", "ops": list(OPS), "session": rt.session.id,
                    "preset": rt.get_config().preset, "oracle": rt.llm.kind}
        if not isinstance(name, str):
            raise TypeError("describe's 'name' must be a string")
        return describe_name(rt, name)


def reply_for(rt: ServedRuntime, result: EvalResult) -> dict[str, Any]:
    """The reply fields of an evaluation's result."""
    base = {"output": result.output, "steps": result.steps, "receipts": [r.id for r in result.receipts]}
    if result.diagnostics:
        return {**base, "error": {"message": result.diagnostics[0].format(), "type": "read-error",
                                  "diagnostics": [d.format() for d in result.diagnostics]}}
    if result.condition is not None:
        return {**base, "error": {"message": rt.machine.condition_text(result.condition),
                                  "type": result.condition.ctype.name, "report": result.report}}
    reply: dict[str, Any] = {**base, "value": result.printed}
    if result.exit_code is not None:
        reply["exit_code"] = result.exit_code
    return reply


def describe_name(rt: ServedRuntime, name: str) -> dict[str, Any]:
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


__all__ = ["ServeSession", "DebugLink", "OPS", "Interrupted", "describe_name", "find_debug_channel", "reply_for"]
