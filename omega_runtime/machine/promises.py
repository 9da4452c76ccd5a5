"""Forcing promises (LANGUAGE.md 5.5): `delay`, `delay-force` and `make-promise`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..values import (
    Promise,
)
from . import frames as F

if TYPE_CHECKING:
    from .machine import Machine


def force(m: Machine, p: Any, node: Any) -> None:
    if not isinstance(p, Promise):
        m.v, m.c = p, None
        return
    st = p.state(m.s)
    if st[0] == "value":
        m.v, m.c = st[1], None
        return
    _, body, env, chain = st
    m.k = F.CallbackFrame("forced", (p, node, chain), m.k, "force")
    m.e = env
    m.c = body


def forced(m: Machine, v: Any, p: Promise, node: Any, chain: bool) -> None:
    st = p.state(m.s)
    if st[0] == "value":  # forced re-entrantly meanwhile: the first value wins
        m.v, m.c = st[1], None
        return
    if chain:
        if isinstance(v, Promise):
            inner = v.state(m.s)
            if inner[0] == "value":
                m.s = m.s.set(p, ("value", inner[1]))
                m.v, m.c = inner[1], None
                return
            # Iterate: p now shares the inner promise's pending computation (constant depth).
            m.s = m.s.set(p, inner)
            force(m, p, node)
            return
    m.s = m.s.set(p, ("value", v))
    m.v, m.c = v, None


F.CALLBACKS["forced"] = forced
