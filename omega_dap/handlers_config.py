"""Session lifecycle and configuration requests (DEBUGGER.md 2, 3, 4, 6): initialize, launch,
attach, breakpoints of every kind, configurationDone, restart, terminate, disconnect, cancel."""

from __future__ import annotations

import os
import threading
from typing import Any

from omega_runtime.config import PRESETS, RuntimeProviders
from omega_runtime.debug import inspector
from omega_runtime.debug.breakpoints import FILTER_IDS, Breakpoint
from omega_runtime.debug.controller import DebugController, Exit, Stop
from omega_runtime.debug.interventions import InterventionError, Interventions
from omega_runtime.debug.views import Views

from . import events as E
from .launch import ArgumentError, parse_attach, parse_launch
from .session import DapError, Request, Session, handler

CONFIG_WAIT_S = 5.0
ATTACH_TIMEOUT_S = 10.0


@handler("initialize")
def initialize(s: Session, req: Request) -> None:
    if s.initialized:
        raise DapError(1004, "The session is already initialized")
    a = req.args
    s.lines1 = a.get("linesStartAt1", True) is not False
    s.cols1 = a.get("columnsStartAt1", True) is not False
    s.uri = a.get("pathFormat") == "uri"
    s.var_type = a.get("supportsVariableType") is True
    s.paging = a.get("supportsVariablePaging") is True
    s.progress = a.get("supportsProgressReporting") is True
    s.invalidated = a.get("supportsInvalidatedEvent") is True
    s.initialized = True
    s.respond(req, E.capabilities())
    s.send_event("initialized")


@handler("configurationDone")
def configuration_done(s: Session, req: Request) -> None:
    s.respond(req)
    s.config_done.set()  # after the response: launch answers after configurationDone does


# ---- launch ---------------------------------------------------------------------------------

