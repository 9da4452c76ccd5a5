"""The timeline of a debugged run (DEBUGGER.md 11.1): every machine state, by reference.

States are persistent, so an entry costs only what its step changed. Entry n is "step n"; entry
0 is the state before the first transition. Interventions (edits) are entries too. When the
limit is reached the oldest entries are dropped in chunks; `oldest` says which step survives.
"""

from __future__ import annotations

from typing import Any

from ..machine.state import State


class History:
    def __init__(self, limit: int) -> None:
        self.limit = limit  # 0: time travel off (only the current state is kept)
        # States as plain tuples in State's field order: the machine appends them itself while
        # it records (Machine.record), which is cheaper than building State objects per step.
        self.states: list[tuple[Any, ...]] = []
        self.base = 0  # step number of states[0]
        self.edits: dict[int, str] = {}  # step -> summary, for edit entries

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
        self.states = [state]
        self.base = 0
        self.edits = {}

    def append(self, state: State, edit: str | None = None) -> int:
        states = self.states
        if not self.enabled:
            states[:] = [state]
            self.base += 1
            return self.base
        states.append(state)
        step = self.base + len(states) - 1
        if edit is not None:
            self.edits[step] = edit
        self.enforce_limit()
        return step

    def enforce_limit(self) -> int:
        """Drop the oldest entries (in chunks) while over the limit; the new oldest step."""
        states = self.states
        if self.enabled and len(states) > self.limit:
            drop = max(len(states) - self.limit, self.limit // 10, 1)
            del states[:drop]
            self.base += drop
            for s in [s for s in self.edits if s < self.base]:
                del self.edits[s]
        return self.base

    def get(self, step: int) -> State:
        return State._make(self.states[step - self.base])

    def has(self, step: int) -> bool:
        return self.base <= step <= self.newest

    def truncate_after(self, step: int) -> int:
        """Discard every entry after `step`; the number discarded."""
        keep = step - self.base + 1
        dropped = len(self.states) - keep
        if dropped > 0:
            del self.states[keep:]
            for s in [s for s in self.edits if s > step]:
                del self.edits[s]
        return max(0, dropped)

    def kind(self, step: int) -> str:
        return "edit" if step in self.edits else "step"

    def summary(self, step: int) -> Any:
        return self.edits.get(step)
