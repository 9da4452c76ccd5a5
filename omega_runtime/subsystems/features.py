"""Feature gates (RUNTIME.md "Presets"): under a configuration whose `features` leave out amb,
streams or transactions, using one signals `feature-disabled` with a message naming the preset.

Special forms are gated by rewriting the expanded core form before it is compiled: an `amb`
(`amb.choose`/`amb.fail` effects), `amb-collect`, `with-transaction`, `commit.op` or
`cons-stream` node becomes a call of `%feature-disabled` at the same span, so the condition is
signalled exactly when and where the construct would have run. Gated procedures (stream
procedures, `commit!`, `rollback!`, ...) are rebound in the global table.
"""

from __future__ import annotations

from typing import Any

from .. import core as C
from ..conditions import OmegaError
from ..config import FEATURE_OF, RuntimeConfig, feature_disabled
from ..primitives.registry import Primitive, primitive
from ..values import MISSING, sym

DISABLED_TYPE = "feature-disabled"


@primitive("%feature-disabled", 2, signature="(%feature-disabled feature message)", derives=False)
def _feature_disabled(feature: Any, message: Any) -> Any:
    """Signal `feature-disabled` (a gated construct was used)."""
    raise OmegaError(DISABLED_TYPE, str(message), (feature,), restarts=())


def disabled_features(config: RuntimeConfig) -> set[str]:
    return {f for f in set(FEATURE_OF.values()) if f not in config.features}


def _gate_name(node: Any) -> str | None:
    """The gated construct `node` is, if any."""
    cls = node.__class__
    if cls is C.Effect and node.op.name in ("amb.choose", "amb.fail", "commit.op"):
        return "amb" if node.op.name != "commit.op" else "commit.op"
    if cls is C.AmbCollect:
        return "amb-collect"
    if cls is C.WithTransaction:
        return "with-transaction"
    if (cls is C.App and node.fn.__class__ is C.PrimRef and node.fn.name == "cons" and len(node.args) == 2
            and node.args[1].__class__ is C.Delay and node.args[1].synthetic):
        return "cons-stream"
    return None


def _replacement(node: Any, config: RuntimeConfig) -> Any:
    name = _gate_name(node)
    if name is None:
        return None
    message = feature_disabled(config, name)
    if message is None:
        return None
    span = node.span
    return C.App(span, fn=C.PrimRef(span, name="%feature-disabled", synthetic=True),
                 args=[C.Const(span, value=sym(FEATURE_OF[name]), synthetic=True),
                       C.Const(span, value=message, synthetic=True)])


def gate_core(root: Any, config: RuntimeConfig) -> Any:
    """`root` with every disabled construct replaced (in place where possible; iterative)."""
    top = _replacement(root, config)
    if top is not None:
        return top
    stack: list[Any] = [root]
    while stack:
        obj = stack.pop()
        for name, _ in C.record_fields(type(obj)):
            value = getattr(obj, name)
            if isinstance(value, C.Node):
                new = _replacement(value, config)
                if new is not None:
                    setattr(obj, name, new)
                else:
                    stack.append(value)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, C.Node):
                        new = _replacement(item, config)
                        if new is not None:
                            value[i] = new
                        else:
                            stack.append(item)
                    elif isinstance(item, tuple):
                        parts = list(item)
                        changed = False
                        for j, part in enumerate(parts):
                            if isinstance(part, C.Node):
                                new = _replacement(part, config)
                                if new is not None:
                                    parts[j], changed = new, True
                                else:
                                    stack.append(part)
                        if changed:
                            value[i] = tuple(parts)
                    elif isinstance(item, (C.HandleClause, C.MatchClause, C.RestartClause, C.GuardClause)):
                        stack.append(item)
    return root


# Gated by rewriting core forms, not by rebinding globals.
FORM_GATES = frozenset({"amb", "amb.choose", "amb.fail", "amb-collect", "require", "with-transaction",
                        "commit.op", "cons-stream"})


class DisabledProcedure(Primitive):
    """The stand-in bound to a gated procedure's name while its feature is disabled."""

    __slots__ = ()


class FeatureGates:
    """Binds gated procedures to stand-ins (or back to the originals) as the configuration's
    `features` say; `apply()` again after `configure(features=...)`."""

    def __init__(self, runtime: Any) -> None:
        self._rt = runtime
        m = runtime.machine
        # Each gated name the store binds, with its value; one bound below the store (a prelude
        # procedure, made on first use) maps to MISSING: re-enabled, it is unbound from the store.
        below = m.builtin_global_names()
        self._originals = {sym(n): m.s.get(sym(n), MISSING) for n in FEATURE_OF
                           if n not in FORM_GATES and (sym(n) in m.s or sym(n) in below)}

    def disabled(self) -> set[str]:
        return disabled_features(self._rt.get_config())

    def apply(self) -> None:
        config = self._rt.get_config()
        m = self._rt.machine
        store = m.s
        for key, original in self._originals.items():
            message = feature_disabled(config, key.name)
            current = store.get(key)
            if message is not None and not isinstance(current, DisabledProcedure):
                store = store.set(key, _disabled_procedure(key.name, FEATURE_OF[key.name], message))
            elif message is None and isinstance(current, DisabledProcedure):
                store = store.delete(key) if original is MISSING else store.set(key, original)
        m.s = store


def _disabled_procedure(name: str, feature: str, message: str) -> Primitive:
    def fn(*_args: Any) -> Any:
        raise OmegaError(DISABLED_TYPE, message, (sym(feature),), restarts=())

    return DisabledProcedure(name, fn, 0, None, "pure", f"Disabled: {message}.", f"({name} ...)", False)


__all__ = ["gate_core", "FeatureGates", "DisabledProcedure", "disabled_features", "DISABLED_TYPE"]
