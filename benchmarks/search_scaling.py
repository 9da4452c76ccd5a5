"""How a search scales with the number of pending choice points (issue 15), against cesk.py.

    python benchmarks/search_scaling.py [--sizes 10000 20000 40000] [--build pure compiled]

A loop makes one `amb` per iteration and keeps every choice point pending (its first alternative
always succeeds). Each size runs as `omega run` and as `python3 cesk.py`, whole process, best of
`--repeat`, interleaved; printed are milliseconds per 1,000 choices and the ratio to cesk.py in the
same run. Per-choice times that stay flat as the size doubles mean that a choice costs O(1)
however many are pending (before issue 15 each one copied all of them: 20,000 took 2.7 s).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from machine import Run, cesk_whole, find_bench_ref, omega_whole


def program(n: int) -> str:
    return f"(define (go i acc)\n  (if (= i {n}) acc (go (+ i 1) (+ acc (amb 1 2)))))\n(go 0 0)\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    parser.add_argument("--build", nargs="+", choices=("pure", "compiled"), default=["pure", "compiled"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ref = find_bench_ref()
    if ref is None:
        sys.exit("search_scaling: cesk.py not found (set OMEGA_SHARED to the contracts directory)")
    print(f"pending choice points, whole process, best of {args.repeat}: ms per 1,000 choices (ratio to cesk.py)")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"pending{n}.omg"
            path.write_text(program(n), encoding="utf-8")
            runs: dict[str, list[Run]] = {name: [] for name in ("cesk", *args.build)}
            for _ in range(args.repeat):
                runs["cesk"].append(cesk_whole(ref, path))
                for build in args.build:
                    runs[build].append(omega_whole(build, path))
            cesk = min(r.seconds for r in runs["cesk"])
            line = f"{n:>8,}  cesk.py {1e6 * cesk / n:7.1f} ms"
            for build in args.build:
                best = min(runs[build], key=lambda r: r.seconds)
                line += f"   {build} {1e6 * best.seconds / n:7.1f} ms {best.seconds / cesk:5.2f}x"
                if best.result != str(n):
                    line += f" (result {best.result!r}, expected {n})"
            print(line)


if __name__ == "__main__":
    main()
