"""Running, stepping, time travel and interventions (DEBUGGER.md 7, 11): continue, next,
stepIn, stepOut, stepBack, reverseContinue, goto, restartFrame, stepInTargets and the custom
`omega/` requests of 11.3. Each handler checks its arguments and state, then hands the
controller (or Interventions) call to the engine thread."""

from __future__ import annotations

from typing import Any

from omega_runtime.debug.controller import Exit, Stop
from omega_runtime.debug.timeline import history_page, timeline_strip

from .session import DapError, Request, Session, handler

GRANULARITIES = ("statement", "line", "instruction")


def _granularity(req: Request) -> str:
    g = req.get("granularity", str, "statement")
    if g not in GRANULARITIES:
        raise DapError(1002, f'{req.command}: "granularity" must be statement, line or instruction')
    return str(g)


@handler("continue")
def continue_(s: Session, req: Request) -> None:
    s.thread_arg(req)
    ctl = s.need_stopped()
    s.start_run(req, lambda: ctl.resume("continue"), body={"allThreadsContinued": True})


def _step(kind: str) -> Any:
    def run(s: Session, req: Request) -> None:
        s.thread_arg(req)
        g = _granularity(req)
        ctl = s.need_stopped()
        target = req.get("targetId", int, None) if kind == "in" else None
        if target is not None:
            iv = s.need_interventions()
            s.start_run(req, lambda: iv.step_in(target))
            return
        s.start_run(req, lambda: ctl.resume(kind, g))

    return run


for _name, _kind in (("next", "over"), ("stepIn", "in"), ("stepOut", "out")):
    handler(_name)(_step(_kind))


@handler("stepBack")
def step_back(s: Session, req: Request) -> None:
    s.thread_arg(req)
    g = _granularity(req)
    ctl = s.need_stopped(allow_ended=True)
    s.intervention(req, lambda: ctl.step_back(g))


@handler("reverseContinue")
def reverse_continue(s: Session, req: Request) -> None:
    s.thread_arg(req)
    ctl = s.need_stopped(allow_ended=True)
    s.intervention(req, ctl.reverse_continue)


@handler("omega/reverseStepIn")
def reverse_step_in(s: Session, req: Request) -> None:
    s.thread_arg(req)
    ctl = s.need_stopped(allow_ended=True)
    s.intervention(req, ctl.reverse_step_in, after=lambda r: {})


@handler("omega/reverseStepOut")
def reverse_step_out(s: Session, req: Request) -> None:
    s.thread_arg(req)
    ctl = s.need_stopped(allow_ended=True)
    s.intervention(req, ctl.reverse_step_out, after=lambda r: {})


@handler("omega/gotoStep")
def goto_step(s: Session, req: Request) -> None:
    step = req.get("step", int, required=True)
    if step < 0:
        raise DapError(1002, 'omega/gotoStep: "step" must be >= 0')
    ctl = s.need_stopped(allow_ended=True)

    def after(result: Stop | Exit) -> dict[str, Any]:
        return {"step": result.step if isinstance(result, Stop) else ctl.cur}

    s.intervention(req, lambda: ctl.goto_step(step), after=after, reason=None)


@handler("goto")
def goto(s: Session, req: Request) -> None:
    s.thread_arg(req)
    tid = req.get("targetId", int, required=True)
    s.need_stopped()
    iv = s.need_interventions()
    s.intervention(req, lambda: iv.goto(tid), reason="goto")


@handler("gotoTargets")
def goto_targets(s: Session, req: Request) -> None:
    from .handlers_config import _source_path

    path = _source_path(s, req)
    line = s.line_in(req.get("line", int, required=True))
    col = req.get("column", int, None)
    s.need_stopped()
    iv = s.need_interventions()

    def run() -> None:
        if req.cancel.is_set():
            raise DapError(1007, "cancelled")
        targets = iv.goto_targets(s.internal_file(path), line, s.col_in(col) if col is not None else None)
        if req.cancel.is_set():
            raise DapError(1007, "cancelled")
        s.respond(req, {"targets": [_target(s, t) for t in targets]})

    s.queue(req, run)


def _target(s: Session, t: Any) -> dict[str, Any]:
    return {"id": t.tid, "label": t.label, "line": s.line_out(t.line), "column": s.col_out(t.column),
            "endLine": s.line_out(t.end_line), "endColumn": s.col_out(t.end_column)}


