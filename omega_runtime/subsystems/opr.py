"""Structured oracle calls (OPR): a named kernel asks the oracle for JSON matching an output
schema, validates the answer and retries a bounded number of times.

From Omega (defined in `omega_runtime/experts.omega`):

    (opr-call kernel schema prompt [max-attempts])

`kernel` is a symbol naming the call; `schema` is JSON-schema-like, given as JSON text or as an
association list (`'((type . object) (required name) (properties (name (type . string))))`);
`max-attempts` defaults to 3. Each attempt performs `(effect infer.op PROMPT)` (so handlers,
receipts and budgets apply), where PROMPT names the kernel, shows the schema, the attempt number
and, after a failed attempt, its validation error. The first valid answer is returned as Omega
data: objects as association lists with symbol keys, arrays as lists, null as `()`. When every
attempt fails, `opr-failed` is signalled (an error) whose data are the attempts, oldest first,
each an association list with keys `attempt prompt response error receipt`.

Supported schema keywords: `type` (object array string number integer boolean null, or a list
of them), `properties`, `required`, `additionalProperties` (false), `items`, `enum`, `minimum`,
`maximum`, `minItems`, `maxItems`, `minLength`, `maxLength`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError
from ..primitives.registry import primitive
from ..values import NIL, Keyword, Pair, Symbol, list_to_python, sym
from .state import to_omega, to_python

if TYPE_CHECKING:
    from ..results import EvalResult
    from .state import StateCoordinator

TYPES = ("object", "array", "string", "number", "integer", "boolean", "null")


def _type_of(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def _matches_type(v: Any, t: str) -> bool:
    actual = _type_of(v)
    return actual == t or (t == "number" and actual == "integer")


def validate(schema: dict[str, Any], value: Any) -> list[str]:
    """Every way `value` (decoded JSON) fails `schema`, as `PATH: problem` (empty: valid)."""
    import json  # loaded by the first structured call, not at every start

    errors: list[str] = []
    work: list[tuple[str, Any, Any]] = [("$", schema, value)]
    while work:
        path, sch, v = work.pop()
        if not isinstance(sch, dict):
            continue
        t = sch.get("type")
        if t is not None:
            types = t if isinstance(t, list) else [t]
            if not any(_matches_type(v, x) for x in types):
                errors.append(f"{path}: expected {' or '.join(map(str, types))}, got {json.dumps(v)}")
                continue
        if "enum" in sch and v not in sch["enum"]:
            errors.append(f"{path}: {json.dumps(v)} is not one of {json.dumps(sch['enum'])}")
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if "minimum" in sch and v < sch["minimum"]:
                errors.append(f"{path}: {v} is less than the minimum {sch['minimum']}")
            if "maximum" in sch and v > sch["maximum"]:
                errors.append(f"{path}: {v} is more than the maximum {sch['maximum']}")
        if isinstance(v, str):
            if "minLength" in sch and len(v) < sch["minLength"]:
                errors.append(f"{path}: shorter than {sch['minLength']} characters")
            if "maxLength" in sch and len(v) > sch["maxLength"]:
                errors.append(f"{path}: longer than {sch['maxLength']} characters")
        if isinstance(v, list):
            if "minItems" in sch and len(v) < sch["minItems"]:
                errors.append(f"{path}: fewer than {sch['minItems']} items")
            if "maxItems" in sch and len(v) > sch["maxItems"]:
                errors.append(f"{path}: more than {sch['maxItems']} items")
            items = sch.get("items")
            if isinstance(items, dict):
                work.extend((f"{path}[{i}]", items, x) for i, x in reversed(list(enumerate(v))))
        if isinstance(v, dict):
            props = sch.get("properties", {})
            for key in sch.get("required", []):
                if key not in v:
                    errors.append(f"{path}: missing required key {json.dumps(key)}")
            if sch.get("additionalProperties") is False:
                for key in v:
                    if key not in props:
                        errors.append(f"{path}: unexpected key {json.dumps(key)}")
            if isinstance(props, dict):
                work.extend((f"{path}.{k}", s, v[k]) for k, s in reversed(list(props.items())) if k in v)
    return errors


def extract_json(text: str) -> Any:
    """The JSON in an oracle answer: the whole text, else a fenced block, else the first
    balanced-looking object or array. ValueError when there is none."""
    import json

    candidates = [text.strip()]
    fence = re.search(r"```(?:json)?\s*(.*?)```", text, re.S)
    if fence:
        candidates.append(fence.group(1).strip())
    for open_ch, close_ch in (("{", "}"), ("[", "]")):
        start, end = text.find(open_ch), text.rfind(close_ch)
        if 0 <= start < end:
            candidates.append(text[start:end + 1])
    for c in candidates:
        try:
            return json.loads(c)
        except ValueError:
            continue
    raise ValueError("the answer is not JSON")


def schema_from_omega(schema: Any) -> dict[str, Any]:
    """A schema given as JSON text or as an Omega association list, as a dict."""
    import json

    if isinstance(schema, str):
        try:
            out = json.loads(str(schema))
        except ValueError as exc:
            raise OmegaError("value-error", f"opr-call: the schema is not valid JSON: {exc}", (schema,)) from None
    else:
        out = _alist_to_json(schema)
    if not isinstance(out, dict):
        raise OmegaError("value-error", "opr-call: the schema must be an object", (schema,))
    return out


def _alist_to_json(v: Any) -> Any:
    """Association lists become objects, other lists arrays, symbols strings (iterative)."""
    results: list[Any] = []
    stack: list[tuple[Any, int]] = [(v, -1)]
    while stack:
        x, n = stack.pop()
        if n >= 0:
            vals = results[len(results) - n:] if n else []
            del results[len(results) - n:]
            if x is None:  # an array
                results.append(vals)
            else:  # an object: x is the key list
                results.append(dict(zip(x, vals, strict=True)))
            continue
        items = list_to_python(x) if isinstance(x, Pair) else None
        if items is not None and all(isinstance(i, Pair) and isinstance(i.car, (Symbol, Keyword, str)) for i in items):
            keys = [i.car.name if isinstance(i.car, (Symbol, Keyword)) else str(i.car) for i in items]
            stack.append((keys, len(items)))
            # (key . atom) gives the atom; (key a b ...) gives the list (a b ...)
            stack.extend((i.cdr, -1) for i in reversed(items))
        elif items is not None:
            stack.append((None, len(items)))
            stack.extend((i, -1) for i in reversed(items))
        elif x is NIL:
            results.append([])
        elif isinstance(x, (Symbol, Keyword)):
            results.append(x.name)
        else:
            results.append(to_python(x))
    return results[0]


def json_to_omega(v: Any) -> Any:
    """Decoded JSON as Omega data: objects are association lists with symbol keys."""
    return to_omega(v)


def attempt_prompt(kernel: str, schema_text: str, prompt: str, attempt: int, max_attempts: int,
                   last_error: str | None) -> str:
    lines = [f"[{kernel}] {prompt}",
             f"Answer with JSON only, matching this schema: {schema_text}",
             f"Attempt {attempt} of {max_attempts}."]
    if last_error:
        lines.append(f"The previous answer was invalid: {last_error}")
    return "\n".join(lines)


# ---- primitives used by experts.omega ---------------------------------------------------------


@primitive("%opr-schema", 1, derives=False, signature="(%opr-schema schema)")
def _opr_schema(schema: Any) -> str:
    """The schema as canonical JSON text."""
    import json

    return json.dumps(schema_from_omega(schema), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@primitive("%opr-prompt", 6, derives=False,
           signature="(%opr-prompt kernel schema-text prompt attempt max-attempts last-error)")
def _opr_prompt(kernel: Any, schema_text: Any, prompt: Any, attempt: Any, max_attempts: Any, last_error: Any) -> str:
    """The prompt of one attempt."""
    name = kernel.name if isinstance(kernel, (Symbol, Keyword)) else str(kernel)
    return attempt_prompt(name, str(schema_text), str(prompt), int(attempt), int(max_attempts),
                          None if last_error is False else str(last_error))


@primitive("%opr-check", 2, derives=False, signature="(%opr-check schema-text answer)")
def _opr_check(schema_text: Any, answer: Any) -> Any:
    """`(ok . value)` or `(error . message)`."""
    import json

    if not isinstance(answer, str):
        return Pair(sym("error"), "the answer is not a string")
    try:
        value = extract_json(str(answer))
    except ValueError as exc:
        return Pair(sym("error"), str(exc))
    errors = validate(json.loads(str(schema_text)), value)
    if errors:
        return Pair(sym("error"), "; ".join(errors))
    return Pair(sym("ok"), json_to_omega(value))


@primitive("%opr-check-attempts", 1, derives=False, signature="(%opr-check-attempts n)")
def _opr_check_attempts(n: Any) -> Any:
    """n, checked to be a positive integer."""
    if n.__class__ is bool or not isinstance(n, int) or n < 1:
        raise OmegaError("value-error", "opr-call: max-attempts must be a positive integer", (n,))
    return n


class OPRIntegration:
    def __init__(self, state: StateCoordinator) -> None:
        self._state = state

    def call(self, kernel: str, schema: dict[str, Any] | str, prompt: str, max_attempts: int = 3) -> EvalResult:
        """`(opr-call 'kernel schema prompt max-attempts)` as an evaluation."""
        import json

        text = schema if isinstance(schema, str) else json.dumps(schema)
        return self._state.call("opr-call", sym(kernel), text, prompt, max_attempts)

    @staticmethod
    def validate(schema: dict[str, Any], value: Any) -> list[str]:
        return validate(schema, value)

    def attempts(self, result: EvalResult) -> list[dict[str, Any]]:
        """The attempts of a failed call (`opr-failed`), as dicts."""
        cond = result.condition
        if cond is None or cond.ctype.name != "opr-failed":
            return []
        out = []
        for attempt in list_to_python(cond.data) or []:
            pairs = list_to_python(attempt) or []
            out.append({p.car.name: to_python(p.cdr) for p in pairs if isinstance(p, Pair)})
        return out


__all__ = ["OPRIntegration", "validate", "extract_json", "schema_from_omega", "attempt_prompt", "TYPES"]
