"""Experts: a named role prompt plus oracle settings, callable from Omega.

From Omega (defined in `omega_runtime/experts.omega`):

    (define-expert name role-prompt setting value ...)
    (ask-expert name prompt)

`ask-expert` performs `(effect infer.op TEXT)` where TEXT is the role prompt, a blank line and the
prompt (a string or a list of parts, 5.1), so handlers, receipts and budgets apply. Settings, as
symbols or keywords: `llm-calls` and `tokens` (a budget around each question), `candidates` (ask
with `search.op` for that many answers; the result is then a list), `model` and `temperature`
(kept with the expert for hosts and logs; the run has one oracle).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError, wrong_type
from ..primitives.registry import primitive
from ..values import Keyword, Record, Symbol, list_to_python, make_list, sym
from .state import to_python

if TYPE_CHECKING:
    from ..results import EvalResult
    from .state import StateCoordinator

SETTINGS = ("llm-calls", "tokens", "candidates", "model", "temperature")


def _setting_name(key: Any) -> str:
    if isinstance(key, (Symbol, Keyword)):
        return key.name
    raise OmegaError("value-error", "define-expert: a setting name must be a symbol or keyword", (key,))


@primitive("%expert-settings", 1, derives=False, signature="(%expert-settings plist)")
def _expert_settings(plist: Any) -> Any:
    """Check a setting/value list; the settings as an association list."""
    items = list_to_python(plist)
    if items is None or len(items) % 2:
        raise OmegaError("value-error", "define-expert: settings come in name/value pairs", (plist,))
    out = []
    for i in range(0, len(items), 2):
        name = _setting_name(items[i])
        if name not in SETTINGS:
            raise OmegaError("value-error", f"define-expert: unknown setting {name} (known: {' '.join(SETTINGS)})",
                             (items[i],))
        value = items[i + 1]
        if name in ("llm-calls", "tokens", "candidates") and (value.__class__ is bool or not isinstance(value, int)
                                                               or value < 1):
            raise wrong_type("define-expert", "integer", value)
        out.append(make_list([sym(name), value]))
    return make_list(out)


@primitive("%expert-prompt", 2, kind="ctx", derives=False, signature="(%expert-prompt role prompt)")
def _expert_prompt(m: Any, role: Any, prompt: Any) -> str:
    """The role prompt, a blank line, then the prompt's text."""
    if not isinstance(role, str):
        raise wrong_type("ask-expert", "string", role)
    return f"{role}\n\n{m.services.prompt_text(m, prompt)}"


class ExpertsManager:
    def __init__(self, state: StateCoordinator, runtime: Any) -> None:
        self._state = state
        self._rt = runtime

    def define(self, name: str, role: str, **settings: Any) -> EvalResult:
        """`(define-expert name role setting value ...)`; settings by Python name
        (`llm_calls=2`)."""
        parts: list[Any] = [sym("define-expert"), sym(name), role]
        for key, value in settings.items():
            parts += [make_list([sym("quote"), sym(key.replace("_", "-"))]), value]
        return self._rt.eval_expr(make_list(parts))  # type: ignore[no-any-return]

    def ask(self, name: str, prompt: str) -> EvalResult:
        return self._state.call("ask-expert", self._state.global_value(name), prompt)

    def names(self) -> list[str]:
        """Globals bound to experts, sorted."""
        return [n for n, v in self._state.globals() if _is_expert(v)]

    def get(self, name: str) -> dict[str, Any] | None:
        v = self._state.global_value(name, None)
        if not _is_expert(v):
            return None
        store = self._state.store()
        settings = {str(k): val for k, val in (to_python(v.ref(store, 2), store) or [])}
        return {"name": to_python(v.ref(store, 0)), "role": to_python(v.ref(store, 1)), "settings": settings}


def _is_expert(v: Any) -> bool:
    return isinstance(v, Record) and v.rtype.name == "expert"


__all__ = ["ExpertsManager", "SETTINGS"]