@handler("restartFrame")
def restart_frame(s: Session, req: Request) -> None:
    s.need_stopped()
    index = s.frame_index(req, required=True)
    iv = s.need_interventions()
    s.intervention(req, lambda: iv.restart_frame(index), reason="restart")


@handler("stepInTargets")
def step_in_targets(s: Session, req: Request) -> None:
    s.need_stopped()
    index = s.frame_index(req, required=True)
    iv = s.need_interventions()

    def run() -> None:
        targets = iv.step_in_targets(index) if index == 0 else []
        s.respond(req, {"targets": [_target(s, t) for t in targets]})

    s.queue(req, run)


# ---- custom interventions (11.3) ----------------------------------------------------------------

@handler("omega/chooseAlternative")
def choose_alternative(s: Session, req: Request) -> None:
    cp = req.get("choicePoint", str, required=True)
    index = req.get("index", int, required=True)
    if index < 1:
        raise DapError(1002, 'omega/chooseAlternative: "index" must be >= 1')
    s.need_stopped()
    iv = s.need_interventions()
    s.intervention(req, lambda: iv.choose_alternative(cp, index), after=lambda r: {}, reason="choice")


@handler("omega/backtrack")
def backtrack(s: Session, req: Request) -> None:
    s.need_stopped()
    iv = s.need_interventions()
    s.intervention(req, iv.backtrack, after=lambda r: {}, reason="backtrack")


@handler("omega/commit")
def commit(s: Session, req: Request) -> None:
    s.need_stopped()
    iv = s.need_interventions()
    s.intervention(req, iv.commit, after=lambda r: {}, reason="transaction")


@handler("omega/rollback")
def rollback(s: Session, req: Request) -> None:
    value = req.get("value", str, None)
    s.need_stopped()
    iv = s.need_interventions()
    s.intervention(req, lambda: iv.rollback(value), after=lambda r: {}, reason="transaction")


@handler("omega/invokeRestart")
def invoke_restart(s: Session, req: Request) -> None:
    name = req.get("name", str, required=True)
    args = req.get("args", list, [])
    if not all(isinstance(a, str) for a in args):
        raise DapError(1002, 'omega/invokeRestart: "args" must be an array of expression strings')
    s.need_stopped()
    iv = s.need_interventions()
    s.intervention(req, lambda: iv.invoke_restart(name, list(args)), after=lambda r: {}, reason="restart")


@handler("omega/snapshot")
def snapshot(s: Session, req: Request) -> None:
    name = req.get("name", str, required=True)
    ctl = s.need_stopped(allow_ended=True)
    s.respond(req, {"name": name, "step": ctl.snapshot(name)})


@handler("omega/restoreSnapshot")
def restore_snapshot(s: Session, req: Request) -> None:
    name = req.get("name", str, required=True)
    ctl = s.need_stopped(allow_ended=True)
    if name not in ctl.snapshots:
        raise DapError(1005, f"No snapshot named {name}")

    def run() -> Stop:
        stop, _dropped = ctl.restore_snapshot(name)
        return stop

    s.intervention(req, run, after=lambda r: {"step": ctl.cur}, reason="goto")


@handler("omega/history")
def history(s: Session, req: Request) -> None:
    start = req.get("start", int, None)
    count = req.get("count", int, 100)
    before = req.get("before", int, 0)
    transitions = req.get("transitions", bool, False)
    strip = req.get("strip", int, 0)
    if before < 0 or strip < 0:
        raise DapError(1002, f'omega/history: "{"before" if before < 0 else "strip"}" must be >= 0')
    ctl = s.need_stopped(allow_ended=True)

    def run() -> None:
        body = history_page(ctl, start, count, before, transitions, s.line_out, s.col_out)
        if strip:
            body["strip"] = timeline_strip(ctl, min(strip, 2000))
        s.respond(req, body)

    s.queue(req, run)


@handler("omega/receipts")
def receipts(s: Session, req: Request) -> None:
    start = req.get("start", int, 0)
    count = req.get("count", int, 0)
    all_receipts = list(s.rt.receipt_log.receipts) if s.rt is not None else []
    chosen = all_receipts[start:start + count] if count else all_receipts[start:]
    s.respond(req, {"receipts": [r.to_dict() for r in chosen], "total": len(all_receipts)})

from . import handlers_search  # noqa: E402,F401  (omega/searchTree)
