"""Inspection requests (DEBUGGER.md 8-10, 12): stackTrace, scopes, variables, evaluate,
setVariable, setExpression, completions, exceptionInfo, dataBreakpointInfo, locations.
They run on the engine thread (a stopped program only) and honour `cancel`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from omega_runtime.debug import inspector
from omega_runtime.printer import write_repr

from .session import PROGRAM_WIDE, RAW_FRAME_IDS, DapError, Request, Session, handler

PARAM_KINDS = ("param", "rest")


def _cancellable(s: Session, req: Request, work: Callable[[], dict[str, Any]]) -> None:
    """Queue `work`; a cancel before or during it answers 1007 instead (state unchanged)."""

    def run() -> None:
        if req.cancel.is_set():
            raise DapError(1007, "cancelled")
        body = work()
        if req.cancel.is_set():
            raise DapError(1007, "cancelled")
        s.respond(req, body)

    s.queue(req, run)


def _evaluation_error(exc: Exception) -> DapError:
    """1006, never shown as a notification: the console or the watch shows it (DEBUGGER.md 5)."""
    text = str(exc)
    if text == "cancelled":
        return DapError(1007, "cancelled")
    return DapError(1006, text)


# ---- stack --------------------------------------------------------------------------------------

@handler("stackTrace")
def stack_trace(s: Session, req: Request) -> None:
    start = req.get("startFrame", int, 0)
    levels = req.get("levels", int, 0)
    fmt = req.get("format", dict, {})
    s.need_stopped()
    thread = s.thread_arg(req)

    def work() -> dict[str, Any]:
        # Frame ids are indexes in the stop's list of every thread's frames, plus one.
        indexes = [i for i, f in enumerate(s.frames()) if getattr(f, "thread", 1) == thread]
        frames = [s.frames()[i] for i in indexes]
        if fmt.get("includeAll"):
            # Raw frames count like any other: a client pages and totals the list it is shown.
            rows = _with_raw(s, [_frame(s, i, f, fmt) for i, f in zip(indexes, frames, strict=True)], frames, indexes)
            end = len(rows) if levels <= 0 else min(len(rows), start + levels)
            return {"stackFrames": rows[max(0, start):end], "totalFrames": len(rows)}
        end = len(frames) if levels <= 0 else min(len(frames), start + levels)
        out = [_frame(s, indexes[i], frames[i], fmt) for i in range(max(0, start), end)]
        return {"stackFrames": out, "totalFrames": len(frames)}

    _cancellable(s, req, work)


def _frame(s: Session, i: int, f: Any, fmt: dict[str, Any]) -> dict[str, Any]:
    name = f.name
    if f.kind == "activation" and any(fmt.get(k) for k in ("parameters", "parameterNames", "parameterValues")):
        name = f"{name}({_params(s, f, fmt)})"
    d: dict[str, Any] = {"id": i + 1, "name": name, **s.place(f.span)}
    src = s.source(f.span) if f.kind != "label" else None
    if src is not None:
        # Extent labels have no source: at a breakpoint or step stop VS Code focuses the first frame
        # with one, deemphasized or not, and the activation at the stopped expression must win.
        d["source"] = src
    if fmt.get("line") and f.span is not None:
        d["name"] = f"{d['name']} line {d['line']}"
    if f.kind in ("label", "subtle"):
        d["presentationHint"] = f.kind
    d["canRestart"] = bool(f.can_restart) and f.kind in ("activation", "top-level")
    return d


def _params(s: Session, f: Any, fmt: dict[str, Any]) -> str:
    ctl = s.ctl
    assert ctl is not None
    st = ctl.state
    names = fmt.get("parameterNames") or fmt.get("parameters")
    values = fmt.get("parameterValues") or fmt.get("parameters")
    parts = []
    for b in inspector.activation_locals(st, f):
        if b.binding.kind not in PARAM_KINDS:
            continue
        v = b.value if b.value == inspector.UNINITIALIZED else write_repr(b.value, st.s)
        v = v if len(v) <= 40 else v[:39] + "…"
        parts.append(f"{b.surface} = {v}" if names and values else (b.surface if names else v))
    return ", ".join(parts)


def _with_raw(s: Session, out: list[dict[str, Any]], frames: list[Any], indexes: list[int]) -> list[dict[str, Any]]:
    """`format.includeAll`: each activation's raw continuation frames as subtle frames after it,
    with ids that `scopes` resolves to their activation (Session.frame_index)."""
    result = []
    for d, f, i in zip(out, frames, indexes, strict=True):
        result.append(d)
        for j, raw in enumerate(f.raw):
            span = getattr(getattr(raw, "node", None), "span", None)
            kind = getattr(raw, "kind", None) or type(raw).__name__
            row = {"id": RAW_FRAME_IDS * (i + 1) + j, "name": str(kind), **s.place(span),
                   "presentationHint": "subtle", "canRestart": False}
            src = s.source(span)
            # A frame in the prelude (no text the client can open) is shown by its line alone.
            if src is not None and ("path" in src or (s.ctl is not None and src["name"] in s.ctl.sources)):
                row["source"] = src
            result.append(row)
    return result


# ---- scopes and variables ------------------------------------------------------------------------

@handler("scopes")
def scopes(s: Session, req: Request) -> None:
    s.need_stopped()
    index = s.frame_index(req, required=True)
    views = s.need_views()
    assert index is not None

    def work() -> dict[str, Any]:
        out = []
        for sv in views.scopes(index):
            key = ("scope", sv.name) if sv.name in PROGRAM_WIDE else ("scope", index, sv.name)
            node = sv.node
            ref = s.refs.add(key, ("node", node))
            d: dict[str, Any] = {"name": sv.name}
            if sv.hint:
                d["presentationHint"] = sv.hint
            d["variablesReference"] = ref
            if node.named:
                d["namedVariables"] = node.named
            if node.indexed:
                d["indexedVariables"] = node.indexed
            if "namedVariables" not in d and "indexedVariables" not in d:
                d["namedVariables"] = 0
            d["expensive"] = bool(sv.expensive)
            out.append(d)
        return {"scopes": out}

    _cancellable(s, req, work)


@handler("variables")
def variables(s: Session, req: Request) -> None:
    ref = req.get("variablesReference", int, required=True)
    flt = req.get("filter", str, None)
    if flt not in (None, "indexed", "named"):
        raise DapError(1002, 'variables: "filter" must be "indexed" or "named"')
    start = req.get("start", int, 0)
    count = req.get("count", int, 0)
    if start < 0 or count < 0:
        raise DapError(1002, 'variables: "start" and "count" must be >= 0')
    fmt = req.get("format", dict, {})
    s.need_stopped()
    item = s.lookup(ref)
    views = s.need_views()

    def work() -> dict[str, Any]:
        views.hex = bool(fmt.get("hex"))
        try:
            return {"variables": s.children(ref, item, flt, start, count or None)}
        finally:
            views.hex = False

    _cancellable(s, req, work)


# ---- evaluate and writes -------------------------------------------------------------------------

@handler("evaluate")
def evaluate(s: Session, req: Request) -> None:
    text = req.get("expression", str, required=True)
    context = req.get("context", str, "watch")
    fmt = req.get("format", dict, {})
    s.need_stopped()
    index = s.frame_index(req)
    views = s.need_views()
    repl = context == "repl"
    from omega_runtime.debug.inspector import EvaluationError

    def work() -> dict[str, Any]:
        cancel = req.cancel.is_set
        views.hex = bool(fmt.get("hex"))
        try:
            if repl:
                iv = s.need_interventions()
                ctl = s.ctl
                assert ctl is not None
                newest, cur = ctl.history.newest, ctl.cur
                node, note = _run_intervention(s, lambda: iv.repl(text, index, cancel))
                s.announce_sources()  # the input is a `<repl-N>` source now
                if note:
                    if newest > cur:
                        s.console(f"Discarded {newest - cur:,} recorded steps after step {cur}")
                    s.invalidate()
                    if s.invalidated:
                        s.send_event("invalidated", {"areas": ["all"]})
                    s.console(note)
            else:
                try:
                    node = views.evaluate(text, index, "watch" if context not in (
                        "watch", "hover", "clipboard", "variables") else context, cancel)
                except EvaluationError as exc:
                    raise _evaluation_error(exc) from None
            d = s.var_body(node, ("eval", text, index, context))
        finally:
            views.hex = False
        body: dict[str, Any] = {"result": d["value"], "variablesReference": d["variablesReference"]}
        for k in ("type", "namedVariables", "indexedVariables", "presentationHint", "valueLocationReference"):
            if k in d:
                body[k] = d[k]
        return body

    _cancellable(s, req, work)


def _run_intervention(s: Session, fn: Callable[[], Any]) -> Any:
    from omega_runtime.debug.inspector import EvaluationError

    try:
        return fn()
    except EvaluationError as exc:
        raise _evaluation_error(exc) from None
    except Exception as exc:
        err = s.intervention_error
        if err is not None and isinstance(exc, err):
            code = getattr(exc, "code", 1005)
            msg = getattr(exc, "message", str(exc))
            if msg == "cancelled":
                raise DapError(1007, "cancelled") from None
            raise DapError(code, msg) from None
        raise


def _after_write(s: Session, req: Request, node: Any, note: str | None) -> None:
    s.invalidate()
    d = s.var_body(node, ("set", req.seq))
    body: dict[str, Any] = {k: d[k] for k in ("value", "type", "variablesReference", "namedVariables",
                                              "indexedVariables") if k in d}
    s.respond(req, body)
    if s.invalidated:
        s.send_event("invalidated", {"areas": ["variables"]})
    if note:
        s.console(note)


@handler("setVariable")
def set_variable(s: Session, req: Request) -> None:
    ref = req.get("variablesReference", int, required=True)
    name = req.get("name", str, required=True)
    value = req.get("value", str, required=True)
    s.need_stopped()
    item = s.lookup(ref)
    iv = s.need_interventions()

    def run() -> None:
        kind, parent = item[0], item[1]
        if kind == "range":
            kids = parent.fetch(item[2], item[3], "indexed")
        else:
            kids = parent.fetch(0, None, None)
        child = next((k for k in kids if k.name == name), None)
        if child is None:
            raise DapError(1003, f'setVariable: no variable "{name}" in variablesReference {ref}')
        if child.set_target is None:
            raise DapError(1005, f"{name} cannot be changed")
        node, note = _run_intervention(s, lambda: iv.set_variable(child, value))
        _after_write(s, req, node, note)

    s.queue(req, run)


@handler("setExpression")
def set_expression(s: Session, req: Request) -> None:
    expr = req.get("expression", str, required=True)
    value = req.get("value", str, required=True)
    s.need_stopped()
    index = s.frame_index(req)
    iv = s.need_interventions()

    def run() -> None:
        result = _run_intervention(s, lambda: iv.set_expression(expr, value, index))
        node, note = result if isinstance(result, tuple) else (result, None)
        _after_write(s, req, node, note)

    s.queue(req, run)


@handler("completions")
def completions(s: Session, req: Request) -> None:
    text = req.get("text", str, required=True)
    column = req.get("column", int, required=True)
    if s.ctl is None or s.state not in ("stopped",) or s.views is None:
        s.respond(req, {"targets": []})
        return
    index = s.frame_index(req)
    views = s.views

    def work() -> dict[str, Any]:
        items = views.completions(index, text, s.col_in(column))
        return {"targets": [{"label": label, "type": kind} for label, kind in items]}

    _cancellable(s, req, work)


@handler("exceptionInfo")
def exception_info(s: Session, req: Request) -> None:
    s.thread_arg(req)
    s.need_stopped()
    views = s.need_views()

    def run() -> None:
        try:
            s.respond(req, views.exception_info())
        except LookupError:
            raise DapError(1005, "The program is not stopped at an exception") from None

    s.queue(req, run)


@handler("dataBreakpointInfo")
def data_breakpoint_info(s: Session, req: Request) -> None:
    name = req.get("name", str, required=True)
    ref = req.get("variablesReference", int, None)
    if req.args.get("asAddress") or req.args.get("bytes") is not None:
        s.respond(req, {"dataId": None, "description": "Omega values have no addresses"})
        return
    s.need_stopped()
    views = s.need_views()
    parent = s.lookup(ref)[1] if ref is not None else None
    index = s.frame_index(req) if ref is None else None

    def run() -> None:
        data_id, description, persist = views.data_breakpoint_info(parent, name, index)
        body: dict[str, Any] = {"dataId": data_id, "description": description}
        if data_id is not None:
            body["accessTypes"] = ["write", "read", "readWrite"]
            body["canPersist"] = bool(persist)
        s.respond(req, body)

    s.queue(req, run)


@handler("locations")
def locations(s: Session, req: Request) -> None:
    ref = req.get("locationReference", int, required=True)
    span = s.locations.get(ref)
    if span is None:
        raise DapError(1003, f"locationReference {ref} has expired (references last until the program resumes)")
    body: dict[str, Any] = {"line": s.line_out(span.start_line), "column": s.col_out(span.start_col),
                            "endLine": s.line_out(span.end_line), "endColumn": s.col_out(span.end_col)}
    src = s.source(span)
    body["source"] = src or {"name": "?"}
    s.respond(req, body)
