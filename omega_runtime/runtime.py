"""The OmegaRuntime facade (RUNTIME.md): one object through which every host evaluates Omega.

It owns the configured session (oracle, receipts, capabilities, seed, limits), the interpreter
pipeline and the machine, and exposes the subsystems as attributes.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from .config import PRESETS, RuntimeConfig, RuntimeProviders, build_config
from .interpreter import Interpreter
from .machine.host import Host, Tool
from .machine.machine import MachineHalt, ProgramExit, Uncaught
from .oracle import ArtifactCache, ReceiptLog, make_provider
from .printer import write_repr
from .span import Span
from .syntax import Diagnostic
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
        self._repl_count = 0

    # ---- creation ---------------------------------------------------------------------------

    @classmethod
    def create(cls, config: Mapping[str, Any] | RuntimeConfig | None = None, preset: str | None = None,
               providers: RuntimeProviders | None = None) -> OmegaRuntime:
        return cls(build_config(config, preset), providers or RuntimeProviders())

    def get_config(self) -> RuntimeConfig:
        return self._config

    # ---- events -----------------------------------------------------------------------------

    def on(self, name: str, handler: Callable[[Any], None]) -> None:
        self._listeners.setdefault(name, []).append(handler)

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
        result = self.interpreter.read(code, source)
        if result.diagnostics:
            return EvalResult(diagnostics=list(result.diagnostics))
        return self._run_program(self.interpreter.prepare_all(result))

    def load(self, path: str | os.PathLike[str]) -> EvalResult:
        self._check()
        text = Path(path).read_text(encoding="utf-8")
        return self.eval(text, source=str(path))

    def _run_program(self, prepared: list[Any]) -> EvalResult:
        self.emit("eval-start", None)
        m = self.machine
        start_t = m.t
        start_receipts = len(self.receipt_log.receipts)
        self._captured = io.StringIO()
        out = EvalResult()
        value: Any = VOID
        try:
            value = self.interpreter.run_program(prepared)
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
        out.printed = "" if out.value is VOID else write_repr(out.value, m.s)
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


__all__ = ["OmegaRuntime", "EvalResult", "RuntimeConfig", "RuntimeProviders", "PRESETS", "format_report"]