def _create(s: Session, cfg_args: dict[str, Any]) -> list[str]:
    """Build runtime and controller from launch arguments; reader diagnostics (formatted) if any."""
    from omega_runtime.oracle import OracleConfigError
    from omega_runtime.runtime import OmegaRuntime

    try:
        cfg, explicit = parse_launch(cfg_args, tuple(PRESETS))
    except ArgumentError as exc:
        raise DapError(1002, str(exc)) from None
    try:
        with open(cfg.program, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        why = "no such file" if isinstance(exc, FileNotFoundError) else (exc.strerror or str(exc)).lower()
        raise DapError(1008, f"Cannot read program {cfg.program}: {why}") from None
    if not os.path.isdir(cfg.cwd):
        raise DapError(1008, f"Cannot launch: the working directory {cfg.cwd} does not exist")
    providers = RuntimeProviders(stdout=s.out.write, stderr=lambda t: s.output("stderr", t))
    try:
        rt = OmegaRuntime.create(config=cfg.runtime_config(), preset=cfg.preset, providers=providers)
    except (OracleConfigError, ValueError, OSError) as exc:
        detail = getattr(exc, "detail", None) or str(exc)
        raise DapError(1008, f"Cannot launch {os.path.basename(cfg.program)}: {detail}") from None
    # File and shell effects resolve relative paths against the session's working directory.
    rt.host.cwd = cfg.cwd
    rel = os.path.relpath(cfg.program, cfg.cwd)
    rel = cfg.program if rel.startswith("..") else rel
    rt.host.argv = [rel, *cfg.args]
    ctl = DebugController(rt, history_limit=cfg.effective_history_limit(explicit), no_debug=cfg.no_debug)
    ctl.output = lambda category, text: s.output(category, text)
    ctl.log_output = s.log_output
    rt.host.oracle_watchers.append(lambda m, ev: _oracle_event(s, ev))
    if s.rt is not None and s.rt is not rt:
        s.rt.dispose()
    s.rt, s.ctl, s.config, s.rel_file, s.hl_explicit = rt, ctl, cfg, rel, explicit
    s.launch_args = dict(cfg_args)
    s.views = Views(ctl)
    s.interventions = Interventions(ctl, s.views)
    s.intervention_error = InterventionError
    diags = ctl.launch(text, rel)
    if diags:
        return [d.format() for d in diags]
    s.announced.update(ctl.sources)  # the program: the client launched it
    for key in cfg.unknown[:1]:
        s.console(f"launch: ignoring unknown attributes: {', '.join(cfg.unknown)}" if key else "")
    return []


def _oracle_event(s: Session, ev: Any) -> None:
    receipt = ev.receipt
    data = {**receipt.to_dict(), "step": ev.step, "source": ev.source}
    extra: dict[str, Any] = {"data": data}
    src = s.source(ev.span)
    if src is not None:
        extra["source"] = src
        extra["line"] = s.line_out(ev.span.start_line)
    s.output("oracle", E.oracle_line(receipt, ev.source), **extra)


def _apply_all(s: Session) -> None:
    """Install every breakpoint the client has set on the (new) controller, keeping ids."""
    ctl = s.ctl
    assert ctl is not None
    no_debug = s.config.no_debug if s.config is not None else False
    for path in list(s.line_specs):
        before = [s.bp_body(b, path) for b in s.line_bps.get(path, [])]
        previous = s.line_bps.get(path, [])
        specs = [] if no_debug else s.line_specs[path]
        bps = ctl.set_line_breakpoints(s.internal_file(path), specs)
        s.adopt(bps, previous)
        s.line_bps[path] = bps
        for old, bp in zip(before, bps, strict=False):
            new = s.bp_body(bp, path)
            if new != old:
                s.send_event("breakpoint", {"reason": "changed", "breakpoint": new})
    previous_fn = s.fn_bps
    fn = ctl.set_function_breakpoints([] if no_debug else s.fn_specs)
    s.adopt(fn, previous_fn)
    s.fn_bps = fn
    for bp in fn:
        s.send_event("breakpoint", {"reason": "changed", "breakpoint": s.bp_body(bp)})
    s.adopt(ctl.set_data_breakpoints([] if no_debug else s.data_specs))
    ctl.set_exception_filters({} if no_debug else dict(s.filters))


def _launch_failed(s: Session, diags: list[str], program: str) -> DapError:
    for line in diags:
        s.output("stderr", line + "\n")
    more = f" (and {len(diags) - 1} more)" if len(diags) > 1 else ""
    return DapError(1008, f"Cannot launch {os.path.basename(program)}: {diags[0]}{more}")


def _first_run(s: Session, stop_on_entry: bool) -> Stop | Exit:
    ctl = s.ctl
    assert ctl is not None
    if not stop_on_entry:
        return ctl.resume("continue")
    result = ctl.resume("in")
    if isinstance(result, Stop) and result.reason == "step":
        result.reason = "entry"
        result.description = f"Paused on entry (step {result.step})"
    return result


@handler("launch")
def launch(s: Session, req: Request) -> None:
    if s.link is not None:
        raise DapError(1004, "This session debugs an omega serve session: use attach")
    if s.state != "new":
        raise DapError(1004, "The program is already launched")
    diags = _create(s, req.args)
    cfg = s.config
    assert cfg is not None and s.ctl is not None
    if diags:
        s.state = "ended"
        raise _launch_failed(s, diags, cfg.program)
    s.state = "launching"

    def after_config() -> None:
        if not s.config_done.wait(CONFIG_WAIT_S):
            s.console("configurationDone did not arrive within 5 s: running anyway")
        _apply_all(s)
        s.respond(req)
        s.send_event("process", {"name": os.path.basename(cfg.program), "startMethod": "launch",
                                 "isLocalProcess": True, "systemProcessId": os.getpid()})
        s.send_event("thread", {"reason": "started", "threadId": 1})
        s.start_run(None, lambda: _first_run(s, cfg.stop_on_entry and not cfg.no_debug))

    s.queue(req, after_config)


@handler("attach")
def attach(s: Session, req: Request) -> None:
    try:
        cfg = parse_attach(req.args)
    except ArgumentError as exc:
        raise DapError(1002, str(exc).replace("launch:", "attach:")) from None
    if s.link is not None:  # inside `omega serve`: this session debugs the serve session
        from .attached import attach_here

        attach_here(s, req, cfg)
        return
    if s.state != "new" or s.relay is not None:
        raise DapError(1004, "The session is already launched or attached")
    from .relay import AttachFailed, target

    try:
        where = target(cfg)
    except AttachFailed as exc:
        raise DapError(1008, f"Cannot attach: {exc}") from None
    _relay_attach(s, req, where.host, where.port, where.token)


def _relay_attach(s: Session, req: Request, host: str, port: int, token: str | None) -> None:
    """omega-dap: connect to the serve session and relay this session to its DAP session.

    While connecting, this session keeps answering the client itself (so nothing waits on the
    network); configuration requests it answers meanwhile are replayed too."""
    from .relay import AttachFailed, Relay, connect

    timeout = req.args.get("__connectTimeout", ATTACH_TIMEOUT_S)  # private: tests shorten it
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        timeout = ATTACH_TIMEOUT_S
    s.state = "attaching"

    def ended(unanswered: list[tuple[int, str]]) -> None:
        s.relay = None
        for seq, command in unanswered:
            s.fail(Request(seq, command, {}), 1004, "The omega serve session has ended")
        s.state = "ended"
        if s.relay_disconnecting:
            s.done.set()  # the client disconnected: this session is over
        else:
            s.send_event("terminated")

    def run() -> None:
        try:
            sock, rest = connect(host, port, float(timeout), token)
        except AttachFailed as exc:
            s.state = "new"
            s.fail(req, 1008, f"Cannot attach to {host}:{port}: {exc}")
            return
        relay = Relay(s.ch.send, ended)
        s.relay = relay  # from here on client messages wait for the replay, then go through
        replay = ([s.init_msg] if s.init_msg is not None else []) + list(s.replay_log)
        replay.append({"seq": req.seq, "type": "request", "command": "attach", "arguments": req.args})
        relay.start(sock, rest, replay)

    threading.Thread(target=run, name="omega-dap-attach", daemon=True).start()


@handler("restart")
def restart(s: Session, req: Request) -> None:
    if s.attached is not None:
        raise DapError(1004, "An attached session cannot be restarted")
    if s.ctl is None or s.state in ("new", "launching"):
        raise DapError(1004, "The program is not launched")
    new_args = req.get("arguments", dict, None)
    args = dict(new_args) if new_args is not None else dict(s.launch_args)
    try:
        parse_launch(args, tuple(PRESETS))
    except ArgumentError as exc:
        raise DapError(1002, str(exc).replace("launch:", "restart:")) from None
    if s.state == "running":
        s.ctl.pause()
    s.run_id += 1
    s.state = "running"

    def relaunch() -> None:
        s.respond(req)
        try:
            diags = _create(s, args)
        except DapError as err:
            s.output("stderr", err.message + "\n")
            s.state = "ended"
            s.send_event("terminated")
            return
        if diags:
            for line in diags:
                s.output("stderr", line + "\n")
            s.state = "ended"
            s.send_event("terminated")
            return
        _apply_all(s)
        cfg = s.config
        assert cfg is not None
        s.start_run(None, lambda: _first_run(s, cfg.stop_on_entry and not cfg.no_debug))

    s.queue(req, relaunch)


@handler("terminate")
def terminate(s: Session, req: Request) -> None:
    if s.attached is not None:  # the evaluation being debugged ends; the session lives on
        s.attached.terminate_current()
        s.respond(req)
        return
    ctl = s.ctl
    if ctl is None or s.state in ("new", "ended"):
        s.respond(req)
        if s.state != "ended":
            s.send_event("terminated")
        return
    if s.state == "running":
        ctl.pause()
    s.run_id += 1

    def end() -> None:
        s.respond(req)
        if s.state == "ended":
            return
        # As `(exit 1)`: open transactions roll back (the controller's end-of-run path).
        ctl.terminate()
        s.report(Exit(1))

    s.queue(req, end)


@handler("disconnect")
def disconnect(s: Session, req: Request) -> None:
    attached = s.attached
    if attached is not None:
        end = req.get("terminateDebuggee", bool, False)
        attached.detach(terminate=end)
        s.out.flush()
        s.respond(req)
        s.done.set()
        if end and s.link is not None:  # after the answer has gone: it hangs up this connection too
            threading.Thread(target=s.link.stop_server, name="omega-serve-stop", daemon=True).start()
        return
    if s.ctl is not None:
        s.ctl.pause()
    s.out.flush()
    s.respond(req)
    s.done.set()


@handler("cancel")
def cancel(s: Session, req: Request) -> None:
    rid = req.args.get("requestId")
    pid = req.args.get("progressId")
    if isinstance(rid, int) and rid in s.pending:
        s.pending[rid].cancel.set()
    if isinstance(pid, str) and pid == s._progress_id and s.ctl is not None and s.state == "running":
        s.ctl.pause()
    s.respond(req)


@handler("pause")
def pause(s: Session, req: Request) -> None:
    s.thread_arg(req)
    if s.attached is not None and s.attached.idle():
        s.attached.pause_next = True  # between evaluations: the next one stops on entry
    elif s.ctl is not None and s.state == "running":
        s.ctl.pause()  # kept until the run stops, even if the run has not started yet
    s.respond(req)


@handler("threads")
def threads(s: Session, req: Request) -> None:
    if s.ctl is not None and s.state == "stopped":
        live = inspector.threads(s.ctl.state)
        s.respond(req, {"threads": [{"id": tid, "name": name} for tid, name in live]})
        return
    s.respond(req, {"threads": [{"id": 1, "name": "main"}] if s.state != "ended" or s.ctl else []})


# ---- breakpoints ----------------------------------------------------------------------------

def _spec(s: Session, req: Request, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise DapError(1002, f'{req.command}: each breakpoint must be an object')
    line = raw.get("line")
    if not isinstance(line, int) or isinstance(line, bool) or s.line_in(line) < 1:
        raise DapError(1002, f'{req.command}: "line" must be a positive integer')
    spec: dict[str, Any] = {"line": s.line_in(line)}
    col = raw.get("column")
    if col is not None:
        if not isinstance(col, int) or isinstance(col, bool):
            raise DapError(1002, f'{req.command}: "column" must be an integer')
        spec["column"] = s.col_in(col)
    for key in ("condition", "hitCondition", "logMessage"):
        v = raw.get(key)
        if v is not None and not isinstance(v, str):
            raise DapError(1002, f'{req.command}: "{key}" must be a string')
        if v:
            spec[key] = v
    return spec


def _source_path(s: Session, req: Request) -> str:
    src = req.get("source", dict, required=True)
    path = src.get("path")
    if not isinstance(path, str) or not path:
        if isinstance(src.get("sourceReference"), int):
            raise DapError(1003, f"{req.command}: sourceReference {src['sourceReference']} has no file")
        raise DapError(1002, f'{req.command}: "source.path" is required')
    return s.path_in(path)


@handler("setBreakpoints")
def set_breakpoints(s: Session, req: Request) -> None:
    path = _source_path(s, req)
    raw = req.get("breakpoints", list, None)
    if raw is None:
        lines = req.get("lines", list, [])
        raw = [{"line": ln} for ln in lines]
    specs = [_spec(s, req, b) for b in raw]
    s.line_specs[path] = specs
    if s.config is not None and s.config.no_debug:
        bps = [Breakpoint(0, "line", False, line=sp["line"], message="noDebug: breakpoints are off",
                          reason="failed") for sp in specs]
        s.adopt(bps)
    else:
        bps = s.apply_line_bps(path)
    s.respond(req, {"breakpoints": [s.bp_body(b, path) for b in bps]})


@handler("setFunctionBreakpoints")
def set_function_breakpoints(s: Session, req: Request) -> None:
    raw = req.get("breakpoints", list, required=True)
    specs = []
    for b in raw:
        if not isinstance(b, dict) or not isinstance(b.get("name"), str) or not b["name"]:
            raise DapError(1002, 'setFunctionBreakpoints: each breakpoint needs a "name" string')
        specs.append({k: b[k] for k in ("name", "condition", "hitCondition") if isinstance(b.get(k), str)})
    s.fn_specs = specs
    if s.ctl is not None and s.state not in ("new",):
        bps = s.ctl.set_function_breakpoints(specs)
    else:
        bps = []
        for sp in specs:
            effect = sp["name"].startswith("effect:")
            bps.append(Breakpoint(0, "function", effect, name=sp["name"], reason=None if effect else "pending",
                                  message=None if effect else f"No procedure named {sp['name']} yet"))
    s.adopt(bps)
    s.fn_bps = bps
    s.respond(req, {"breakpoints": [s.bp_body(b) for b in bps]})


@handler("setExceptionBreakpoints")
def set_exception_breakpoints(s: Session, req: Request) -> None:
    names = req.get("filters", list, required=True)
    options = req.get("filterOptions", list, [])
    chosen: list[tuple[str, str | None]] = []
    for f in names:
        if f not in FILTER_IDS:
            raise DapError(1002, f"setExceptionBreakpoints: unknown filter {f!r}")
        chosen.append((f, None))
    for o in options:
        if not isinstance(o, dict) or o.get("filterId") not in FILTER_IDS:
            raise DapError(1002, f"setExceptionBreakpoints: unknown filter {o.get('filterId') if isinstance(o, dict) else o!r}")
        cond = o.get("condition")
        if cond is not None and not isinstance(cond, str):
            raise DapError(1002, 'setExceptionBreakpoints: "condition" must be a string')
        chosen.append((o["filterId"], cond or None))
    results = []
    filters: dict[str, str | None] = {}
    for fid, cond in chosen:
        problem = _condition_problem(s, cond)
        results.append({"verified": problem is None, **({"message": problem} if problem else {})})
        if problem is None:
            filters[fid] = cond
    s.filters = filters
    if s.ctl is not None and not (s.config is not None and s.config.no_debug):
        s.ctl.set_exception_filters(dict(filters))
    s.respond(req, {"breakpoints": results})


def _condition_problem(s: Session, cond: str | None) -> str | None:
    """Why a filter condition does not read (None when it does or is plain text)."""
    if not cond or not cond.lstrip().startswith("("):
        return None
    from omega_runtime.reader import read

    result = read(cond, "<condition>")
    diags = getattr(result, "diagnostics", [])
    return f"Condition does not read: {diags[0].format()}" if diags else None


@handler("setDataBreakpoints")
def set_data_breakpoints(s: Session, req: Request) -> None:
    raw = req.get("breakpoints", list, required=True)
    specs = []
    for b in raw:
        if not isinstance(b, dict) or not isinstance(b.get("dataId"), str):
            raise DapError(1002, 'setDataBreakpoints: each breakpoint needs a "dataId" string')
        access = b.get("accessType", "write")
        if access not in ("read", "write", "readWrite"):
            raise DapError(1002, 'setDataBreakpoints: "accessType" must be read, write or readWrite')
        specs.append({"dataId": b["dataId"], "accessType": access,
                      **{k: b[k] for k in ("condition", "hitCondition") if isinstance(b.get(k), str)}})
    s.data_specs = specs
    if s.ctl is not None:
        bps = s.ctl.set_data_breakpoints(specs)
    else:
        bps = [Breakpoint(0, "data", False, name=sp["dataId"], reason="pending",
                          message="The program is not launched yet") for sp in specs]
    s.adopt(bps)
    s.respond(req, {"breakpoints": [s.bp_body(b) for b in bps]})


@handler("breakpointLocations")
def breakpoint_locations(s: Session, req: Request) -> None:
    path = _source_path(s, req)
    line = s.line_in(req.get("line", int, required=True))
    end_line = req.get("endLine", int, None)
    end = s.line_in(end_line) if end_line is not None else None
    table = None
    loaded = s.ctl.sources.get(s.internal_file(path)) if s.ctl is not None and s.state != "new" else None
    if loaded is not None:
        table = loaded.line_table
    elif s.attached is None:
        verifier = s.verifier(path)[0]
        table = verifier.line_table if verifier is not None else None
    spans = table.locations(line, end) if table is not None else []
    s.respond(req, {"breakpoints": [{"line": s.line_out(sp.start_line), "column": s.col_out(sp.start_col),
                                     "endLine": s.line_out(sp.end_line), "endColumn": s.col_out(sp.end_col)}
                                    for sp in spans]})


# ---- sources ----------------------------------------------------------------------------------

@handler("loadedSources")
def loaded_sources(s: Session, req: Request) -> None:
    # The program (attached: the session's files) and the `<repl-N>` inputs.
    names = list(s.ctl.sources) if s.ctl is not None else []
    s.announced.update(names)
    s.respond(req, {"sources": [s.source_for(name) for name in names]})


@handler("source")
def source(s: Session, req: Request) -> None:
    src = req.get("source", dict, {})
    ref = src.get("sourceReference") or req.get("sourceReference", int, 0)
    path = src.get("path")
    if isinstance(ref, int) and ref > 0:
        names = [name for name, r in s.source_refs.items() if r == ref]
        known = s.ctl.sources.get(names[0]) if names and s.ctl is not None else None
        if known is None:
            raise DapError(1003, f"source: sourceReference {ref} has no text to show")
        s.respond(req, {"content": known.text, "mimeType": "text/x-omega"})
        return
    if not isinstance(path, str) or not path:
        raise DapError(1002, 'source: "source.path" or "sourceReference" is required')
    full = s.path_in(path)
    known = s.ctl.sources.get(s.internal_file(full)) if s.ctl is not None else None
    if known is not None:  # the text as it was run, even if the file has changed since
        text = known.text
    else:
        try:
            with open(full, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise DapError(1003, f"source: cannot read {full}: {exc.strerror or exc}") from None
    s.respond(req, {"content": text, "mimeType": "text/x-omega"})
