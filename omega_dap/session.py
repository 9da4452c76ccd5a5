"""One DAP session (DEBUGGER.md 2-12): the state machine and one handler per request.

Everything Omega-specific comes from the runtime's DebugController, the inspector and the
Views/Interventions objects; this module only translates between them and DAP messages.

Threads: the I/O thread calls `receive` for each message. Requests that only read session state
or poke the engine thread-safely (pause, threads, cancel, setBreakpoints...) are answered there at
once; requests that run or read the machine are queued to one worker thread, so the I/O loop never
waits on the engine. Every request gets exactly one response, whatever happens.
"""

from __future__ import annotations

import os
import queue
import threading
import traceback
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from omega_runtime.debug import inspector
from omega_runtime.debug.breakpoints import Breakpoint
from omega_runtime.debug.controller import DebugController, Exit, Stop

from . import events as E
from .launch import LaunchConfig
from .protocol import decode
from .refs import RefTable
from .relay import REPLAYED
from .transport import Channel

EXPIRED = "variablesReference {} has expired (references last until the program resumes)"
PROGRAM_WIDE = frozenset({"Choice Points", "Transactions", "Fixpoint", "Facts", "Budget", "Oracle", "Conditions"})
RAW_FRAME_IDS = 100_000  # ids of `format.includeAll` raw frames: RAW_FRAME_IDS * (activation id) + index
CANCELLABLE = frozenset({"evaluate", "variables", "stackTrace", "completions", "gotoTargets"})
PAGE = 100
DISCONNECT_WAIT_S = 5.0
SHOW_USER = frozenset({1005, 1008})


class DapError(Exception):
    def __init__(self, code: int, message: str, show_user: bool | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.show_user = code in SHOW_USER if show_user is None else show_user


def _thousands(n: int) -> str:
    return f"{n:,}"


class Request:
    """An incoming request being answered (exactly once)."""

    def __init__(self, seq: int, command: str, args: dict[str, Any]) -> None:
        self.seq = seq
        self.command = command
        self.args = args
        self.answered = False
        self.cancel = threading.Event()

    # Argument readers: a missing or ill-typed argument is DAP 1002.
    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None, required: bool = False) -> Any:
        if name not in self.args or self.args[name] is None:
            if required:
                raise DapError(1002, f'{self.command}: "{name}" is required')
            return default
        value = self.args[name]
        bad_bool = isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,))
        if not isinstance(value, kind) or bad_bool:
            raise DapError(1002, f'{self.command}: "{name}" has the wrong type')
        return value


