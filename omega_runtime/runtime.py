"""The OmegaRuntime facade (RUNTIME.md): one object through which every host evaluates Omega.

It owns the configured session (oracle, receipts, capabilities, seed, limits), the interpreter
pipeline and the machine, and exposes the subsystems as attributes.
"""

from __future__ import annotations

import io
import itertools
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs

from .config import PRESETS, RuntimeConfig, RuntimeProviders, build_config
from .interpreter import Interpreter
from .machine.host import Host, Tool
from .machine.machine import MachineHalt, ProgramExit, Uncaught
from .oracle import ArtifactCache, ReceiptLog, make_provider
from .printer import result_repr
from .protocol import ProtocolServer
from .span import Span
from .subsystems import (
    AmbManager,
    AmbState,
    ArtifactManager,
    BudgetManager,
    ConditionsManager,
    ExpertsManager,
    FactsManager,
    FeatureGates,
    FixpointManager,
    FixpointSnapshot,
    FormPipeline,
    LLMIntegration,
    LogicManager,
    OPRIntegration,
    ProvenanceManager,
    SecurityManager,
    Session,
    StateCoordinator,
    StreamsManager,
    TransactionManager,
    TransactionState,
    wire_subsystems,
)
from .subsystems.reconfigure import reconfigure, server_config
from .syntax import Atom, Diagnostic, SList, SVector
from .values import VOID, Condition


@attrs.define
class EvalResult:
    value: Any = VOID
    printed: str = ""  # the value's write form ("" for void)
    output: str = ""  # what the program displayed during this evaluation
    condition: Condition | None = None  # an unhandled condition
    steps: int = 0
    receipts: list[Any] = attrs.field(factory=list)  # oracle calls made by this evaluation
    diagnostics: list[Diagnostic] = attrs.field(factory=list)  # reader errors (nothing ran)
    exit_code: int | None = None  # set when the program called `exit`
    report: str = ""  # the uncaught condition's report (LANGUAGE.md 15.3)

    @property
    def ok(self) -> bool:
        return self.condition is None and not self.diagnostics


KEPT_INPUTS = 1000  # `<repl-N>`-like inputs remembered in `evaluated_sources`


class EvaluationInterceptor(Protocol):
    """What a debugger attached to the session installs in `OmegaRuntime.evaluation_interceptor`:
    the session's inputs (`omega serve` evals and loads) are handed to it instead of being run
    directly. `evaluate` returns when the input has run to its end; `interrupt` ends the
    evaluation it is running (False when it runs none)."""

    def evaluate(self, text: str, source: str) -> EvalResult: ...

    def interrupt(self) -> bool: ...


def format_report(cond: Condition, backtrace: list[tuple[str, Span | None]], text: str) -> str:
    """`LOCATION: TYPE: MESSAGE` then `  at NAME (FILE:LINE:COL)` lines (LANGUAGE.md 15.3)."""
    loc = cond.span.location() if cond.span is not None else "<unknown>"
    lines = [f"{loc}: {cond.ctype.name}: {text}"]
    frames = [f"  at {name} ({span.location() if span is not None else '<unknown>'})" for name, span in backtrace]
    if len(frames) > 50:
        frames = frames[:40] + [f"  ... {len(frames) - 50} more ..."] + frames[-10:]
    return "\n".join(lines + frames)


