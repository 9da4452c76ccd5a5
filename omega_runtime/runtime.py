"""The OmegaRuntime facade (RUNTIME.md): one object through which every host evaluates Omega.

It owns the configured session (oracle, receipts, capabilities, seed, limits), the interpreter
pipeline and the machine, and exposes the subsystems as attributes.
"""

from __future__ import annotations

import _thread
import functools
import io
import itertools
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .config import PRESETS, RuntimeConfig, RuntimeProviders, build_config
from .interpreter import Interpreter
from .machine.host import Host, Tool
from .machine.machine import MachineHalt, ProgramExit, Uncaught
from .machine.state import NO_CHOICES
from .oracle import ReceiptLog, make_provider
from .printer import result_repr
from .reconfigure import reconfigured, server_config
from .results import EvalResult, EvaluationInterceptor, format_report
from .span import Span
from .subsystems import (
    AmbManager,
    ArtifactManager,
    BudgetManager,
    ConcurrencyManager,
    ConditionsManager,
    ExpertsManager,
    FactsManager,
    FeatureGates,
    FixpointManager,
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
    install_gated_eval,
    load_libraries,
)
from .subsystems.step_events import StepEvents
from .syntax import Atom, SList, SVector
from .values import VOID, Condition

if TYPE_CHECKING:
    from .debug.facade import BreakpointsSubsystem, DebugSubsystem, SnapshotsSubsystem, StepResult
    from .debug.history import History
    from .debug.views import Views
    from .protocol import ProtocolServer
    from .subsystems.views import AmbState, FixpointState, TransactionState

KEPT_INPUTS = 1000  # `<repl-N>`-like inputs remembered in `evaluated_sources`


