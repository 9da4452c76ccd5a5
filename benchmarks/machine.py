"""Omega's machine against the bare reference machine `cesk.py` (issue 15's targets).

The yardstick is `../shared/bench-ref/cesk.py` (found through `$OMEGA_SHARED/bench-ref` or
`../shared/bench-ref` beside the repository) and its six programs. For each build of Omega that is
installed — `pure` (the Python modules, forced at run time by `OMEGA_PURE=1`) and `compiled` (the
mypyc extension modules, when `pip install` built them) — it measures, interleaved with the
reference in the same run and keeping the best of N:

* whole process: `omega run P.omg` against `python3 cesk.py P.omg`, start-up included (the target);
* in process: Omega's `OmegaRuntime.eval` of the program's text in a runtime created beforehand
  (reading, expanding and compiling the program included, creating the runtime not) against the
  run time `cesk.py` reports for itself (its reading and compiling excluded) — for information;
* start-up: `omega run` of a one-line program against `cesk.py` running the same line.

Programs where cesk.py takes under 0.3 s (and the one-line start-up) are measured in three
times as many rounds: there start-up, where the noise is, is most of the time.

Every process runs with bytecode caching on (PYTHONDONTWRITEBYTECODE removed), as for a user; the
first of the N runs may write the caches, the best of N is kept.

Targets: pure <= 1.5x and compiled <= 1.0x of `cesk.py` on every program whole process, start-up
<= 4x. Each ratio is printed with its target and whether it is met.

    python benchmarks/machine.py [--repeat N] [--program NAME ...] [--build pure|compiled]
                                 [--no-inprocess] [--profile NAME]

`--profile NAME` runs that program in process under cProfile (in this process's build) and prints
the hot spots instead. Exit status 1 when a machine's result differs from the reference's, 2 when
the reference is missing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROGRAMS = ["fib25", "loop1m", "deep100k", "dwelling", "pyth", "str"]
ONE_LINE = "(+ 1 2)"
TARGETS = {"pure": 1.5, "compiled": 1.0}
STARTUP_TARGET = 4.0
# A program that runs for a tenth of a second is mostly start-up, where this machine's noise is
# largest relative to the run: the best of more rounds (still interleaved) is kept for it.
SHORT_SECONDS, SHORT_ROUNDS = 0.3, 3


def find_bench_ref() -> Path | None:
    candidates = []
    if os.environ.get("OMEGA_SHARED"):
        candidates.append(Path(os.environ["OMEGA_SHARED"]) / "bench-ref")
    candidates.append(HERE.parent.parent / "shared" / "bench-ref")
    candidates.append(HERE / "bench-ref")  # the copy this repository carries
    return next((c for c in candidates if (c / "cesk.py").is_file()), None)


def base_python() -> str:
    """The interpreter without this virtualenv's site-packages: what `python3 cesk.py` runs on."""
    return getattr(sys, "_base_executable", None) or sys.executable


def omega_command() -> list[str]:
    script = Path(sys.executable).parent / "omega"
    return [str(script)] if script.exists() else [sys.executable, "-m", "omega_runtime.cli"]


def clean_env() -> dict[str, str]:
    """The environment of every measured process: bytecode caching on (as for any user; a
    PYTHONDONTWRITEBYTECODE=1 shell would otherwise make Omega recompile its ~100 modules at
    every start while `cesk.py` is one file)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def build_env(build: str) -> dict[str, str]:
    env = clean_env()
    env.pop("OMEGA_PURE", None)
    if build == "pure":
        env["OMEGA_PURE"] = "1"
    return env


def installed_build(build: str) -> bool:
    """Whether `build` is what Omega loads with `build_env(build)` (`compiled` needs the extensions)."""
    probe = "import omega_runtime.machine.machine as m; print(m.__file__)"
    out = subprocess.run([sys.executable, "-c", probe], env=build_env(build), capture_output=True, text=True)
    if out.returncode != 0:
        return False
    compiled = not out.stdout.strip().endswith(".py")
    return compiled == (build == "compiled")


@dataclass
class Run:
    seconds: float
    result: str


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({out.returncode}): {out.stderr.strip()[-500:]}")
    return seconds, out.stdout


def cesk_whole(ref: Path, program: Path) -> Run:
    seconds, out = timed([base_python(), str(ref / "cesk.py"), str(program)], clean_env())
    return Run(seconds, json.loads(out.strip().splitlines()[-1])["result"])


def cesk_inprocess(ref: Path, program: Path) -> Run:
    _, out = timed([base_python(), str(ref / "cesk.py"), str(program)], clean_env())
    line = json.loads(out.strip().splitlines()[-1])
    return Run(float(line["runS"]), line["result"])


def omega_whole(build: str, program: Path) -> Run:
    seconds, out = timed([*omega_command(), "run", str(program)], build_env(build))
    return Run(seconds, out.strip().splitlines()[-1] if out.strip() else "")


INPROCESS_WORKER = """
import sys, time, json
from omega_runtime.runtime import OmegaRuntime
text = open(sys.argv[1], encoding="utf-8").read()
rt = OmegaRuntime.create()
t0 = time.perf_counter()
r = rt.eval(text, source=sys.argv[1])
seconds = time.perf_counter() - t0
if not r.ok:
    raise SystemExit(r.report)
