"""The `openai` oracle (LANGUAGE.md 5.4): any OpenAI-compatible chat-completions endpoint.

`POST {base}/chat/completions` with `{"model": M, "messages": [{"role": "user", "content": P}]}`,
`Authorization: Bearer KEY` only when a key is set. The answer is `choices[0].message.content`
trimmed; tokens come from `usage`, else word counts. 429 and 5xx replies are retried a bounded
number of times with exponential backoff (a small `Retry-After` is honoured); every other failure
is an OracleFailure with a one-line detail. The API key is redacted from every detail and never
shown by `repr`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeGuard

import httpx

from .request import OracleAnswer, OracleFailure, OracleRequest, word_count

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT = 120.0
_EXCERPT = 200  # characters of an error body quoted in a failure detail


class OpenAIProvider:
    kind = "openai"

    def __init__(
        self,
        base_url: str | None = None,
        model: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        attempts: int = 3,
        backoff: float = 0.5,
        max_retry_after: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.model = model or None
        self._api_key = api_key or None
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self._client = httpx.Client(timeout=timeout)

    @property
    def url(self) -> str:
        return self.base_url + "/chat/completions"

    def __repr__(self) -> str:
        key = "set" if self._api_key else "unset"
        return f"OpenAIProvider(base_url={self.base_url!r}, model={self.model!r}, api_key=<{key}>)"

    def answer(self, req: OracleRequest) -> OracleAnswer:
        if self.model is None:
            raise OracleFailure("no model configured (set OMEGA_LLM_MODEL)")
        start = time.perf_counter()
        try:
            data = self._post({"model": self.model, "messages": [{"role": "user", "content": req.prompt}]})
            text, prompt_tokens, completion_tokens = self._parse(data, req.prompt)
        except OracleFailure as exc:
            raise OracleFailure(self._redact(exc.detail)) from None
        duration = (time.perf_counter() - start) * 1000.0
        return OracleAnswer(text, prompt_tokens, completion_tokens, duration, "openai", self.model)

    def close(self) -> None:
        self._client.close()

    def _post(self, body: dict[str, Any]) -> Any:
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        url = self.url
        for attempt in range(1, self.attempts + 1):
            try:
                resp = self._client.post(url, json=body, headers=headers)
            except httpx.TimeoutException:
                raise OracleFailure(f"no reply from {url} within {self.timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise OracleFailure(f"cannot reach {url}: {_describe(exc)}") from None
            except Exception as exc:  # invalid URL or header: still an oracle-error, never a crash
                raise OracleFailure(f"request to {url} failed: {_describe(exc)}") from None
            status = resp.status_code
            if status == 429 or 500 <= status <= 599:
                if attempt < self.attempts:
                    self._sleep(self._delay(attempt, resp))
                    continue
                raise OracleFailure(f"HTTP {status} from {url} after {attempt} attempts{_excerpt(resp)}")
            if not 200 <= status <= 299:
                raise OracleFailure(f"HTTP {status} from {url}{_excerpt(resp)}")
            try:
                return resp.json()
            except ValueError:
                raise OracleFailure(f"malformed reply from {url}: not JSON{_excerpt(resp)}") from None
        raise AssertionError("unreachable: the loop returns or raises")

    def _delay(self, attempt: int, resp: httpx.Response) -> float:
        """Retry-After when it is a small number of seconds, else exponential backoff."""
        header = resp.headers.get("retry-after")
        if header is not None:
            try:
                seconds = float(header)
            except ValueError:
                seconds = -1.0
            if 0 <= seconds <= self.max_retry_after:
                return seconds
        return float(self.backoff * 2 ** (attempt - 1))

    def _parse(self, data: Any, prompt: str) -> tuple[str, int, int]:
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            content = None
        if not isinstance(content, str):
            raise OracleFailure(f"malformed reply from {self.url}: no string choices[0].message.content")
        text = content.strip()
        usage = data.get("usage") if isinstance(data, dict) else None
        pt = usage.get("prompt_tokens") if isinstance(usage, dict) else None
        ct = usage.get("completion_tokens") if isinstance(usage, dict) else None
        if _is_count(pt) and _is_count(ct):
            return text, pt, ct
        return text, word_count(prompt), word_count(text)

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "[redacted]") if self._api_key else text


def _is_count(v: Any) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _describe(exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _excerpt(resp: httpx.Response) -> str:
    try:
        body = " ".join(resp.text.split())
    except Exception:  # undecodable body: the status says enough
        return ""
    if not body:
        return ""
    return ": " + (body[:_EXCERPT] + "..." if len(body) > _EXCERPT else body)
