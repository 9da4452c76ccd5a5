"""What the facade does to each top-level form between preparing and running it: feature gates
(under a configuration that disables amb, streams or transactions), the runtime budget's
synthetic `with-budget`, and session tracking of definitions. Also the gated `eval` primitive
path and the loading of Omega-level libraries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError
from ..span import Span
from .features import disabled_features, gate_core

if TYPE_CHECKING:
    from ..interpreter import PreparedForm
    from .link import RuntimeLink


class FormPipeline:
    """Called with a program's prepared forms before it runs: gates and wraps them, and tells
    the session which forms it is about to run."""

    def __init__(self, runtime: RuntimeLink) -> None:
        self._rt = runtime
        runtime.interpreter.finish = self.finish  # a form expanded again when reached, too

    def __call__(self, forms: list[PreparedForm], text: str | None) -> list[PreparedForm]:
        out = [self.finish(prepared) for prepared in forms]
        self._rt.session.begin_program(out, text)
        return out

    def finish(self, prepared: PreparedForm) -> PreparedForm:
        """Gate and wrap one form as the runtime's configuration says."""
        rt = self._rt
        config = rt.get_config()
        gated = bool(disabled_features(config))
        if prepared.core is not None and (gated or rt.budget.limits()):
            core = gate_core(prepared.core, config) if gated else prepared.core
            core = rt.budget.wrap(core)
            prepared = prepared._replace(node=rt.interpreter.compiler.compile(core))
        return prepared


def install_gated_eval(runtime: RuntimeLink) -> None:
    """Route the `eval` primitive through the feature gates (when any feature is disabled)."""
    interp = runtime.interpreter
    original = runtime.host.expand_eval

    def expand_eval(m: Any, datum: Any, node: Any) -> Any:
        config = runtime.get_config()
        if not disabled_features(config):
            return original(m, datum, node) if original is not None else None
        from ..expander import ExpandError, datum_to_syntax

        span = m.span_of(node) or Span("<eval>", 1, 1, 1, 1, 0, 0)
        try:
            core = interp.expand_at_run_time(datum_to_syntax(datum, span))
        except ExpandError as exc:
            m.raise_error(OmegaError("syntax-error", exc.message, (exc.code,), restarts=()), node)
            return None
        return interp.compiler.compile(gate_core(core, config))

    runtime.host.expand_eval = expand_eval


def load_libraries(runtime: RuntimeLink) -> None:
    """Evaluate the Omega-level libraries (expanded with the prelude, see `Interpreter`) as
    built-in code (hidden from backtraces and the debugger's globals), gated like user code; the
    machine's step count is left unchanged."""
    interp = runtime.interpreter
    config = runtime.get_config()
    gated = bool(disabled_features(config))
    interp.load_builtin_forms(interp.take_library_forms(),
                              (lambda core: gate_core(core, config)) if gated else None)


__all__ = ["FormPipeline", "install_gated_eval", "load_libraries"]