print(json.dumps({"seconds": seconds, "result": r.printed, "steps": r.steps}))
"""


def omega_inprocess(build: str, program: Path) -> Run:
    _, out = timed([sys.executable, "-c", INPROCESS_WORKER, str(program)], build_env(build))
    line = json.loads(out.strip().splitlines()[-1])
    return Run(float(line["seconds"]), line["result"])


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:5.2f}x  (target <= {target:.1f}x: {'met' if ratio <= target else 'NOT met'})"


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.seconds)


def compare(ref: Path, builds: list[str], programs: list[str], repeat: int, inprocess: bool) -> tuple[bool, bool]:
    """Print the figures; (every result agrees with the reference, every target met)."""
    same, met = True, True
    width = 10
    for label, measure_omega, measure_ref in (
        [("whole process (omega run vs python3 cesk.py, start-up included)", omega_whole, cesk_whole)]
        + ([("in process (eval of the program vs cesk.py's own run time; information)",
             omega_inprocess, cesk_inprocess)] if inprocess else [])
    ):
        targeted = measure_omega is omega_whole
        print(f"\n{label}, best of {repeat} ({SHORT_ROUNDS * repeat} where cesk.py takes under "
              f"{SHORT_SECONDS} s), interleaved")
        head = f"{'program':<{width}} {'cesk.py s':>9}"
        for b in builds:
            head += f"  {b + ' s':>10}  {'ratio':<34}"
        print(head)
        for name in programs:
            path = ref / f"{name}.omg"
            ref_runs: list[Run] = []
            om_runs: dict[str, list[Run]] = {b: [] for b in builds}
            rounds = repeat
            while len(ref_runs) < rounds:
                ref_runs.append(measure_ref(ref, path))
                for b in builds:
                    om_runs[b].append(measure_omega(b, path))
                if ref_runs[0].seconds < SHORT_SECONDS:
                    rounds = SHORT_ROUNDS * repeat
            r = best(ref_runs)
            line = f"{name:<{width}} {r.seconds:>9.3f}"
            for b in builds:
                o = best(om_runs[b])
                ratio = o.seconds / r.seconds
                if targeted:
                    met = met and ratio <= TARGETS[b]
                    line += f"  {o.seconds:>10.3f}  {verdict(ratio, TARGETS[b]):<34}"
                else:
                    line += f"  {o.seconds:>10.3f}  {ratio:5.2f}x{'':<28}"
                if o.result[:60] != r.result[:60]:  # cesk.py prints at most 60 characters
                    same = False
                    line += f"\n    {b} result {o.result[:60]!r} differs from cesk.py's {r.result[:60]!r}"
            print(line, flush=True)
    return same, met


def startup(ref: Path, builds: list[str], repeat: int) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one.omg"
        path.write_text(ONE_LINE + "\n", encoding="utf-8")
        ref_runs: list[Run] = []
        om_runs: dict[str, list[Run]] = {b: [] for b in builds}
        for _ in range(repeat):
            ref_runs.append(cesk_whole(ref, path))
            for b in builds:
                om_runs[b].append(omega_whole(b, path))
    r = best(ref_runs)
    print(f"\nstart-up: a one-line program {ONE_LINE}, best of {repeat}, interleaved")
    met = True
    print(f"{'cesk.py':<10} {r.seconds:>9.3f} s")
    for b in builds:
        o = best(om_runs[b])
        ratio = o.seconds / r.seconds
        met = met and ratio <= STARTUP_TARGET
        print(f"{'omega ' + b:<18} {o.seconds:>9.3f} s  {verdict(ratio, STARTUP_TARGET)}")
    return met


def profile(ref: Path, name: str, top: int = 30) -> None:
    from omega_runtime.runtime import OmegaRuntime

    text = (ref / f"{name}.omg").read_text(encoding="utf-8")
    rt = OmegaRuntime.create()
    profiler = cProfile.Profile()
    profiler.enable()
    r = rt.eval(text, source=name)
    profiler.disable()
    rt.dispose()
    print(f"profile of Omega on {name}: {r.steps:,} steps, result {r.printed[:60]}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Omega's machine against the bare reference machine cesk.py.")
    parser.add_argument("--repeat", type=int, default=3, metavar="N", help="best of N runs (default 3)")
    parser.add_argument("--program", action="append", choices=PROGRAMS, help="run only these programs")
    parser.add_argument("--build", action="append", choices=list(TARGETS), help="measure only these builds")
    parser.add_argument("--no-inprocess", action="store_true", help="skip the in-process figures")
    parser.add_argument("--profile", choices=PROGRAMS, help="profile one program in process")
    args = parser.parse_args(argv)
    ref = find_bench_ref()
    if ref is None:
        print("benchmarks/machine.py: the reference machine is missing: set OMEGA_SHARED to the shared "
              "contracts directory (it holds bench-ref/cesk.py) or put them in ../shared beside the repository",
              file=sys.stderr)
        return 2
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.profile:
        profile(ref, args.profile)
        return 0
    builds = []
    for b in args.build or list(TARGETS):
        if installed_build(b):
            builds.append(b)
        else:
            print(f"({b} build not installed: not measured"
                  f"{'; pip install a non-pure build with a C compiler present' if b == 'compiled' else ''})")
    if not builds:
        return 2
    print(f"Omega ({', '.join(builds)}) vs {ref / 'cesk.py'}; Python {sys.version.split()[0]}")
    met = startup(ref, builds, SHORT_ROUNDS * args.repeat)
    same, met_programs = compare(ref, builds, args.program or PROGRAMS, args.repeat, not args.no_inprocess)
    print(f"\nsummary: targets {'all met' if met and met_programs else 'NOT all met'}; "
          f"results {'identical to cesk.py' if same else 'DIFFER'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
