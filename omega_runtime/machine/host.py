"""What the machine needs from its host: output streams, the oracle session, capabilities, tools,
the expander (for `eval`), event emission and the observers a debugger installs.

One `Host` per runtime; the machine calls it, never the other way round during a step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError, arity_error
from ..oracle import OracleFailure, OracleRequest, Receipt, ReceiptLog, ReplayMiss
from ..records import NamedTuple
from ..values import (
    VOID,
    Pair,
    PFloat,
    PInt,
    PStr,
    Restart,
    Vector,
    list_to_python,
    make_list,
    provenance_of,
    sym,
)
from .effects import oracle_value, perform_one, search_value

if TYPE_CHECKING:
    from ..oracle import ArtifactCache, OracleProvider
    from .machine import Machine


class Tool(NamedTuple):
    name: str
    fn: Callable[..., Any]
    side_effecting: bool = False
    description: str = ""
    capabilities: tuple[str, ...] = ()


class OracleEvent(NamedTuple):
    """One answered oracle request, as hosts (DAP `oracle` output, Oracle scope) see it."""

    receipt: Receipt
    step: int
    source: str  # live | replayed
    origin: str  # "" for live; "receipts file" or "this session" when replayed
    span: Any


class Host:
    def __init__(self, provider: OracleProvider, receipts: ReceiptLog, *, seed: int = 0,
                 capabilities: frozenset[str] = frozenset(), cache: ArtifactCache | None = None) -> None:
        self.provider = provider
        self.receipts = receipts
        self.cache = cache
        self.seed = seed
        self.granted_capabilities = capabilities
        self.tools: dict[str, Tool] = {}
        self.stdout: Callable[[str], None] = lambda s: None
        self.stderr: Callable[[str], None] = lambda s: None
        self.emit: Callable[[str, Any], None] = lambda name, data: None
        # The event listeners by event name (the runtime's own table): an event is built and
        # emitted only when its name has a listener.
        self.listeners: dict[str, list[Callable[[Any], None]]] = {}
        self.expand_eval: Callable[[Machine, Any, Any], Any] | None = None
        self.argv: list[str] = []  # the program and its arguments, for (command-line)
        self.cwd: str | None = None  # where relative paths of file and shell effects resolve (None: the process's)
        # this session's answers by receipt id, in order: re-executed steps reuse them (5.9)
        self.session_answers: dict[str, list[Receipt]] = {}
        self.oracle_events: list[OracleEvent] = []
        # observers (the debug controller installs these)
        self.write_watchers: list[Callable[[Machine, Any], None]] = []
        self.signal_watchers: list[Callable[[Machine, Any, str], None]] = []
        self.uncaught_watchers: list[Callable[[Machine, Any], bool]] = []
        self.rollback_watchers: list[Callable[[Machine, Any, str], None]] = []
        self.fail_watchers: list[Callable[[Machine, Any, Any], None]] = []
        self.backtrack_watchers: list[Callable[[Machine, Any, int], None]] = []
        self.oracle_watchers: list[Callable[[Machine, OracleEvent], None]] = []
        self.request_watchers: list[Callable[[Machine, OracleRequest], None]] = []
        self.call_watchers: list[Callable[[Machine, str], None]] = []

    # ---- output ---------------------------------------------------------------------------

    def write_output(self, text: str) -> None:
        self.stdout(text)

    def write_error(self, text: str) -> None:
        self.stderr(text)

    # ---- provenance -------------------------------------------------------------------------

    def derive_provenance(self, prim: Any, args: tuple[Any, ...], result: Any) -> Any:
        """LANGUAGE.md 5.7: a string/number/pair/vector result of a primitive over arguments with
        provenance carries `(derived PRIM P...)`."""
        provs = [p for p in (provenance_of(a) for a in args) if p is not None]
        if not provs:
            return result
        tree = make_list([sym("derived"), sym(prim.name), *provs])
        if result.__class__ is bool:
            return result
        if isinstance(result, str):
            return PStr(result, tree)
        if isinstance(result, int):
            return PInt(result, tree)
        if isinstance(result, float):
            return PFloat(result, tree)
        if isinstance(result, (Pair, Vector)):
            if result.provenance is None:
                result.provenance = tree
        return result

    # ---- the oracle -------------------------------------------------------------------------

    def prompt_text(self, m: Machine, prompt: Any) -> str:
        from ..printer import display_repr

        if isinstance(prompt, str):
            return str(prompt)
        parts = list_to_python(prompt)
        if parts is not None and isinstance(prompt, Pair):
            return "".join(str(p) if isinstance(p, str) else display_repr(p, m.s) for p in parts)
        return display_repr(prompt, m.s)

    def oracle_effect(self, m: Machine, op: str, args: tuple[Any, ...], node: Any) -> None:
        prompt = self.prompt_text(m, args[0])
        if op == "infer.op":
            requests = [OracleRequest("infer", prompt)]
        else:
            n = args[1] if len(args) > 1 else 3
            if n.__class__ is bool or not isinstance(n, int) or n < 1:
                from ..conditions import wrong_type

                m.raise_error(wrong_type("search.op", "integer", n) if not isinstance(n, int) or n.__class__ is bool
                              else OmegaError("value-error", f"search.op: expected a positive count, got {n}", (n,)), node)
                return
            requests = [OracleRequest("search", prompt, n, i) for i in range(1, n + 1)]
        texts: list[PStr] = []
        ids: list[str] = []
        for req in requests:
            if not m.check_budget_before_oracle(node, op, args):
                return
            got = self.answer(m, req, node, op, args)
            if got is None:
                return
            texts.append(got)
            ids.append(req.receipt_id())
        m.provenance_seen = True
        m.v = texts[0] if op == "infer.op" else search_value(texts, ids)
        m.c = None
        m.check_tokens_after_oracle()

    def answer(self, m: Machine, req: OracleRequest, node: Any, op: str, args: tuple[Any, ...]) -> PStr | None:
        rid = req.receipt_id()
        counter = "oracle:" + rid
        k = m.r.mono.ids.get(counter, 0) + 1
        mono = m.r.mono
        m.r = m.r._replace(mono=mono._replace(ids=mono.ids.set(counter, k)))
        for on_request in self.request_watchers:
            on_request(m, req)
        self.emit("llm-call-start", {"id": rid, "prompt": req.prompt})
        recorded = self.session_answers.get(rid, [])
        source, origin = "live", ""
        if len(recorded) >= k:
            receipt = recorded[k - 1]
            source, origin = "replayed", "this session"
        else:
            try:
                cached = self.cache.get(req) if self.cache is not None else None
                answer = cached if cached is not None else self.provider.answer(req)
            except OracleFailure as exc:
                self._oracle_error(m, node, op, args, OmegaError("oracle-error", f"oracle: {exc.detail}", (exc.detail,),
                                                                 restarts=("use-value",)))
                return None
            except ReplayMiss as exc:
                m.raise_error(OmegaError("replay-miss", f"replay: no receipt for {exc.receipt_id}",
                                         (exc.receipt_id, exc.prompt)), node)
                return None
            if self.cache is not None and cached is None:
                self.cache.put(req, answer)
            receipt = self.receipts.append(req, answer, cache_hit=cached is not None)
            self.session_answers.setdefault(rid, []).append(receipt)
            if answer.oracle == "replay":
                source, origin = "replayed", "receipts file"
        mono = m.r.mono
        m.r = m.r._replace(mono=mono._replace(llm_calls=mono.llm_calls + 1,
                                              tokens=mono.tokens + receipt.total_tokens))
        event = OracleEvent(receipt, m.t, source, origin, m.span_of(node))
        self.oracle_events.append(event)
        for watcher in self.oracle_watchers:
            watcher(m, event)
        self.emit("llm-call-complete", {"id": rid, "response": receipt.response, "source": source})
        return oracle_value(receipt.response, rid)

    def _oracle_error(self, m: Machine, node: Any, op: str, args: tuple[Any, ...], err: OmegaError) -> None:
        err.extra_restarts = (Restart(sym("retry"), (), None, ("retry_effect", (m.k, node, m.e, op, args))),)  # type: ignore[attr-defined]
        m.raise_error(err, node)

    def call_oracle_procedure(self, m: Machine, f: Any, args: tuple[Any, ...], node: Any) -> None:
        from ..printer import display_repr, write_repr

        n = len(f.params)
        if len(args) < n or (f.rest is None and len(args) > n):
            m.raise_error(arity_error(f.name or "<lambda>", n, None if f.rest else n, len(args), f), node)
            return
        lines = [display_repr(f.spec, m.s)]
        for name, value in zip(f.params, args):
            lines.append(f"{name} = {write_repr(value, m.s)}")
        if f.rest is not None:
            lines.append(f"{f.rest} = {write_repr(make_list(list(args[n:])), m.s)}")
        m.perform(sym("infer.op"), ("\n".join(lines),), node)

    # ---- external effects ------------------------------------------------------------------

    def perform_external(self, m: Machine, proposals: tuple[Any, ...]) -> tuple[str, Any, str] | None:
        from ..printer import display_repr

        for prop in proposals:
            ok, result = perform_one(prop.kind, prop.payload, m)
            if not ok:
                return prop.kind, prop.target, result.message(m.s) if isinstance(result, OmegaError) else display_repr(result, m.s)
            m.s = m.s.set(("proposal-result", prop.pid), result)
        return None

    def resolve(self, path: str) -> str:
        """A file effect's path: relative paths resolve against `cwd` when one is set."""
        import os

        return path if self.cwd is None or os.path.isabs(path) else os.path.join(self.cwd, path)

    def run_tool(self, name: str, args: tuple[Any, ...]) -> tuple[bool, Any]:
        tool = self.tools.get(name)
        if tool is None:
            return False, OmegaError("tool-error", f"tool {name}: no such tool", (sym(name), "no such tool"))
        try:
            return True, tool.fn(*args)
        except OmegaError as err:
            return False, err
        except Exception as exc:  # a host tool's own failure becomes tool-error, never a traceback
            return False, OmegaError("tool-error", f"tool {name}: {exc}", (sym(name), str(exc)))


def now_ms() -> float:
    return time.monotonic() * 1000.0


__all__ = ["Host", "Tool", "OracleEvent", "VOID"]
