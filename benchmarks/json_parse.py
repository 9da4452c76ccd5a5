"""A program that parses a 1 MB JSON answer with `string->json` and walks it (LANGUAGE.md 17.5),
against Python's `json.loads` on the same text, measured in the same run.

    python benchmarks/json_parse.py [--size-mb 1.0] [--repeat 3]

The answer is an array of records (`id`, `name`, `tags`, `score`, `active`, `owner` object). The
Omega program converts it with one `string->json` call (one machine step), then walks every
record with `assq` and `vector-ref`, summing scores and counting tags. The reference does the same
with `json.loads` and a Python loop. Printed: wall times (best of --repeat), the machine steps, and
the ratio Omega / reference for the parse alone and for the whole program.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from omega_runtime.runtime import OmegaRuntime  # noqa: E402

WALK = """
(define (walk records)
  (let loop ((i 0) (score 0.0) (tags 0))
    (if (= i (vector-length records))
        (list (vector-length records) score tags)
        (let ((r (vector-ref records i)))
          (loop (+ i 1)
                (+ score (cdr (assq 'score r)))
                (+ tags (vector-length (cdr (assq 'tags r)))))))))
"""


def make_answer(size_mb: float) -> str:
    rng = random.Random(7)
    records = []
    text_size = 0
    i = 0
    while text_size < size_mb * 1_000_000:
        rec = {"id": i, "name": f"item-{i} ünïcode ☕", "tags": [rng.choice("abcdefg") * rng.randint(1, 5)
                                                               for _ in range(rng.randint(0, 6))],
               "score": round(rng.random() * 100, 3), "active": rng.random() < 0.5,
               "owner": {"name": f"user{rng.randint(1, 999)}", "email": None, "level": rng.randint(1, 9)}}
        records.append(rec)
        text_size += len(json.dumps(rec, ensure_ascii=False)) + 2
        i += 1
    return json.dumps(records, ensure_ascii=False)


def reference(text: str) -> tuple[float, float, list[float]]:
    t0 = time.perf_counter()
    records = json.loads(text)
    t1 = time.perf_counter()
    score = 0.0
    tags = 0
    for r in records:
        score += r["score"]
        tags += len(r["tags"])
    t2 = time.perf_counter()
    return t1 - t0, t2 - t0, [len(records), score, tags]


def omega(rt: OmegaRuntime, text: str) -> tuple[float, float, int, str]:
    rt.eval(f"(define answer {json.dumps(text, ensure_ascii=False)})", source="bench.omega")  # untimed
    t0 = time.perf_counter()
    parsed = rt.eval("(define records (string->json answer))", source="bench.omega")
    t1 = time.perf_counter()
    walked = rt.eval("(walk records)", source="bench.omega")
    t2 = time.perf_counter()
    assert parsed.condition is None and walked.condition is None, (parsed.condition, walked.condition)
    return t1 - t0, t2 - t0, parsed.steps + walked.steps, walked.printed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    text = make_answer(args.size_mb)
    best_ref = (float("inf"), float("inf"))
    best_omega = (float("inf"), float("inf"))
    steps = 0
    expected: list[float] = []
    got = ""
    for _ in range(args.repeat):
        rp, rt_total, expected = reference(text)
        best_ref = (min(best_ref[0], rp), min(best_ref[1], rt_total))
        with OmegaRuntime.create(config={"history": False}) as rt:
            rt.eval(WALK, source="bench.omega")
            op, ot, steps, got = omega(rt, text)
        best_omega = (min(best_omega[0], op), min(best_omega[1], ot))
    n, score, tags = expected
    same = got.split()[0] == f"({int(n)}" and got.split()[2] == f"{int(tags)})"
    print(f"JSON answer: {len(text) / 1e6:.2f} MB, {int(n)} records; Omega result {got} "
          f"({'matches' if same else 'DIFFERS from'} the reference's count {int(n)} and tags {int(tags)})")
    print(f"{'':28}{'Omega':>10}{'reference':>12}{'ratio':>8}")
    print(f"{'parse (string->json)':28}{best_omega[0] * 1000:>8.1f}ms{best_ref[0] * 1000:>10.1f}ms"
          f"{best_omega[0] / best_ref[0]:>7.2f}x")
    print(f"{'parse + walk':28}{best_omega[1] * 1000:>8.1f}ms{best_ref[1] * 1000:>10.1f}ms"
          f"{best_omega[1] / best_ref[1]:>7.2f}x")
    print(f"machine steps for parse + walk: {steps}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