class OmegaRuntime:
    """Create with `OmegaRuntime.create(config=, preset=, providers=)`."""

    def __init__(self, config: RuntimeConfig, providers: RuntimeProviders) -> None:
        self._config = config
        self._disposed = False
        self.stdout: Callable[[str], None] = providers.stdout or (lambda s: None)
        self.stderr: Callable[[str], None] = providers.stderr or (lambda s: None)
        self._captured = io.StringIO()
        env: Mapping[str, str] = providers.env if providers.env is not None else os.environ
        provider = providers.oracle or make_provider(config.oracle, script=config.oracle_script,
                                                     receipts=config.replay_receipts, env=env)
        self.receipt_log = ReceiptLog(config.receipts)
        cache = None
        if config.cache_dir:
            from .oracle.artifacts import ArtifactCache

            cache = ArtifactCache(config.cache_dir, oracle=provider.kind)
        self.host = Host(provider, self.receipt_log, seed=config.seed,
                         capabilities=frozenset(config.capabilities), cache=cache)
        self.host.stdout = self._write_stdout
        self.host.stderr = self._write_stderr
        self.host.emit = self.emit
        self._listeners = self.host.listeners
        for tool in providers.tools:
            self.host.tools[tool.name] = tool
        self.interpreter = Interpreter(self.host)
        self.machine = self.interpreter.machine
        self._inputs = itertools.count(1)  # numbers the session's unnamed inputs
        # One evaluation at a time, whoever asks (an in-process REPL, `omega serve` clients).
        self.eval_lock = _thread.RLock()  # threading's RLock (that module costs ~1 ms at start)
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
        self.concurrency = ConcurrencyManager(self.state_coordinator)
        self.llm = LLMIntegration(self.state_coordinator, self)
        self.artifacts = ArtifactManager(self.state_coordinator, self)
        self.provenance = ProvenanceManager(self.state_coordinator, self)
        self.security = SecurityManager(self, self.conditions)
        self.budget = BudgetManager(self.state_coordinator, config.budget, self.emit)
        self.logic = LogicManager(self.state_coordinator, self)
        self.experts = ExpertsManager(self.state_coordinator, self)
        self.opr = OPRIntegration(self.state_coordinator)
        # The server preset's eval server serves this runtime's one session; built on first use
        # (`protocol`): a run that serves nothing does not load the protocol package.
        self._protocol: ProtocolServer | None = None
        self.feature_gates = FeatureGates(self)
        self._step_events = StepEvents(self.machine, self.emit)
        self._prepare_forms = FormPipeline(self)
        self._wire_subsystems()
        if config.server:
            self.protocol.start()
        # ---- end of subsystems --------------------------------------------------------------------
        # The debug subsystems (debug, breakpoints, inspector, history, snapshots) share one debug
        # controller, built on first use: a run that never debugs does not load the debugger.
        self._debug_lock = _thread.allocate_lock()
        self._debug_parts: tuple[DebugSubsystem, Views] | None = None

    def _wire_subsystems(self) -> None:
        """The card's `wireSubsystems`: events from the machine update the subsystems (the amb
        subsystem reads the machine's counts instead), an amb backtrack rolls back the transactions opened after its choice point, and every completed
        oracle call is charged to the budget and recorded in provenance, the artifact store and
        the session; then the Omega-level libraries are loaded."""
        on = self.on
        on("transaction-begin", self.transactions.on_begin)

        def first_transaction(_data: Any) -> None:
            # Backtracking rolls back transactions only once one was opened: until then no one
            # hears amb-backtrack (a search without transactions builds no event per backtrack).
            self.off("transaction-begin", first_transaction)
            on("amb-backtrack", self.transactions.on_backtrack)

        on("transaction-begin", first_transaction)
        on("transaction-commit", self.transactions.on_commit)
        on("transaction-rollback", self.transactions.on_rollback)
        on("fixpoint-iteration", self.fixpoint.on_iteration)
        on("fiber-start", self.concurrency.on_start)
        on("fiber-exit", self.concurrency.on_exit)
        on("llm-call-start", self.llm.on_start)
        on("llm-call-complete", self.llm.on_complete)

        def charge(data: Any) -> None:
            receipt = self.receipt_log.latest(data["id"])
            self.budget.record_llm_call(receipt.total_tokens if receipt is not None else 0)

        on("llm-call-complete", charge)
        on("llm-call-complete", self.provenance.on_llm_complete)
        on("llm-call-complete", self.artifacts.on_llm_complete)
        on("llm-call-complete", self.session.on_llm_complete)
        on("eval-start", self.budget.on_eval_start)
        on("eval-complete", self.budget.on_eval_complete)
        on("eval-complete", self.session.on_eval_complete)
        on("eval-complete", self.transactions.on_eval_complete)
        self.host.signal_watchers.append(self.conditions.watch)
        load_libraries(self)
        self.feature_gates.apply()
        self.interpreter.prelude_store = self.machine.s  # libraries and stand-ins are not user globals
        install_gated_eval(self)
        self.budget.start()

    # ---- debugging (RUNTIME.md: debug, breakpoints, inspector, history, snapshots) -----------

    def _debugging(self) -> tuple[DebugSubsystem, Views]:
        """The debug controller's subsystem and its views, made together on first use (the views
        give the controller its condition evaluator)."""
        parts = self._debug_parts
        if parts is None:
            with self._debug_lock:  # two threads asking first must not make two controllers
                parts = self._debug_parts
                if parts is None:
                    from .debug.facade import DebugSubsystem
                    from .debug.views import Views

                    debug = DebugSubsystem(self)
                    parts = self._debug_parts = (debug, Views(debug.controller))
        return parts

    @property
    def debug(self) -> DebugSubsystem:
        """Launch a program under the runtime's debug controller, run, step, step back."""
        return self._debugging()[0]

    @property
    def inspector(self) -> Views:
        """Frames, scopes, values and evaluation at the debug controller's current step."""
        return self._debugging()[1]

    @functools.cached_property
    def breakpoints(self) -> BreakpointsSubsystem:
        from .debug.facade import BreakpointsSubsystem

        return BreakpointsSubsystem(self.debug)

    @functools.cached_property
    def snapshots(self) -> SnapshotsSubsystem:
        from .debug.facade import SnapshotsSubsystem

        return SnapshotsSubsystem(self.debug)

    @property
    def history(self) -> History:
        """The debug controller's recorded states (time travel)."""
        return self.debug.controller.history

    def step(self) -> StepResult:
        """One machine transition of the evaluation launched with `debug.launch`."""
        self._check()
        from .debug.facade import step_launched

        return step_launched(self.debug)

    def is_terminal(self) -> bool:
        """The launched evaluation has finished (True when none is launched)."""
        self._check()
        from .debug.facade import launched_is_terminal

        return launched_is_terminal(self.debug)

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
        new = reconfigured(self._config, changes)
        if "budget" in changes:
            self.budget.set_limits(new.budget)  # validates before anything else changes
        host = self.host
        host.granted_capabilities = frozenset(new.capabilities)
        host.seed = new.seed
        if any(k in changes for k in ("oracle", "oracle_script", "replay_receipts")):
            host.provider = make_provider(new.oracle, script=new.oracle_script, receipts=new.replay_receipts)
        self._config = new  # the gates and the server read the new configuration
        if "features" in changes:
            self.feature_gates.apply()
        if any(k in changes for k in ("server", "host", "port")):
            server = self.protocol
            server.stop()
            server.host, server.port = new.host, new.port
            server.config = server_config(new)
            if new.server:
                server.start()
        return new

    @property
    def protocol(self) -> ProtocolServer:
        """The eval server of this runtime's session (`omega serve`, the server preset), made on
        first use."""
        if self._protocol is None:
            from .protocol import ProtocolServer

            config = self.get_config()
            self._protocol = ProtocolServer(config.host, config.port, server_config(config), runtime=self)
        return self._protocol

    # ---- semantic state (the debugger's Choice Points, Transactions and Fixpoint scopes) -------

    def get_amb_state(self) -> AmbState | None:
        self._check()
        return self.amb.get_state()

    def get_transaction_state(self) -> TransactionState | None:
        self._check()
        return self.transactions.get_state()

    def get_fixpoint_state(self) -> FixpointState | None:
        self._check()
        return self.fixpoint.get_state()

    # ---- events -----------------------------------------------------------------------------

    def on(self, name: str, handler: Callable[[Any], None]) -> None:
        self._listeners.setdefault(name, []).append(handler)
        if name == "step":
            self._step_events.install()

    def off(self, name: str, handler: Callable[[Any], None]) -> None:
        handlers = self._listeners.get(name, [])
        if handler in handlers:
            handlers.remove(handler)
            if not handlers:
                del self._listeners[name]  # an event no one hears is not built (Host.listeners)
        if name == "step" and not self._listeners.get("step"):
            self._step_events.uninstall()  # an unheard event costs the machine's loop nothing

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
                return EvalResult(receipts=[], diagnostics=list(result.diagnostics))
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
        with open(path, encoding="utf-8") as f:
            text = f.read()
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
        value: Any = VOID
        condition: Condition | None = None
        report = ""
        exit_code: int | None = None
        try:
            value = run()
        except Uncaught as exc:
            condition, value = exc.condition, VOID
            report = format_report(exc.condition, exc.backtrace, m.condition_text(exc.condition))
            self._abandon_form()
        except ProgramExit as exc:
            exit_code = exc.code
            self._abandon_form()
        except MachineHalt:
            self._abandon_form()
        out = EvalResult(value=value, printed="" if value is VOID else result_repr(value, m.s),
                         output=self._captured.getvalue(), condition=condition, steps=m.t - start_t,
                         receipts=list(self.receipt_log.receipts[start_receipts:]), diagnostics=[],
                         exit_code=exit_code, report=report)
        self.emit("eval-complete", out)
        return out

    def _abandon_form(self) -> None:
        """After an uncaught error or exit: open transactions roll back, choice points go."""
        m = self.machine
        while m.r.txs:
            m.rollback_tx(m.r.txs[0].tid, "exit")
        m.r = m.r._replace(choices=NO_CHOICES)
        m.c, m.k = None, None

    def register_tool(self, name: str, fn: Callable[..., Any], *, side_effecting: bool = False,
                      description: str = "", capabilities: tuple[str, ...] = ()) -> None:
        self.host.tools[name] = Tool(name, fn, side_effecting, description, capabilities)

    # ---- lifecycle --------------------------------------------------------------------------

    def dispose(self) -> None:
        if self._disposed:
            return
        self._disposed = True
        if self._protocol is not None:
            self._protocol.stop()
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
