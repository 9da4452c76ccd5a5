"""The machine's registers: everything in a state besides control, environment, store and
continuation (LANGUAGE.md 16.1). Immutable; a change makes a new Registers sharing the rest."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import immutables

from .state import NO_CHOICES, ChoiceStack, new_record

EMPTY_MAP: immutables.Map[Any, Any] = immutables.Map()


class Monotone(NamedTuple):
    """What backtracking never restores (LANGUAGE.md 6): budget usage, id counters and the values
    an `amb-collect` has gathered. Time travel restores it like everything else."""

    llm_calls: int = 0
    tokens: int = 0
    ids: immutables.Map[str, int] = EMPTY_MAP  # cp, tx, fp counters: never reused in a run
    collected: immutables.Map[int, Any] = EMPTY_MAP  # amb-collect id -> its values, (newest, (older, ... None))

    def with_ids(self, ids: immutables.Map[str, int]) -> Monotone:
        mono: Monotone = new_record(Monotone, (self.llm_calls, self.tokens, ids, self.collected))
        return mono

    def with_collected(self, collected: immutables.Map[int, Any]) -> Monotone:
        mono: Monotone = new_record(Monotone, (self.llm_calls, self.tokens, self.ids, collected))
        return mono


class Registers(NamedTuple):
    choices: ChoiceStack = NO_CHOICES  # the pending choice points, newest on top
    facts: immutables.Map[Any, tuple[int, Any]] = EMPTY_MAP  # key symbol -> (insertion seq, value)
    fact_seq: int = 0
    txs: tuple[Any, ...] = ()  # open Transactions, outermost first
    step_deadline: int | float = math.inf  # transition count at which the tightest steps budget trips
    random_state: Any = None  # Mersenne Twister state, None until first use
    counters: immutables.Map[str, int] = EMPTY_MAP  # gensym and other restorable counters
    mono: Monotone = Monotone()
    fibers: Any = None  # fibers.FiberTable once a fiber is spawned
    form: int = 0  # index of the top-level form being evaluated (see frames.ProgramFrame)

    def with_choices(self, choices: ChoiceStack, mono: Monotone) -> Registers:
        """These registers with other choice points and monotone part: what every choice and
        backtrack makes (a direct construction, cheaper than `_replace`)."""
        regs: Registers = new_record(Registers, (choices, self.facts, self.fact_seq, self.txs, self.step_deadline,
                                                 self.random_state, self.counters, mono, self.fibers, self.form))
        return regs

    def with_mono(self, mono: Monotone) -> Registers:
        regs: Registers = new_record(Registers, (self.choices, self.facts, self.fact_seq, self.txs,
                                                 self.step_deadline, self.random_state, self.counters, mono,
                                                 self.fibers, self.form))
        return regs