class OmegaRuntime:
    """Create with `OmegaRuntime.create(config=, preset=, providers=)`."""

    def __init__(self, config: RuntimeConfig, providers: RuntimeProviders) -> None:
        self._config = config
        self._disposed = False
        self._listeners: dict[str, list[Callable[[Any], None]]] = {}
        self.stdout: Callable[[str], None] = providers.stdout or (lambda s: None)
        self.stderr: Callable[[str], None] = providers.stderr or (lambda s: None)
        self._captured = io.StringIO()
        env: Mapping[str, str] = providers.env if providers.env is not None else os.environ
        provider = providers.oracle or make_provider(config.oracle, script=config.oracle_script,
                                                     receipts=config.replay_receipts, env=env)
        self.receipt_log = ReceiptLog(config.receipts)
        cache = ArtifactCache(config.cache_dir, oracle=provider.kind) if config.cache_dir else None
        self.host = Host(provider, self.receipt_log, seed=config.seed,
                         capabilities=frozenset(config.capabilities), cache=cache)
        self.host.stdout = self._write_stdout
        self.host.stderr = self._write_stderr
        self.host.emit = self.emit
        for tool in providers.tools:
            self.host.tools[tool.name] = tool
        self.interpreter = Interpreter(self.host)
        self.machine = self.interpreter.machine
        self._inputs = itertools.count(1)  # numbers the session's unnamed inputs
        # One evaluation at a time, whoever asks (an in-process REPL, `omega serve` clients).
        self.eval_lock = threading.RLock()
        self.evaluation_interceptor: EvaluationInterceptor | None = None
        # Each named source the session has evaluated: its text and compiled top-level nodes, so
        # that a debugger attaching later binds breakpoints in code loaded before it came.
        self.evaluated_sources: dict[str, tuple[str, list[Any]]] = {}
        # ---- subsystems (omega_runtime/subsystems; RUNTIME.md "Subsystems") ---------------------
        self.state_coordinator = StateCoordinator(self)
        self.session = Session(self, config.session_store)
        self.amb = AmbManager(self.state_coordinator, self)
        self.transactions = TransactionManager(self.state_coordinator, self.emit)
        self.fixpoint = FixpointManager(self.state_coordinator)
        self.facts = FactsManager(self.state_coordinator)
        self.conditions = ConditionsManager(self.state_coordinator, self.emit)
        self.streams = StreamsManager(self.state_coordinator, self)
        self.llm = LLMIntegration(self.state_coordinator, self)
        self.artifacts = ArtifactManager(self.state_coordinator, self)
        self.provenance = ProvenanceManager(self.state_coordinator, self)
        self.security = SecurityManager(self, self.conditions)
        self.budget = BudgetManager(self.state_coordinator, config.budget, self.emit)
        self.logic = LogicManager(self.state_coordinator, self)
        self.experts = ExpertsManager(self.state_coordinator, self)
        self.opr = OPRIntegration(self.state_coordinator)
        # The server preset's eval server serves this runtime's one session.
        self.protocol = ProtocolServer(config.host, config.port, server_config(config), runtime=self)
        self.feature_gates = FeatureGates(self)
        self._prepare_forms = FormPipeline(self)
        wire_subsystems(self)
        if config.server:
            self.protocol.start()
        # ---- end of subsystems --------------------------------------------------------------------
        # The one debug controller: debug, breakpoints, inspector, history, snapshots.
        self.debug: Any = None
        self.breakpoints: Any = None
        self.inspector: Any = None
        self.history: Any = None
        self.snapshots: Any = None
        from .debug.facade import install

        install(self)

    def step(self) -> Any:
        """One machine transition of the evaluation launched with `debug.launch` (a StepResult)."""
        self._check()
        from .debug.facade import step

        return step(self)

    def is_terminal(self) -> bool:
        """The launched evaluation has finished (True when none is launched)."""
        self._check()
        from .debug.facade import is_terminal

        return is_terminal(self)

    # ---- creation ---------------------------------------------------------------------------

    @classmethod
    def create(cls, config: Mapping[str, Any] | RuntimeConfig | None = None, preset: str | None = None,
               providers: RuntimeProviders | None = None) -> OmegaRuntime:
        return cls(build_config(config, preset), providers or RuntimeProviders())

    @classmethod
    def resume(cls, session: str | os.PathLike[str] | dict[str, Any], config: Mapping[str, Any] | RuntimeConfig | None = None,
               preset: str | None = None, providers: RuntimeProviders | None = None) -> OmegaRuntime:
        """A new runtime continuing a saved session (`session.save`): its definitions are
        re-evaluated with their oracle calls answered from the saved receipts."""
        rt = cls.create(config=config, preset=preset, providers=providers)
        rt.session.load(session if isinstance(session, dict) else str(session))
        return rt

    def get_config(self) -> RuntimeConfig:
        return self._config

    def configure(self, **changes: Any) -> RuntimeConfig:
        """Change settings of the live runtime (capabilities, seed, budget, features, oracle,
        server, ...); unknown keys and settings fixed at creation are ValueErrors."""
        self._check()
        self._config = reconfigure(self, self._config, changes)
        return self._config

    # ---- semantic state (the debugger's Choice Points, Transactions and Fixpoint scopes) -------

    def get_amb_state(self) -> AmbState | None:
        self._check()
        return self.amb.get_state()

    def get_transaction_state(self) -> TransactionState | None:
        self._check()
        return self.transactions.get_state()

    def get_fixpoint_state(self) -> FixpointSnapshot | None:
        self._check()
        return self.fixpoint.get_state()

    # ---- events -----------------------------------------------------------------------------

    def on(self, name: str, handler: Callable[[Any], None]) -> None:
        self._listeners.setdefault(name, []).append(handler)
        self.host.listening = True

    def off(self, name: str, handler: Callable[[Any], None]) -> None:
        if handler in self._listeners.get(name, []):
            self._listeners[name].remove(handler)

    def emit(self, name: str, data: Any = None) -> None:
        for handler in list(self._listeners.get(name, [])):
            handler(data)

    # ---- output -----------------------------------------------------------------------------

    def _write_stdout(self, text: str) -> None:
        self._captured.write(text)
        self.stdout(text)
        self.emit("output", {"category": "stdout", "text": text})

    def _write_stderr(self, text: str) -> None:
        self.stderr(text)
        self.emit("output", {"category": "stderr", "text": text})

    # ---- evaluation -------------------------------------------------------------------------

    def _check(self) -> None:
        if self._disposed:
            raise RuntimeError("runtime is disposed")

    def eval(self, code: str, *, source: str = "<eval>") -> EvalResult:
        """Read, expand and run every form of `code`; the result of the last one."""
        self._check()
        with self.eval_lock:
            result = self.interpreter.read(code, source)
            if result.diagnostics:
                return EvalResult(diagnostics=list(result.diagnostics))
            return self._run_program(self.prepare_program(result, code, source))

    def next_input_name(self) -> str:
        """`<repl-N>`: the source name of the session's next unnamed input (N from 1)."""
        return f"<repl-{next(self._inputs)}>"

    def prepare_program(self, result: Any, text: str | None, source: str | None = None) -> list[Any]:
        """Expand and compile a read program as every host runs it: feature gates, the runtime
        budget's synthetic with-budget, session tracking (the debug controller uses this too).
        With its `source` name, the program is remembered in `evaluated_sources`."""
        prepared = list(self._prepare_forms(self.interpreter.prepare_all(result), text))
        if source is not None and text is not None:
            sources = self.evaluated_sources
            sources.pop(source, None)  # newest last
            sources[source] = (text, [p.node for p in prepared])
            inputs = [name for name in sources if name.startswith("<")]
            for name in inputs[:max(0, len(inputs) - KEPT_INPUTS)]:
                del sources[name]  # a long-lived session keeps its files and its latest inputs
        return prepared

    def eval_expr(self, datum: Any) -> EvalResult:
        """Expand and run an already read datum (an Omega value, or a syntax object)."""
        self._check()
        from .expander import datum_to_syntax

        if isinstance(datum, (Atom, SList, SVector)):
            form = datum
        else:
            form = datum_to_syntax(datum, Span("<eval>", 1, 1, 1, 1, 0, 0), self.machine.s)
        with self.eval_lock:
            return self._run_program(self._prepare_forms([self.interpreter.prepare(form)], None))

    def load(self, path: str | os.PathLike[str]) -> EvalResult:
        self._check()
        text = Path(path).read_text(encoding="utf-8")
        return self.eval(text, source=str(path))

    def _run_program(self, prepared: list[Any]) -> EvalResult:
        return self.run_evaluation(lambda: self.interpreter.run_program(prepared))

    def run_evaluation(self, run: Callable[[], Any]) -> EvalResult:
        """Make one evaluation of `run`, which drives the machine to the end of the program and
        returns its value, or raises MachineHalt (Uncaught, ProgramExit, an interrupt) as
        `Machine.run` does: output, steps and receipts are collected, a halt becomes the
        result's condition or exit code and abandons the form. An attached debugger drives its
        evaluations through this too."""
        self.emit("eval-start", None)
        m = self.machine
        start_t = m.t
        start_receipts = len(self.receipt_log.receipts)
        self._captured = io.StringIO()
        out = EvalResult()
        value: Any = VOID
        try:
            value = run()
        except Uncaught as exc:
            out.condition = exc.condition
            out.report = format_report(exc.condition, exc.backtrace, m.condition_text(exc.condition))
            self._abandon_form()
        except ProgramExit as exc:
            out.exit_code = exc.code
            self._abandon_form()
        except MachineHalt:
            self._abandon_form()
        out.value = value if out.condition is None else VOID
        out.printed = "" if out.value is VOID else result_repr(out.value, m.s)
        out.output = self._captured.getvalue()
        out.steps = m.t - start_t
        out.receipts = list(self.receipt_log.receipts[start_receipts:])
        self.emit("eval-complete", out)
        return out

    def _abandon_form(self) -> None:
        """After an uncaught error or exit: open transactions roll back, choice points go."""
        m = self.machine
        while m.r.txs:
            m.rollback_tx(m.r.txs[0].tid, "exit")
        m.r = attrs.evolve(m.r, choices=())
        m.c, m.k = None, None

    def register_tool(self, name: str, fn: Callable[..., Any], *, side_effecting: bool = False,
                      description: str = "", capabilities: tuple[str, ...] = ()) -> None:
        self.host.tools[name] = Tool(name, fn, side_effecting, description, capabilities)

    # ---- lifecycle --------------------------------------------------------------------------

    def dispose(self) -> None:
        if self._disposed:
            return
        self._disposed = True
        self.protocol.stop()
        self.session.close()
        self.receipt_log.close()
        close = getattr(self.host.provider, "close", None)
        if close is not None:
            close()
        self.emit("disposed", None)

    def is_disposed(self) -> bool:
        return self._disposed

    def __enter__(self) -> OmegaRuntime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()


__all__ = ["OmegaRuntime", "EvalResult", "EvaluationInterceptor", "RuntimeConfig", "RuntimeProviders", "PRESETS", "format_report"]
