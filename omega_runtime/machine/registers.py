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

    # The records below are made from their fields unpacked at once: interpreted, reading each
    # field by name costs twice as much.
    def with_collected(self, collected: immutables.Map[int, Any]) -> Monotone:
        llm_calls, tokens, ids, _ = self
        mono: Monotone = new_record(Monotone, (llm_calls, tokens, ids, collected))
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
        _, facts, fact_seq, txs, step_deadline, random_state, counters, _, fibers, form = self
        regs: Registers = new_record(Registers, (choices, facts, fact_seq, txs, step_deadline, random_state, counters,
                                                 mono, fibers, form))
        return regs

    def with_choice_made(self, choices: ChoiceStack, cid: int) -> Registers:
        """These registers after a choice: `choices` pending, the newest numbered `cid` (the
        monotone counter of choice points moved to it). One call for what a choice changes."""
        _, facts, fact_seq, txs, step_deadline, random_state, counters, mono, fibers, form = self
        llm_calls, tokens, ids, collected = mono
        mono = new_record(Monotone, (llm_calls, tokens, ids.set("cp", cid), collected))
        regs: Registers = new_record(Registers, (choices, facts, fact_seq, txs, step_deadline, random_state, counters,
                                                 mono, fibers, form))
        return regs

    def with_mono(self, mono: Monotone) -> Registers:
        choices, facts, fact_seq, txs, step_deadline, random_state, counters, _, fibers, form = self
        regs: Registers = new_record(Registers, (choices, facts, fact_seq, txs, step_deadline, random_state, counters,
                                                 mono, fibers, form))
        return regs
