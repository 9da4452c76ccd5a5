"""The timeline of a debugged run (DEBUGGER.md 11.1): every machine state, by reference.

States are persistent, so an entry costs only what its step changed. Entry n is "step n"; entry
0 is the state before the first transition. Interventions (edits) are entries too. When the
limit is reached the oldest entries are dropped in chunks; `oldest` says which step survives.

The machine appends the entries itself while it records (`Machine.run`), in the cheapest form
that still restores the exact state (the recording is the debugger's main per-step cost):
* a *full* entry is the tuple `(c, v, e, k, s, r, nc)`;
* an *atomic* entry is just the value `v` of a step that evaluated a constant, a local or a
  global: its control is None and every other field equals the previous entry's. The previous
  entry is always full (an atomic step leaves no control, so the next step returns to a frame,
  and the machine re-records a state its slow path changed), and no Omega value is a Python tuple.
The transition count `t` is not stored: machine-recorded entries count one transition each, and
entries appended here (the first, edits) are anchors that carry their own `t`.
"""

from __future__ import annotations

import bisect
from typing import Any

from ..machine.state import State


def full_entry(st: State) -> tuple[Any, ...]:
    return (st.c, st.v, st.e, st.k, st.s, st.r, st.nc)


class History:
    def __init__(self, limit: int) -> None:
        self.limit = limit  # 0: time travel off (only the current state is kept)
        self.states: list[Any] = []  # entries, oldest first (see the module docstring)
        self.base = 0  # step number of states[0]
        self.edits: dict[int, str] = {}  # step -> summary, for edit entries
        self._anchors: list[int] = []  # steps whose `t` is known, ascending
        self._anchor_t: list[int] = []

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    @property
    def oldest(self) -> int:
        return self.base

    @property
    def newest(self) -> int:
        return self.base + len(self.states) - 1

    def reset(self, state: State) -> None:
        self.states = [full_entry(state)]
        self.base = 0
        self.edits = {}
        self._anchors, self._anchor_t = [0], [state.t]

    def _anchor(self, step: int, t: int) -> None:
        i = bisect.bisect_left(self._anchors, step)
        del self._anchors[i:], self._anchor_t[i:]
        self._anchors.append(step)
        self._anchor_t.append(t)

    def append(self, state: State, edit: str | None = None) -> int:
        states = self.states
        if not self.enabled:
            states[:] = [full_entry(state)]
            self.base += 1
            self._anchors, self._anchor_t = [self.base], [state.t]
            return self.base
        states.append(full_entry(state))
        step = self.base + len(states) - 1
        self._anchor(step, state.t)
        if edit is not None:
            self.edits[step] = edit
        self.enforce_limit()
        return step

    def enforce_limit(self) -> int:
        """Drop the oldest entries (in chunks) while over the limit; the new oldest step."""
        states = self.states
        if self.enabled and len(states) > self.limit:
            drop = max(len(states) - self.limit, self.limit // 10, 1)
            first = self.get(self.base + drop)  # the new oldest entry must be full and anchored
            del states[:drop]
            self.base += drop
            states[0] = full_entry(first)
            keep = bisect.bisect_right(self._anchors, self.base)
            del self._anchors[:keep], self._anchor_t[:keep]
            self._anchors.insert(0, self.base)
            self._anchor_t.insert(0, first.t)
            for s in [s for s in self.edits if s < self.base]:
                del self.edits[s]
        return self.base

    def t_of(self, step: int) -> int:
        i = bisect.bisect_right(self._anchors, step) - 1
        return self._anchor_t[i] + (step - self._anchors[i])

    def get(self, step: int) -> State:
        i = step - self.base
        entry = self.states[i]
        if entry.__class__ is tuple:
            c, v, e, k, s, r, nc = entry
        else:
            _c, _v, e, k, s, r, nc = self.states[i - 1]
            c, v = None, entry
        return State(c, v, e, k, s, r, nc, self.t_of(step))

    def control(self, step: int) -> Any:
        """The control of entry `step` (None for a value state), without building the state."""
        entry = self.states[step - self.base]
        return entry[0] if entry.__class__ is tuple else None

    def same(self, step: int, st: State) -> bool:
        """Whether entry `step` is the state `st` (its parts identical)."""
        if not self.has(step):
            return False
        here = self.get(step)
        return all(a is b for a, b in zip(here[:7], st[:7])) and here.t == st.t

    def has(self, step: int) -> bool:
        return self.base <= step <= self.newest

    def discard_newest(self) -> None:
        """Drop the newest entry (a step the debugger stops before)."""
        self.states.pop()
        newest = self.newest
        if self._anchors and self._anchors[-1] > newest:
            self._anchors.pop()
            self._anchor_t.pop()

    def truncate_after(self, step: int) -> int:
        """Discard every entry after `step`; the number discarded."""
        keep = step - self.base + 1
        dropped = len(self.states) - keep
        if dropped > 0:
            del self.states[keep:]
            i = bisect.bisect_right(self._anchors, step)
            del self._anchors[i:], self._anchor_t[i:]
            for s in [s for s in self.edits if s > step]:
                del self.edits[s]
        return max(0, dropped)

    def kind(self, step: int) -> str:
        return "edit" if step in self.edits else "step"

    def summary(self, step: int) -> Any:
        return self.edits.get(step)
