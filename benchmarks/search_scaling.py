"""How searches and effects scale (issue 15), against cesk.py where it runs the program.

    python benchmarks/search_scaling.py [--sizes 5000 10000 20000] [--build pure compiled]

Eight shapes, each at sizes that double, run as `omega run` and `python3 cesk.py`, whole
process, best of `--repeat`, interleaved; printed are milliseconds per 1,000 operations and the
ratio to cesk.py measured in the same run:

* pending: a loop makes one `amb` per iteration and keeps every choice point pending;
* deep amb: an `amb` at every level of a non-tail recursion (the continuation deepens);
* deep effect: an effect at every level of a non-tail recursion, handled by a tail-resumptive
  handler at the bottom (cesk.py has no effects: Omega alone);
* deep signal: a `raise-continuable` at every level, handled below the recursion (Omega alone);
* tx sequence, tx nesting: transactions one after another, and one inside another at every
  level of a recursion (Omega alone);
* collect: an `amb-collect` gathering n values (Omega alone);
* stream: the n-th element of an infinite stream, every forced promise kept in the store (Omega
  alone; what the program leaves alive also weighs on the interpreter's exit).

Per-operation times that stay flat as the size doubles mean O(1) per operation. Before issue 15
each choice copied every pending choice point, each choice and effect walked the whole
continuation to find its amb-collect or handler, and each resume copied the captured frames:
20,000 pending took 2.7 s, 20,000 deep ambs 39.8 s, 5,000 deep effects 82 s, 8,000 deep signals
4.2 s; each outermost commit looked at every transaction of the run, and each transaction operation
searched the open ones from the outermost: 8,000 in sequence took 0.87 s, 8,000 nested 3.2 s;
each value an `amb-collect` gathered copied all those before it: 80,000 values took 12.4 s (pure);
the interpreter's exit walked every object a program left alive several times: the 80,000-element
stream took 3.7 s, 2.0 of them exiting (pure).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from machine import Run, cesk_whole, find_bench_ref, omega_whole

SHAPES: dict[str, tuple[Callable[[int], str], bool]] = {
    "pending": (lambda n: f"(define (go i acc)\n  (if (= i {n}) acc (go (+ i 1) (+ acc (amb 1 2)))))\n"
                          "(go 0 0)\n", True),
    "deep amb": (lambda n: f"(define (f n) (if (= n 0) 0 (+ (amb 1 2) (f (- n 1)))))\n(f {n})\n", True),
    "deep effect": (lambda n: f"(define (f n) (if (= n 0) 0 (+ (effect tick) (f (- n 1)))))\n"
                              f"(handle (f {n}) (on tick (k) (k 1)))\n", False),
    "deep signal": (lambda n: f"(define (f n) (if (= n 0) 0 (+ (raise-continuable 'tick) (f (- n 1)))))\n"
                              f"(with-exception-handler (lambda (c) 1) (lambda () (f {n})))\n", False),
    "tx sequence": (lambda n: f"(define (f n acc) (if (= n 0) acc (f (- n 1) (+ acc (with-transaction 1)))))\n"
                              f"(f {n} 0)\n", False),
    "tx nesting": (lambda n: f"(define (f n) (if (= n 0) 0 (+ 1 (with-transaction (f (- n 1))))))\n(f {n})\n", False),
    "collect": (lambda n: f"(define (upto i n) (if (> i n) (amb) (amb i (upto (+ i 1) n))))\n"
                          f"(length (amb-collect (upto 1 {n})))\n", False),
    "stream": (lambda n: f"(stream-ref (integers-from 0) {n})\n", False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 10_000, 20_000])
    parser.add_argument("--build", nargs="+", choices=("pure", "compiled"), default=["pure", "compiled"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ref = find_bench_ref()
    if ref is None:
        sys.exit("search_scaling: cesk.py not found (set OMEGA_SHARED to the contracts directory)")
    print(f"whole process, best of {args.repeat}: ms per 1,000 operations (ratio to cesk.py)")
    with tempfile.TemporaryDirectory() as tmp:
        for shape, (make, has_ref) in SHAPES.items():
            for n in args.sizes:
                path = Path(tmp) / f"{shape.replace(' ', '-')}-{n}.omg"
                path.write_text(make(n), encoding="utf-8")
                runs: dict[str, list[Run]] = {name: [] for name in (*(["cesk"] if has_ref else []), *args.build)}
                for _ in range(args.repeat):
                    if has_ref:
                        runs["cesk"].append(cesk_whole(ref, path))
                    for build in args.build:
                        runs[build].append(omega_whole(build, path))
                cesk = min(r.seconds for r in runs["cesk"]) if has_ref else None
                line = f"{shape:<12}{n:>7,}  " + (f"cesk.py {1e6 * cesk / n:6.1f} ms" if cesk else " " * 18)
                for build in args.build:
                    best = min(runs[build], key=lambda r: r.seconds)
                    line += f"   {build} {1e6 * best.seconds / n:6.1f} ms"
                    line += f" {best.seconds / cesk:5.2f}x" if cesk else " " * 7
                    if best.result != str(n):
                        line += f" (result {best.result!r}, expected {n})"
                print(line)


if __name__ == "__main__":
    main()
