"""The scripted oracle (LANGUAGE.md 5.3): deterministic answers from a rules file, else the
built-in echo / arithmetic / placeholder rules.

Script shape: `{"rules": [{"match"|"regex": TEXT, "value": S | "values": [S...], "op"?: OP}...],
"fallback"?: S}`. The first applicable rule answers; `values` hands the k-th `infer` call the rule
answers its k-th item (the last once exhausted) and search candidate i item ((i-1) mod len)+1.
"""

from __future__ import annotations

import re
import time
from typing import Any

from ..records import NamedTuple
from .request import OracleAnswer, OracleConfigError, OracleRequest, sha256_hex, word_count


class Rule(NamedTuple):
    """One script rule; exactly one of `match` (case-insensitive substring) and `regex` is set,
    and exactly one of `value` and `values`."""

    match: str | None
    regex: re.Pattern[str] | None
    value: str | None
    values: tuple[str, ...]
    op: str | None

    def applies(self, req: OracleRequest) -> bool:
        if self.op is not None and self.op != req.op:
            return False
        if self.regex is not None:
            return self.regex.search(req.prompt) is not None
        assert self.match is not None
        return self.match.casefold() in req.prompt.casefold()


class Script(NamedTuple):
    rules: tuple[Rule, ...]
    fallback: str | None


def load_script(path: str) -> Script:
    """Read and validate a rules file; any problem is an OracleConfigError naming the file."""
    import json  # loaded with a rules file, not at every start

    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        raise OracleConfigError(f"cannot read oracle script {path}: {exc}") from None
    try:
        return parse_script(data)
    except ValueError as exc:
        raise OracleConfigError(f"bad oracle script {path}: {exc}") from None


def parse_script(data: Any) -> Script:
    """A Script from decoded JSON; raises ValueError describing the first problem."""
    if not isinstance(data, dict):
        raise ValueError("the script must be a JSON object")
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise ValueError("'rules' must be a list")
    fallback = data.get("fallback")
    if fallback is not None and not isinstance(fallback, str):
        raise ValueError("'fallback' must be a string")
    return Script(tuple(_parse_rule(i, r) for i, r in enumerate(raw_rules, 1)), fallback)


def _parse_rule(index: int, raw: Any) -> Rule:
    where = f"rule {index}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be an object")
    if ("match" in raw) == ("regex" in raw):
        raise ValueError(f"{where} needs exactly one of 'match' and 'regex'")
    if ("value" in raw) == ("values" in raw):
        raise ValueError(f"{where} needs exactly one of 'value' and 'values'")
    match = raw.get("match")
    if match is not None and not isinstance(match, str):
        raise ValueError(f"{where}: 'match' must be a string")
    regex = None
    if "regex" in raw:
        if not isinstance(raw["regex"], str):
            raise ValueError(f"{where}: 'regex' must be a string")
        try:
            regex = re.compile(raw["regex"])
        except re.error as exc:
            raise ValueError(f"{where}: bad regex: {exc}") from None
    value = raw.get("value")
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{where}: 'value' must be a string")
    values: tuple[str, ...] = ()
    if "values" in raw:
        items = raw["values"]
        if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
            raise ValueError(f"{where}: 'values' must be a non-empty list of strings")
        values = tuple(items)
    op = raw.get("op")
    if op is not None and op not in ("infer", "search"):
        raise ValueError(f"{where}: 'op' must be \"infer\" or \"search\"")
    return Rule(match, regex, value, values, op)


def echo_answer(prompt: str) -> str | None:
    """Rule 1: after leading whitespace, `echo:` in any case; the rest, trimmed."""
    rest = prompt.lstrip()
    head = rest[:5]
    if head.isascii() and head.lower() == "echo:":
        return rest[5:].strip()
    return None


def placeholder_answer(prompt: str) -> str:
    """Rule 3: `answer-` and the first 8 hex digits of the SHA-256 of the prompt."""
    return "answer-" + sha256_hex(prompt)[:8]


def builtin_answer(req: OracleRequest) -> str:
    """The built-in rules; a search candidate i gets the placeholder plus `-i`."""
    text = echo_answer(req.prompt)
    if text is None:
        from .arithmetic import arithmetic_answer  # loaded by the first answer, not at every start

        text = arithmetic_answer(req.prompt)
    if text is None:
        text = placeholder_answer(req.prompt)
        if req.op == "search":
            text += f"-{req.candidate}"
    return text


class ScriptedProvider:
    """Deterministic oracle. Per-rule infer counters make it stateful: one object per run."""

    kind = "scripted"

    def __init__(self, script: Script | None = None) -> None:
        self.script = script
        self._infer_counts: dict[int, int] = {}  # rule index -> infer calls it has answered

    def answer(self, req: OracleRequest) -> OracleAnswer:
        start = time.perf_counter()
        text = self._text(req)
        duration = (time.perf_counter() - start) * 1000.0
        return OracleAnswer(text, word_count(req.prompt), word_count(text), duration, "scripted", None)

    def _text(self, req: OracleRequest) -> str:
        if self.script is None:
            return builtin_answer(req)
        for index, rule in enumerate(self.script.rules):
            if rule.applies(req):
                return self._rule_text(index, rule, req)
        if self.script.fallback is not None:
            return self.script.fallback
        return builtin_answer(req)

    def _rule_text(self, index: int, rule: Rule, req: OracleRequest) -> str:
        if rule.value is not None:
            return rule.value
        if req.op == "search":
            assert req.candidate is not None
            return rule.values[(req.candidate - 1) % len(rule.values)]
        k = self._infer_counts.get(index, 0)
        self._infer_counts[index] = k + 1
        return rule.values[min(k, len(rule.values) - 1)]

    def close(self) -> None:
        """Nothing to release; present so every provider can be closed alike."""
