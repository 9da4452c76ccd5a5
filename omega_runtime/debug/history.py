"""The timeline of a debugged run (DEBUGGER.md 11.1): every machine state, by reference.

States are persistent, so an entry costs only what its step changed. Entry n is "step n"; entry
0 is the state before the first transition. Interventions (edits) are entries too. When the
limit is reached the oldest entries are dropped in chunks; `oldest` says which step survives.
Their slots are cleared at once but removed from the list (moving the kept ones) only once they
are as many as the kept ones: `base`, the step of the list's first two slots, trails `oldest`.

The machine appends the entries itself while it records (`Machine.run`), in the cheapest form
that still restores the exact state (the recording is the debugger's main per-step cost). Every
entry is two consecutive slots of the flat list `states`, `(x, k)` with `k` its continuation:
* a *full* entry has the tuple `(c, v, e, k, s, r, nc)` as `x`;
* a *narrow* entry (the step said so, machine/nodes.py) has as `x` its control, a node, or its
  value when the control is None (no Omega value is a node or a Python tuple). Its environment,
  store, registers and cell counter are those of the nearest full entry before it, and its value,
  when it has a control, is the previous entry's. The first entry is always full, and the
  machine's slow path (every `poll_every` steps at most) re-records its step full, so decoding
  reads back a bounded stretch.
The transition count `t` is not stored: machine-recorded entries count one transition each, and
entries appended here (the first, edits) are anchors that carry their own `t`.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterator
from itertools import compress
from typing import Any

from ..machine.nodes import Node
from ..machine.state import State

_UNKNOWN = object()  # a narrow entry's value not found yet

# What an entry is estimated to cost: the most a recorded step may take (DEBUGGER.md 13;
# benchmarks/debugger.py measures about half of it).
ENTRY_BYTES = 200


def available_memory() -> int | None:
    """The bytes of memory available now (Linux's MemAvailable, else the free pages), or None
    where the system does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def node_types() -> set[type]:
    """Every node class, breakpoint traps included (they are made on demand)."""
    found: set[type] = set()
    todo = [Node]
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            todo.extend(cls.__subclasses__())
    return found


def full_entry(st: State) -> tuple[Any, ...]:
    return (st.c, st.v, st.e, st.k, st.s, st.r, st.nc)


class History:
    def __init__(self, limit: int, memory: int | None = None) -> None:
        self.limit = limit  # 0: time travel off (only the current state is kept)
        # Fewer entries when their estimated size would pass half of `memory`, the bytes
        # available at launch (DEBUGGER.md 3; None: no such bound).
        self.memory_entries = None if memory is None else max(1, memory // 2 // ENTRY_BYTES)
        self.states: list[Any] = []  # two slots per entry, oldest first (see the module docstring)
        self.base = 0  # the step whose entry the first two slots held (dropped ones hold None)
        self.oldest = 0  # the oldest entry kept
        self.edits: dict[int, str] = {}  # step -> summary, for edit entries
        self._anchors: list[int] = []  # steps whose `t` is known, ascending
        self._anchor_t: list[int] = []

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    @property
    def capacity(self) -> int:
        """The entries kept at most: the limit, or fewer for the memory available."""
        memory = self.memory_entries
        return self.limit if memory is None else min(self.limit, memory)

    @property
    def newest(self) -> int:
        return self.base + len(self.states) // 2 - 1

    @property
    def size(self) -> int:
        """The number of entries kept."""
        return self.newest - self.oldest + 1

    def reset(self, state: State) -> None:
        self.states = [full_entry(state), state.k]
        self.base = self.oldest = 0
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
            states[:] = [full_entry(state), state.k]
            self.base = self.oldest = self.base + 1
            self._anchors, self._anchor_t = [self.base], [state.t]
            return self.base
        states += (full_entry(state), state.k)
        step = self.newest
        self._anchor(step, state.t)
        if edit is not None:
            self.edits[step] = edit
        self.enforce_limit()
        return step

    def enforce_limit(self) -> int:
        """Drop the oldest entries (in chunks) while over the capacity; the new oldest step."""
        capacity = self.capacity
        if self.enabled and self.size > capacity:
            drop = max(self.size - capacity, capacity // 10, 1)
            oldest = self.oldest + drop
            first = self.get(oldest)  # the new oldest entry must be full and anchored
            states = self.states
            start, end = 2 * (self.oldest - self.base), 2 * (oldest - self.base)
            states[start:end] = [None] * (end - start)
            states[end] = full_entry(first)
            if end >= len(states) - end:
                # (moving a million kept entries at every drop took a tenth of a recorded run)
                del states[:end]
                self.base = oldest
            self.oldest = oldest
            keep = bisect.bisect_right(self._anchors, oldest)
            del self._anchors[:keep], self._anchor_t[:keep]
            self._anchors.insert(0, oldest)
            self._anchor_t.insert(0, first.t)
            for s in [s for s in self.edits if s < oldest]:
                del self.edits[s]
        return self.oldest

    def t_of(self, step: int) -> int:
        i = bisect.bisect_right(self._anchors, step) - 1
        return self._anchor_t[i] + (step - self._anchors[i])

    def get(self, step: int) -> State:
        states = self.states
        i = 2 * (step - self.base)
        x = states[i]
        if x.__class__ is tuple:
            c, v, e, k, s, r, nc = x
            return State(c, v, e, k, s, r, nc, self.t_of(step))
        k = states[i + 1]
        if isinstance(x, Node):
            c, v = x, _UNKNOWN
        else:
            c, v = None, x
        # A narrow entry: the rest from the entries before it (the module docstring).
        while True:
            i -= 2
            x = states[i]
            if x.__class__ is tuple:
                if v is _UNKNOWN:
                    v = x[1]
                return State(c, v, x[2], k, x[4], x[5], x[6], self.t_of(step))
            if v is _UNKNOWN and not isinstance(x, Node):
                v = x

    def controls_before(self, start: int) -> Iterator[tuple[int, Any, Any]]:
        """`(step, control, continuation)` of the entries before `start` whose control is a
        node, newest first, read straight off the record."""
        types = node_types()
        states, base = self.states, self.base
        for lo, hi in self.chunks_before(start, first=64, largest=1 << 16):
            step = hi
            xs = states[2 * (lo - base):2 * (hi - base):2]
            ks = states[2 * (lo - base) + 1:2 * (hi - base):2]
            for x, k in zip(reversed(xs), reversed(ks)):
                step -= 1
                if x.__class__ is tuple:
                    if x[0] is not None:
                        yield step, x[0], k
                elif x.__class__ in types:
                    yield step, x, k

    def chunks_before(self, start: int, first: int = 4096, largest: int = 1 << 18) -> Iterator[tuple[int, int]]:
        """Step ranges `[lo, hi)` covering the entries before `start`, newest first, each four
        times the one before (from `first` up to `largest`): a search usually ends soon."""
        hi = start
        chunk = first
        while hi > self.oldest:
            lo = max(self.oldest, hi - chunk)
            yield lo, hi
            hi = lo
            chunk = min(chunk * 4, largest)

    def steps_with_control_class(self, classes: set[type], lo: int, hi: int) -> list[int]:
        """The entries in `[lo, hi)` whose control's class is in `classes` (no Omega value has
        a node class), newest first. The record is filtered by C-level iteration; only full
        entries are looked into one by one."""
        base, states = self.base, self.states
        xs = states[2 * (lo - base):2 * (hi - base):2]
        wanted = classes | {tuple}
        hits = []
        for i in compress(range(len(xs)), map(wanted.__contains__, map(type, xs))):
            x = xs[i]
            if x.__class__ is not tuple or x[0].__class__ in classes:
                hits.append(lo + i)
        hits.reverse()
        return hits

    def same(self, step: int, st: State) -> bool:
        """Whether entry `step` is the state `st` (its parts identical)."""
        if not self.has(step):
            return False
        here = self.get(step)
        return all(a is b for a, b in zip(here[:7], st[:7])) and here.t == st.t

    def has(self, step: int) -> bool:
        return self.oldest <= step <= self.newest

    def discard_newest(self) -> None:
        """Drop the newest entry (a step the debugger stops before)."""
        del self.states[-2:]
        newest = self.newest
        if self._anchors and self._anchors[-1] > newest:
            self._anchors.pop()
            self._anchor_t.pop()

    def truncate_after(self, step: int) -> int:
        """Discard every entry after `step`; the number discarded."""
        dropped = self.newest - step
        if dropped > 0:
            del self.states[2 * (step - self.base + 1):]
            i = bisect.bisect_right(self._anchors, step)
            del self._anchors[i:], self._anchor_t[i:]
            for s in [s for s in self.edits if s > step]:
                del self.edits[s]
        return max(0, dropped)

    def kind(self, step: int) -> str:
        return "edit" if step in self.edits else "step"

    def summary(self, step: int) -> Any:
        return self.edits.get(step)
