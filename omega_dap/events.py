"""The initialize capabilities (DEBUGGER.md 4) and the events the server sends (7, 12).

`OutputBuffer` coalesces program stdout: text is sent at most every 20 ms, and `flush` is called
before any event that must follow the output produced so far (stopped, exited).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from omega_runtime.debug.breakpoints import EXCEPTION_FILTERS

COALESCE_S = 0.020
ORACLE_CUT = 200

CONDITION_DESCRIPTION = {
    "transaction-rolled-back": "an expression with tx and proposals bound",
    "oracle-call": "an expression with op and prompt bound, or text the prompt must contain",
}
DEFAULT_CONDITION_DESCRIPTION = "condition type names separated by spaces, or an expression with condition bound"


def exception_filters() -> list[dict[str, Any]]:
    return [{"filter": fid, "label": label, "default": default, "description": desc, "supportsCondition": True,
             "conditionDescription": CONDITION_DESCRIPTION.get(fid, DEFAULT_CONDITION_DESCRIPTION)}
            for fid, label, default, desc in EXCEPTION_FILTERS]


def capabilities() -> dict[str, Any]:
    """Exactly the 42 keys of DEBUGGER.md 4.1."""
    return {
        "supportsConfigurationDoneRequest": True, "supportsFunctionBreakpoints": True,
        "supportsConditionalBreakpoints": True, "supportsHitConditionalBreakpoints": True,
        "supportsEvaluateForHovers": True, "exceptionBreakpointFilters": exception_filters(),
        "supportsStepBack": True, "supportsSetVariable": True, "supportsRestartFrame": True,
        "supportsGotoTargetsRequest": True, "supportsStepInTargetsRequest": True,
        "supportsCompletionsRequest": True, "completionTriggerCharacters": ["(", "$"],
        "supportsModulesRequest": False, "additionalModuleColumns": [], "supportedChecksumAlgorithms": [],
        "supportsRestartRequest": True, "supportsExceptionOptions": False, "supportsValueFormattingOptions": True,
        "supportsExceptionInfoRequest": True, "supportTerminateDebuggee": True, "supportSuspendDebuggee": False,
        # False where DEBUGGER.md 4 says true (the client wins): with it VS Code shows the top frame,
        # the previous stop's other frames and "Load More Stack Frames" for 420 ms at every stop;
        # without it, it asks for 20 frames at once and still pages with startFrame/levels.
        "supportsDelayedStackTraceLoading": False, "supportsLoadedSourcesRequest": True, "supportsLogPoints": True,
        "supportsTerminateThreadsRequest": False, "supportsSetExpression": True, "supportsTerminateRequest": True,
        "supportsDataBreakpoints": True, "supportsReadMemoryRequest": False, "supportsWriteMemoryRequest": False,
        "supportsDisassembleRequest": False, "supportsCancelRequest": True,
        "supportsBreakpointLocationsRequest": True, "supportsClipboardContext": True,
        "supportsSteppingGranularity": True, "supportsInstructionBreakpoints": False,
        "supportsExceptionFilterOptions": True, "supportsSingleThreadExecutionRequests": False,
        "supportsDataBreakpointBytes": False, "breakpointModes": [], "supportsANSIStyling": False,
    }


BREAKPOINT_REASONS = frozenset({"breakpoint", "function breakpoint", "data breakpoint"})


def stopped_body(reason: str, description: str, hit_ids: list[int], text: str | None,
                 thread: int = 1) -> dict[str, Any]:
    body: dict[str, Any] = {"reason": reason, "description": description, "threadId": thread,
                            "allThreadsStopped": True}
    if reason in BREAKPOINT_REASONS:
        body["hitBreakpointIds"] = list(hit_ids)
    if text is not None:
        body["text"] = text
    return body


def cut(text: str, n: int = ORACLE_CUT) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def oracle_line(receipt: Any, source: str) -> str:
    """`[oracle ID · live · 4 tokens] prompt → answer` on one line (DEBUGGER.md 12)."""
    prompt = cut(" ".join(str(receipt.prompt).split()))
    answer = cut(" ".join(str(receipt.response).split()))
    return f"[oracle {receipt.id} · {source} · {receipt.total_tokens} tokens] {prompt} → {answer}\n"


class OutputBuffer:
    """Coalesces one category of output into events sent at most every 20 ms."""

    def __init__(self, emit: Callable[[str], None]) -> None:
        self._emit = emit
        self._parts: list[str] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def write(self, text: str) -> None:
        if not text:
            return
        with self._lock:
            self._parts.append(text)
            if self._timer is None:
                self._timer = threading.Timer(COALESCE_S, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            text = "".join(self._parts)
            self._parts = []
            # Emitting under the lock keeps chunks in order when the timer and a stop race.
            if text:
                self._emit(text)


__all__ = ["capabilities", "exception_filters", "stopped_body", "oracle_line", "OutputBuffer"]
