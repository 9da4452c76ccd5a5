"""Omega's CESK machine against `reference_machine.py` (issues 2 and 3), and the oracle overhead.

The performance target of issue 15 is measured by `machine.py` against the shared bare machine
(`../shared/bench-ref/cesk.py`); this older comparison stays for its amb programs and the oracle
figures.

For each program of `benchmarks/programs/` it prints Omega's wall time, steps and steps per
second, the same for `reference_machine.py` measured in the same run, and the ratio (Omega time /
reference time), then checks that both machines computed the same result and prints it. A
summary line compares the ratios of issue 2's four programs with the 2.0x target (the amb searches
of issue 3 have no target: their figures are reported). The oracle benchmark runs on Omega only:
N scripted `ask-llm` calls against the same loop with a plain primitive call instead, giving the
oracle and receipt overhead per call in microseconds (receipts kept in memory, then also written
to a JSON Lines file).

Only the evaluation of the benchmark's main expression is timed: creating the runtime and
loading the program's definitions are excluded, on both machines.

    python benchmarks/reference_programs.py [--quick] [--repeat N] [--program NAME ...] [--profile NAME]

`--quick` uses smaller sizes, `--repeat N` keeps the best of N runs, `--program` selects
programs, `--profile NAME` runs that program on Omega under cProfile and prints the hot spots
instead of benchmarking. Exit status 1 when the two machines disagree on a result.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import math
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run as a script or with -m: the reference machine sits beside us
    sys.path.insert(0, str(HERE))

from reference_machine import ReferenceMachine, write  # noqa: E402

from omega_runtime.runtime import OmegaRuntime  # noqa: E402

PROGRAMS_DIR = HERE / "programs"
TARGET = 2.0


@dataclass(frozen=True)
class Program:
    name: str
    file: str
    main: str  # the timed expression; `{n}` is the size
    size: int
    quick_size: int
    label: str  # `{n}` is the size
    targeted: bool = True  # issue 2's 2.0x target; the amb searches (issue 3) report figures only

    def source(self) -> str:
        return (PROGRAMS_DIR / self.file).read_text(encoding="utf-8")


PROGRAMS = [
    Program("fib", "fib.omega", "(fib {n})", 25, 18, "fib {n}"),
    Program("tail-loop", "tail-loop.omega", "(tail-loop {n})", 1_000_000, 100_000, "tail loop, {n:,} iterations"),
    Program("deep-recursion", "deep-recursion.omega", "(deep-sum {n})", 100_000, 20_000,
            "non-tail recursion, {n:,} deep"),
    Program("strings", "strings.omega", "(build-strings {n})", 20_000, 2_000, "string building, {n:,} pieces"),
    Program("dwelling", "dwelling.omega", "(dwelling-runs {n})", 5, 1, "multiple dwelling (amb), {n} runs",
            targeted=False),
    Program("triples", "triples.omega", "(triples {n})", 30, 20, "Pythagorean triples <= {n} (amb)", targeted=False),
]
ORACLE_CALLS = 10_000
ORACLE_CALLS_QUICK = 1_000


@dataclass
class Measure:
    seconds: float  # wall time
    cpu: float  # this process's CPU time: steadier than wall time on a loaded machine
    steps: int
    result: str

    @property
    def rate(self) -> float:
        return self.steps / self.seconds if self.seconds > 0 else math.inf


def best(runs: list[Measure]) -> Measure:
    """The fastest wall time and the least CPU time among `runs` (of the same program)."""
    fastest = min(runs, key=lambda m: m.seconds)
    return Measure(fastest.seconds, min(m.cpu for m in runs), fastest.steps, fastest.result)


def best_of(repeat: int, once: Callable[[], Measure]) -> Measure:
    """The best of `repeat` runs (each run gets a fresh machine from `once`)."""
    return best([once() for _ in range(repeat)])


class Timer:
    """Wall and CPU time of a `with` block."""

    def __enter__(self) -> Timer:
        gc.collect()  # start every timed run with the same heap state
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def omega_once(defs: str, main: str, config: dict[str, Any] | None = None) -> Measure:
    rt = OmegaRuntime.create(config)
    try:
        loaded = rt.eval(defs, source="<benchmark>")
        if not loaded.ok:
            raise RuntimeError(f"Omega could not load the program: {loaded.report or loaded.diagnostics}")
        with Timer() as timer:
            r = rt.eval(main)
        if not r.ok:
            raise RuntimeError(f"Omega failed on {main}: {r.report or r.diagnostics}")
        return Measure(timer.wall, timer.cpu, r.steps, r.printed)
    finally:
        rt.dispose()


def reference_once(defs: str, main: str) -> Measure:
    m = ReferenceMachine()
    m.eval(defs)
    before = m.steps
    with Timer() as timer:
        value = m.eval(main)
    return Measure(timer.wall, timer.cpu, m.steps - before, write(value))


def geomean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."


def compare(programs: list[Program], quick: bool, repeat: int) -> bool:
    """Benchmark `programs` on both machines; False when some result differs."""
    header = (f"{'program':<38} {'omega s':>8} {'omega steps':>12} {'Msteps/s':>8}   "
              f"{'ref s':>8} {'ref steps':>12} {'Msteps/s':>8}   {'ratio':>6} {'cpu ratio':>9}")
    print(header)
    print("-" * len(header))
    ratios: list[tuple[str, float]] = []  # wall-time ratios
    cpu_ratios: list[float] = []
    results: list[tuple[str, str, str]] = []
    for prog in programs:
        n = prog.quick_size if quick else prog.size
        main = prog.main.format(n=n)
        defs = prog.source()
        om_runs, ref_runs = [], []
        for _ in range(repeat):  # interleaved, so that a change in machine load hits both alike
            om_runs.append(omega_once(defs, main))
            ref_runs.append(reference_once(defs, main))
        om, ref = best(om_runs), best(ref_runs)
        ratio = om.seconds / ref.seconds
        label = prog.label.format(n=n)
        if prog.targeted:
            ratios.append((label, ratio))
            cpu_ratios.append(om.cpu / ref.cpu)
        results.append((label, om.result, ref.result))
        print(f"{label:<38} {om.seconds:>8.3f} {om.steps:>12,} {om.rate / 1e6:>8.2f}   "
              f"{ref.seconds:>8.3f} {ref.steps:>12,} {ref.rate / 1e6:>8.2f}   {ratio:>5.2f}x "
              f"{om.cpu / ref.cpu:>8.2f}x", flush=True)
    print()
    same = True
    for label, omega_result, ref_result in results:
        if omega_result == ref_result:
            print(f"result  {label:<38} both: {short(omega_result)}")
        else:
            same = False
            print(f"result  {label:<38} DIFFERENT\n  omega:     {short(omega_result)}\n"
                  f"  reference: {short(ref_result)}")
    if ratios:
        geo = geomean([r for _, r in ratios])
        worst_label, worst = max(ratios, key=lambda x: x[1])
        met = sum(1 for _, r in ratios if r <= TARGET)
        verdict = "MET" if met == len(ratios) else "NOT MET"
        print(f"\nsummary: Omega/reference time ratio: geometric mean {geo:.2f}x, worst {worst:.2f}x "
              f"({worst_label}); target <= {TARGET:.1f}x {verdict} on {met}/{len(ratios)} targeted programs"
              f" (CPU-time ratios: geometric mean {geomean(cpu_ratios):.2f}x, worst {max(cpu_ratios):.2f}x)"
              f"; results {'identical' if same else 'DIFFER'}")
    return same


def oracle_benchmark(quick: bool, repeat: int) -> None:
    """Omega only: the per-call cost of a scripted oracle call with its receipt, over a plain
    primitive call in the same loop."""
    n = ORACLE_CALLS_QUICK if quick else ORACLE_CALLS
    defs = (PROGRAMS_DIR / "oracle.omega").read_text(encoding="utf-8")
    plain = best_of(repeat, lambda: omega_once(defs, f"(plain-loop {n})"))
    calls = best_of(repeat, lambda: omega_once(defs, f"(oracle-loop {n})"))
    with tempfile.TemporaryDirectory() as tmp:
        log = str(Path(tmp) / "receipts.jsonl")
        logged = best_of(repeat, lambda: omega_once(defs, f"(oracle-loop {n})", {"receipts": log}))
        written = sum(1 for _ in open(log, encoding="utf-8"))
    per_call = (calls.seconds - plain.seconds) / n * 1e6
    per_call_file = (logged.seconds - plain.seconds) / n * 1e6
    print(f"\noracle (Omega only): {n:,} scripted ask-llm calls")
    print(f"  plain loop (string-append instead)  {plain.seconds:>7.3f} s  {plain.steps:>10,} steps  "
          f"{plain.seconds / n * 1e6:>7.1f} us/iteration")
    print(f"  oracle loop, receipts in memory      {calls.seconds:>7.3f} s  {calls.steps:>10,} steps  "
          f"{calls.seconds / n * 1e6:>7.1f} us/iteration")
    print(f"  oracle loop, receipts to JSONL file  {logged.seconds:>7.3f} s  {logged.steps:>10,} steps  "
          f"{logged.seconds / n * 1e6:>7.1f} us/iteration  ({written:,} receipts written)")
    print(f"  oracle + receipt overhead per call: {per_call:.1f} us (in memory), {per_call_file:.1f} us (to file); "
          f"result {short(calls.result, 40)}")


def profile(prog: Program, quick: bool, top: int = 30) -> None:
    """Run `prog` on Omega under cProfile; print the functions with the most own time."""
    n = prog.quick_size if quick else prog.size
    rt = OmegaRuntime.create()
    loaded = rt.eval(prog.source(), source="<benchmark>")
    if not loaded.ok:
        raise RuntimeError(loaded.report)
    profiler = cProfile.Profile()
    profiler.enable()
    r = rt.eval(prog.main.format(n=n))
    profiler.disable()
    rt.dispose()
    print(f"profile of Omega on {prog.label.format(n=n)}: {r.steps:,} steps, result {short(r.printed, 60)}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Omega's machine against the bare reference machine.")
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--repeat", type=int, default=1, metavar="N", help="best of N runs (default 1)")
    names = [p.name for p in PROGRAMS] + ["oracle"]
    parser.add_argument("--program", action="append", choices=names, help="run only these programs")
    parser.add_argument("--profile", choices=[p.name for p in PROGRAMS], help="profile one program on Omega")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.profile:
        profile(next(p for p in PROGRAMS if p.name == args.profile), args.quick)
        return 0
    chosen = args.program or names
    print(f"Omega machine vs reference machine ({'quick' if args.quick else 'full'} sizes, best of {args.repeat}, "
          f"Python {sys.version.split()[0]})\n")
    same = compare([p for p in PROGRAMS if p.name in chosen], args.quick, args.repeat)
    if "oracle" in chosen:
        oracle_benchmark(args.quick, args.repeat)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
