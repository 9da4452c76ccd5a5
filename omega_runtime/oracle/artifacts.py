"""A persistent, content-addressed cache of oracle answers.

An entry's address is the SHA-256 of the receipt id plus the cache's namespace (provider kind and
model), so answers from different models never mix while the receipt id stays model-free. Entries
are small JSON files under `DIRECTORY/ab/abcdef...json`, written atomically (temp file + rename),
so concurrent runs sharing a directory see whole entries or none. Unreadable entries are misses.
"""

from __future__ import annotations

import os

from .request import OracleAnswer, OracleRequest, sha256_hex


class ArtifactCache:
    def __init__(self, directory: str, *, oracle: str = "", model: str | None = None) -> None:
        self.directory = directory
        self.oracle = oracle
        self.model = model

    def key(self, req: OracleRequest) -> str:
        material = "\n".join((req.receipt_id(), self.oracle, self.model or ""))
        return sha256_hex(material)

    def path(self, req: OracleRequest) -> str:
        key = self.key(req)
        return os.path.join(self.directory, key[:2], key + ".json")

    def get(self, req: OracleRequest) -> OracleAnswer | None:
        import json  # loaded when the cache is used, not at every start

        try:
            with open(self.path(req), encoding="utf-8") as f:
                d = json.load(f)
            answer = OracleAnswer(
                text=d["text"],
                prompt_tokens=d["prompt_tokens"],
                completion_tokens=d["completion_tokens"],
                duration_ms=d["duration_ms"],
                oracle=d["oracle"],
                model=d["model"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        ok = (isinstance(answer.text, str) and _is_count(answer.prompt_tokens)
              and _is_count(answer.completion_tokens) and d.get("request") == req.canonical())
        return answer if ok else None

    def put(self, req: OracleRequest, answer: OracleAnswer) -> None:
        target = self.path(req)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        entry = {
            "request": req.canonical(),  # guards against (vanishingly unlikely) key collisions
            "text": answer.text,
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
            "duration_ms": answer.duration_ms,
            "oracle": answer.oracle,
            "model": answer.model,
        }
        import json
        import tempfile  # only when a cache is written (it imports `random`, `shutil`)

        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass") as f:
                json.dump(entry, f)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise


def _is_count(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0