class Session:
    def __init__(self, channel: Channel) -> None:
        self.ch = channel
        self.log = channel.log
        self.done = threading.Event()
        self.known_threads: set[int] = {1}  # threads announced with `thread` events (fibers)
        self.announced: set[str] = set()  # sources the client knows (loadedSources / loadedSource)
        # client capabilities
        self.lines1 = True
        self.cols1 = True
        self.uri = False
        self.var_type = False
        self.paging = False
        self.progress = False
        self.invalidated = False
        self.initialized = False
        # attach mode (omega_dap/attached.py, relay.py): in the serve process, the upgraded
        # connection and the runtime's evaluation interceptor; in omega-dap, the relay to it and
        # what the client sent before `attach` (replayed to the remote session)
        self.link: Any = None
        self.attached: Any = None
        self.relay: Any = None
        self.relay_disconnecting = False
        self.init_msg: dict[str, Any] | None = None
        self.replay_log: list[dict[str, Any]] = []
        # the program
        self.config: LaunchConfig | None = None
        self.launch_args: dict[str, Any] = {}
        self.hl_explicit = False
        self.rt: Any = None
        self.ctl: DebugController | None = None
        self.views: Any = None
        self.interventions: Any = None
        self.intervention_error: Any = None
        self.rel_file = ""
        self.state = "new"  # new | launching | stopped | running | ended
        self.last_stop: Stop | None = None
        self.config_done = threading.Event()
        # breakpoints, kept across restarts (specs) with session-wide ids
        self.line_specs: dict[str, list[dict[str, Any]]] = {}
        self.line_bps: dict[str, list[Breakpoint]] = {}
        self.fn_specs: list[dict[str, Any]] = []
        self.fn_bps: list[Breakpoint] = []
        self.data_specs: list[dict[str, Any]] = []
        self.filters: dict[str, str | None] = {"uncaught": None}
        self._ids = 0
        self._adopted: dict[int, Breakpoint] = {}
        self._verifiers: dict[str, tuple[DebugController | None, str | None]] = {}
        # per-stop tables
        self.refs = RefTable()
        self.locations: dict[int, Any] = {}
        self._frames: list[Any] | None = None
        self.source_refs: dict[str, int] = {}
        # running
        self.pending: dict[int, Request] = {}
        self.run_id = 0
        self._progress_stop: threading.Event | None = None
        self._progress_id: str | None = None
        self.out = E.OutputBuffer(lambda text: self.output("stdout", text))
        self.tasks: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self.worker = threading.Thread(target=self._work, name="omega-dap-engine", daemon=True)
        self.worker.start()

    # ---- sending ----------------------------------------------------------------------------

    def send_event(self, event: str, body: dict[str, Any] | None = None) -> None:
        msg: dict[str, Any] = {"type": "event", "event": event}
        if body is not None:
            msg["body"] = body
        self.ch.send(msg)

    def respond(self, req: Request, body: dict[str, Any] | None = None) -> None:
        if req.answered:
            return
        req.answered = True
        self.pending.pop(req.seq, None)
        msg: dict[str, Any] = {"type": "response", "request_seq": req.seq, "command": req.command, "success": True}
        if body is not None:
            msg["body"] = body
        self.ch.send(msg)

    def fail(self, req: Request, code: int, message: str, show_user: bool | None = None) -> None:
        if req.answered:
            return
        req.answered = True
        self.pending.pop(req.seq, None)
        message = message.splitlines()[0] if message else "error"
        show = code in SHOW_USER if show_user is None else show_user
        self.ch.send({"type": "response", "request_seq": req.seq, "command": req.command, "success": False,
                      "message": message, "body": {"error": {"id": code, "format": message, "showUser": show}}})

    def output(self, category: str, text: str, **extra: Any) -> None:
        if category != "stdout":
            self.out.flush()  # keep program output before what follows it
        self.send_event("output", {"category": category, "output": text, **extra})

    def log_output(self, text: str, span: Any) -> None:
        """A logpoint's message, at its breakpoint's source and line (DEBUGGER.md 6.2)."""
        src = self.source(span)
        if src is None:
            self.output("console", text)
            return
        place = self.place(span)
        self.output("console", text, source=src, line=place["line"], column=place["column"])

    def console(self, text: str) -> None:
        self.output("console", text if text.endswith("\n") else text + "\n")

    # ---- receiving --------------------------------------------------------------------------

    def bad_bytes(self, why: str) -> None:
        self.console(f"omega-dap: ignored bytes that are not a DAP message ({why})")

    def receive(self, body: bytes) -> None:
        relay = self.relay
        if relay is not None:
            disconnecting = b'"disconnect"' in body and _command(body) == "disconnect"
            if disconnecting:
                self.relay_disconnecting = True  # the remote's hanging up is expected then
            if relay.forward(body):
                if disconnecting:
                    # The session is over once the remote has answered and hung up (the relay's
                    # end sets `done`): then this process stops reading and exits.
                    self.done.wait(DISCONNECT_WAIT_S)
                return
            self.relay_disconnecting = False
        try:
            msg = decode(body)
        except (ValueError, UnicodeDecodeError) as exc:
            self.console(f"omega-dap: ignored a message that is not JSON ({str(exc).splitlines()[0]})")
            return
        if isinstance(msg, dict) and msg.get("type") in ("response", "event"):
            return  # answers to reverse requests we never send, or stray events
        seq = msg.get("seq") if isinstance(msg, dict) else None
        seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else 0
        command = msg.get("command") if isinstance(msg, dict) else None
        if not isinstance(command, str):
            self.fail(Request(seq, "unknown", {}), 1002, 'A request needs a "command" string')
            return
        args = msg.get("arguments", {})
        if command == "initialize":
            self.init_msg = msg
        elif command in REPLAYED:
            self.replay_log.append(msg)
        req = Request(seq, command, args if isinstance(args, dict) else {})
        if args is not None and not isinstance(args, dict):
            self.fail(req, 1002, f'{command}: "arguments" must be an object')
            return
        handler = HANDLERS.get(command)
        if handler is None:
            self.fail(req, 1001, f'Unknown request "{command}"')
            return
        self._guard(req, lambda: handler(self, req))

    def _guard(self, req: Request, fn: Callable[[], None]) -> None:
        try:
            fn()
        except DapError as err:
            self.fail(req, err.code, err.message, err.show_user)
        except Exception:
            if self.log is not None:
                self.log.note(f"internal error while answering {req.command}:\n{traceback.format_exc()}")
            self.fail(req, 1009, f"Internal error while answering {req.command} (see the log)")

    def queue(self, req: Request, fn: Callable[[], None]) -> None:
        """Run `fn` on the engine thread; its errors answer `req`."""
        if req.command in CANCELLABLE:
            self.pending[req.seq] = req
        self.tasks.put(lambda: self._guard(req, fn))

    def _work(self) -> None:
        while True:
            task = self.tasks.get()
            if task is None:
                return
            task()

    def close(self) -> None:
        """The connection ended: stop any run and the engine thread."""
        self.done.set()
        if self.attached is not None:
            self.attached.detach()  # the evaluation being debugged goes on undebugged
        elif self.ctl is not None:
            self.ctl.pause()
        if self.relay is not None:
            self.relay.close()
        self.ch.closed = True
        self.out.flush()
        self.tasks.put(None)

    # ---- state helpers ----------------------------------------------------------------------

    def need_stopped(self, allow_ended: bool = False) -> DebugController:
        if self.ctl is None or self.state in ("new", "launching"):
            raise DapError(1004, "The program is not launched")
        if self.state == "running":
            raise DapError(1004, "The program is running: pause it first")
        if self.state == "ended" and not allow_ended:
            raise DapError(1004, "The program has ended")
        return self.ctl

    def need_views(self) -> Any:
        if self.views is None:
            raise DapError(1009, "Internal error: the debugger views are not available")
        return self.views

    def need_interventions(self) -> Any:
        if self.interventions is None:
            raise DapError(1009, "Internal error: interventions are not available")
        return self.interventions

    def thread_arg(self, req: Request, required: bool = True) -> int:
        tid = req.get("threadId", int, None, required)
        if tid is None or tid == 1:
            return 1
        live = dict(inspector.threads(self.ctl.state)) if self.ctl is not None and self.state == "stopped" else {}
        if tid not in live:
            raise DapError(1003, f"Unknown thread {tid}")
        return int(tid)

    def frames(self) -> list[Any]:
        if self._frames is None:
            ctl = self.need_stopped(allow_ended=True)
            self._frames = list(self.views.frames()) if self.views is not None else inspector.frames(ctl.state)
        return self._frames

    def frame_index(self, req: Request, required: bool = False) -> int | None:
        fid = req.get("frameId", int, None, required)
        if fid is None:
            return None
        if fid >= RAW_FRAME_IDS:
            fid //= RAW_FRAME_IDS  # a raw continuation frame of `format.includeAll`: its activation's
        if fid < 1 or fid > len(self.frames()):
            raise DapError(1003, f"Unknown frame {fid} (frame ids last until the program resumes)")
        return int(fid) - 1

    def invalidate(self) -> None:
        """A new stop or state: references and frames expire."""
        self.refs.reset()
        self.locations.clear()
        self._frames = None
        if self.views is not None:
            self.views.invalidate()

    # ---- paths, lines, columns --------------------------------------------------------------

    def line_out(self, n: int) -> int:
        return n if self.lines1 else n - 1

    def col_out(self, n: int) -> int:
        return n if self.cols1 else n - 1

    def line_in(self, n: int) -> int:
        return n if self.lines1 else n + 1

    def col_in(self, n: int) -> int:
        return n if self.cols1 else n + 1

    def path_in(self, p: str) -> str:
        if self.uri or p.startswith("file://"):
            p = urllib.request.url2pathname(urllib.parse.urlparse(p).path) if p.startswith("file:") else p
        base = self.config.cwd if self.config is not None else os.getcwd()
        return os.path.normpath(p if os.path.isabs(p) else os.path.join(base, p))

    def path_out(self, p: str) -> str:
        return urllib.parse.urljoin("file:", urllib.request.pathname2url(p)) if self.uri else p

    def abs_file(self, f: str) -> str:
        if os.path.isabs(f) or self.config is None:
            return f
        return os.path.normpath(os.path.join(self.config.cwd, f))

    def internal_file(self, path: str) -> str:
        """The name the controller knows a client path by."""
        if self.config is not None and path == self.config.program:
            return self.rel_file
        return path

    def source(self, span: Any) -> dict[str, Any] | None:
        if span is None:
            return None
        return self.source_for(span.file)

    def announce_sources(self) -> None:
        """A `loadedSource` event for each source the controller has that the client was not
        told of yet (attached evaluations, debug console inputs)."""
        if self.ctl is None:
            return
        for name in list(self.ctl.sources):
            if name not in self.announced:
                self.announced.add(name)
                self.send_event("loadedSource", {"reason": "new", "source": self.source_for(name)})

    def source_for(self, f: str) -> dict[str, Any]:
        """The DAP Source of a file name as spans carry it (`<repl-3>`: a sourceReference)."""
        if f.startswith("<"):
            ref = self.source_refs.setdefault(f, len(self.source_refs) + 1)
            return {"name": f, "sourceReference": ref}
        path = self.abs_file(f)
        return {"name": os.path.basename(path), "path": self.path_out(path)}

    def place(self, span: Any) -> dict[str, Any]:
        if span is None:
            return {"line": 0, "column": 0}
        return {"line": self.line_out(span.start_line), "column": self.col_out(span.start_col),
                "endLine": self.line_out(span.end_line), "endColumn": self.col_out(span.end_col)}

    # ---- breakpoints helpers ----------------------------------------------------------------

    def adopt(self, bps: list[Breakpoint], previous: list[Breakpoint] | None = None) -> None:
        """Give breakpoints session-wide ids: kept ones keep theirs, carried-over ones (a new
        controller) take the previous object's, new ones get the next id."""
        for i, bp in enumerate(bps):
            if id(bp) in self._adopted:
                continue
            if previous is not None and i < len(previous):
                bp.bid = previous[i].bid
            else:
                self._ids += 1
                bp.bid = self._ids
            self._adopted[id(bp)] = bp

    def bp_body(self, bp: Breakpoint, path: str | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {"id": bp.bid, "verified": bool(bp.verified)}
        if bp.kind == "line" and bp.line is not None:
            d["line"] = self.line_out(bp.line)
            if bp.verified and bp.column is not None:
                d["column"] = self.col_out(bp.column)
                if bp.end_line is not None and bp.end_column is not None:
                    d["endLine"] = self.line_out(bp.end_line)
                    d["endColumn"] = self.col_out(bp.end_column)
            if path is not None:
                d["source"] = {"name": os.path.basename(path), "path": self.path_out(path)}
        if bp.message:
            d["message"] = bp.message
        if not bp.verified and bp.reason:
            d["reason"] = bp.reason
        return d

    def verifier(self, path: str) -> tuple[DebugController | None, str | None]:
        """A controller launched (not run) on `path` to verify breakpoints before `launch`."""
        if path not in self._verifiers:
            from omega_runtime.runtime import OmegaRuntime

            try:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError as exc:
                self._verifiers[path] = (None, f"Cannot read {path}: {exc.strerror or exc}")
            else:
                ctl = DebugController(OmegaRuntime.create(preset="debug"))
                diags = ctl.launch(text, path)
                self._verifiers[path] = (None, diags[0].format()) if diags else (ctl, None)
        return self._verifiers[path]

    def apply_line_bps(self, path: str) -> list[Breakpoint]:
        specs = self.line_specs.get(path, [])
        previous = self.line_bps.get(path)
        if self.ctl is not None and (self.state != "new" or self.link is not None):
            bps = self.ctl.set_line_breakpoints(self.internal_file(path), specs)
        else:
            ctl, problem = self.verifier(path)
            if ctl is None:
                bps = [Breakpoint(0, "line", False, line=int(s["line"]), message=problem, reason="failed")
                       for s in specs]
            else:
                bps = ctl.set_line_breakpoints(path, specs)
        self.adopt(bps, previous if previous is not None and not all(id(b) in self._adopted for b in bps) else None)
        self.line_bps[path] = bps
        return bps

    # ---- running ----------------------------------------------------------------------------

    def start_run(self, req: Request | None, fn: Callable[[], Stop | Exit],
                  body: dict[str, Any] | None = None, respond_first: bool = True,
                  after: Callable[[Stop | Exit], dict[str, Any] | None] | None = None) -> None:
        """Queue a run (or jump) of the controller and report its stop or exit.

        Forward runs answer first; jumps (and interventions that may fail) answer after the
        controller has moved, then send `stopped`, which makes clients refetch everything: an
        `invalidated` before it made VS Code drop the stop's description (DEBUGGER.md 7.1)."""
        forward = respond_first
        if forward:
            self.state = "running"
        self.run_id += 1
        run_id = self.run_id

        def task() -> None:
            if forward and req is not None:
                self.respond(req, body)
            self.invalidate()
            progress = self._start_progress(run_id)
            try:
                try:
                    result = fn()
                except Exception:
                    self.state = "stopped" if self.state == "running" else self.state
                    raise
                finally:
                    self._end_progress(progress)
                if not forward and req is not None:
                    self.respond(req, after(result) if after is not None else body)
                self.report(result)
            except Exception:
                if self.attached is not None:
                    self.attached.run_failed()  # the evaluation's client must get its reply
                if req is not None and not req.answered:
                    raise
                if self.log is not None:
                    self.log.note(f"internal error while running {req.command if req else 'launch'}:\n"
                                  f"{traceback.format_exc()}")
                self.state = "stopped" if self.ctl is not None and self.ctl.finished is None else "ended"

        if req is not None:
            self.queue(req, task)
        else:
            self.tasks.put(task)

    def report(self, result: Stop | Exit) -> None:
        if self.attached is not None and self.attached.on_result(result):
            return  # attach mode: an evaluation ended (no exited/terminated) or was handed back
        if self.done.is_set():
            return
        self.out.flush()
        self.invalidate()
        if isinstance(result, Exit):
            self.state = "ended"
            self.last_stop = None
            self.send_event("exited", {"exitCode": result.code})
            self.send_event("terminated")
            return
        self.state = "stopped"
        self.last_stop = result
        description = result.description
        if result.reason == "breakpoint" and self.ctl is not None:
            for bid in result.hit_ids:
                bp = self.ctl.breakpoints.get(bid) or self._adopted_by_bid(bid)
                if bp is not None and bp.message and "condition failed" in bp.message:
                    description = f"{bp.message} (step {result.step})"
                    self.send_event("breakpoint", {"reason": "changed", "breakpoint": self.bp_body(bp)})
                    break
        thread = self.announce_threads()
        self.send_event("stopped", E.stopped_body(result.reason, description, result.hit_ids, result.text, thread))

    def announce_threads(self) -> int:
        """`thread` events for fibers started or ended since the last stop; the running fiber's id."""
        if self.ctl is None:
            return 1
        st = self.ctl.state
        live = dict(inspector.threads(st))
        for tid in sorted(set(live) - self.known_threads):
            self.send_event("thread", {"reason": "started", "threadId": tid})
        for tid in sorted(self.known_threads - set(live)):
            self.send_event("thread", {"reason": "exited", "threadId": tid})
        self.known_threads = set(live)
        return inspector.current_thread(st)

    def _adopted_by_bid(self, bid: int) -> Breakpoint | None:
        for bp in self._adopted.values():
            if bp.bid == bid:
                return bp
        return None

    def _start_progress(self, run_id: int) -> threading.Event | None:
        if not self.progress or self.ctl is None:
            return None
        stop = threading.Event()
        pid = f"run-{run_id}"
        name = os.path.basename(self.config.program) if self.config is not None else "program"
        ctl = self.ctl
        # Under a launch `steps` budget the run's share of it is the percentage (7.3).
        steps = self.config.budget.get("steps") if self.config is not None and self.attached is None else None

        def where() -> dict[str, Any]:
            body: dict[str, Any] = {"message": f"step {_thousands(ctl.cur)}"}
            if steps:
                body["percentage"] = min(100.0, round(100.0 * ctl.cur / steps, 1))
            return body

        def watch() -> None:
            if stop.wait(1.0):
                return
            self._progress_id = pid
            self.send_event("progressStart", {"progressId": pid, "title": f"Running {name}", "cancellable": True,
                                              **where()})
            while not stop.wait(0.5):
                self.send_event("progressUpdate", {"progressId": pid, **where()})
            self.send_event("progressEnd", {"progressId": pid})

        threading.Thread(target=watch, daemon=True).start()
        return stop

    def _end_progress(self, stop: threading.Event | None) -> None:
        if stop is not None:
            stop.set()
        self._progress_id = None

    def intervention(self, req: Request, fn: Callable[[], Stop | Exit],
                     after: Callable[[Stop | Exit], dict[str, Any] | None] | None = None,
                     reason: str | None = None) -> None:
        """An intervention or jump: the controller moves, then response and `stopped`."""
        ctl = self.need_stopped(allow_ended=True)
        err_cls = self.intervention_error

        def run() -> Stop | Exit:
            newest, cur = ctl.history.newest, ctl.cur
            try:
                result = fn()
            except ValueError as exc:
                raise DapError(1005, str(exc)) from None
            except KeyError as exc:
                raise DapError(1005, str(exc.args[0]) if exc.args else "impossible") from None
            except Exception as exc:
                if err_cls is not None and isinstance(exc, err_cls):
                    code = getattr(exc, "code", 1005)
                    raise DapError(code, getattr(exc, "message", str(exc))) from None
                raise
            if ctl.history.newest < newest or (ctl.history.kind(ctl.cur) == "edit" and newest > cur
                                               and ctl.cur == cur + 1):
                dropped = newest - cur
                if dropped > 0:
                    self.console(f"Discarded {_thousands(dropped)} recorded steps after step {cur}")
            if reason is not None and isinstance(result, Stop):
                result.reason = reason
            return result

        self.start_run(req, run, respond_first=False, after=after)

    # ---- variables --------------------------------------------------------------------------

    def var_body(self, node: Any, key: Any) -> dict[str, Any]:
        d: dict[str, Any] = {"name": node.name, "value": node.value, "variablesReference": 0}
        if self.var_type and node.type:
            d["type"] = node.type
        if node.evaluate_name:
            d["evaluateName"] = node.evaluate_name
        self.add_children(d, node, key)
        hint: dict[str, Any] = {}
        if node.virtual:
            hint = {"kind": "virtual", "attributes": ["readOnly"]}
        elif node.read_only:
            hint = {"attributes": ["readOnly"]}
        if node.lazy:
            hint["lazy"] = True
        if hint:
            d["presentationHint"] = hint
        if node.location is not None:
            ref = len(self.locations) + 1
            self.locations[ref] = node.location
            d["valueLocationReference"] = ref
        return d

    def add_children(self, d: dict[str, Any], node: Any, key: Any) -> None:
        if node.fetch is None or not (node.named or node.indexed or node.lazy):
            return
        d["variablesReference"] = self.refs.add(key, ("node", node))
        if node.indexed > PAGE and not self.paging:
            d["namedVariables"] = len(_ranges(0, node.indexed))
            return
        if node.named:
            d["namedVariables"] = node.named
        if node.indexed:
            d["indexedVariables"] = node.indexed

    def children(self, ref: int, item: Any, flt: str | None, start: int, count: int | None) -> list[dict[str, Any]]:
        kind, node = item[0], item[1]
        if kind == "range":
            lo, n = item[2], item[3]
            if n > PAGE:
                return self.range_nodes(ref, node, lo, n)
            kids = node.fetch(lo, n, "indexed")
            return [self.var_body(k, (ref, k.name)) for k in kids]
        if node.indexed > PAGE and not self.paging and flt != "named":
            return self.range_nodes(ref, node, 0, node.indexed)[start:start + count if count else None]
        kids = node.fetch(start, count, flt)
        return [self.var_body(k, (ref, k.name)) for k in kids]

    def range_nodes(self, ref: int, node: Any, lo: int, n: int) -> list[dict[str, Any]]:
        out = []
        for a, b in _ranges(lo, n):
            name = f"[{a}..{b - 1}]"
            size = b - a
            d: dict[str, Any] = {"name": name, "value": "", "variablesReference":
                                 self.refs.add((ref, name), ("range", node, a, size)),
                                 "presentationHint": {"kind": "virtual", "attributes": ["readOnly"]}}
            if size > PAGE:
                d["namedVariables"] = len(_ranges(a, size))
            else:
                d["indexedVariables"] = size
            out.append(d)
        return out

    def lookup(self, ref: int) -> Any:
        item = self.refs.get(ref)
        if item is None:
            raise DapError(1003, EXPIRED.format(ref))
        return item


def _command(body: bytes) -> Any:
    try:
        msg = decode(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return msg.get("command") if isinstance(msg, dict) else None


def _ranges(lo: int, n: int) -> list[tuple[int, int]]:
    """Chunks of 100, 10,000, ... so that there are at most 100 of them."""
    size = PAGE
    while size * PAGE < n:
        size *= PAGE
    return [(a, min(a + size, lo + n)) for a in range(lo, lo + n, size)]


Handler = Callable[[Session, Request], None]
HANDLERS: dict[str, Handler] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn

    return register


# Importing the handler modules fills HANDLERS.
from . import handlers_config, handlers_inspect, handlers_run  # noqa: E402,F401

__all__ = ["Session", "DapError", "HANDLERS", "Request"]
