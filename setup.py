"""Build Omega, compiling its step machine with mypyc when it can (issue 15).

`pip install .` compiles the modules of `COMPILED` into C extension modules when mypyc (declared
in pyproject's [build-system]) and a C compiler are available; the pure-Python modules remain the
fallback: a build that cannot compile installs the pure package. `OMEGA_BUILD_PURE=1` at install
time forces the pure build. At run time `OMEGA_PURE=1` makes an installed compiled build load the
Python modules instead (see omega_runtime/__init__.py).
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
# The machine and its values: everything on the step loop's path. host.py faces the operating
# system (files, processes, the oracle) and signals.py must run interpreted: both stay Python; primitives/ gain nothing compiled
# and would lose their docstrings (procedure-documentation, hover). dynamic.py and ports.py define
# standard procedures too (docstrings), and dynamic.py subclasses the interpreted, slotted
# Primitive, which a compiled module cannot do. interpreted.py serves the interpreted build only.
COMPILED = sorted(
    str(p.relative_to(HERE))
    for p in [*(HERE / "omega_runtime" / "machine").glob("*.py"), HERE / "omega_runtime" / "values.py"]
    if p.name not in {"__init__.py", "host.py", "signals.py", "dynamic.py", "ports.py", "interpreted.py"}
)


def c_compiler_present() -> bool:
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(os.environ.get("CC", cc).split()[0]) is not None


def ext_modules() -> list[object]:
    if os.environ.get("OMEGA_BUILD_PURE", "") not in ("", "0"):
        print("omega: OMEGA_BUILD_PURE set: pure-Python build", file=sys.stderr)
        return []
    if not c_compiler_present():
        print("omega: no C compiler: pure-Python build", file=sys.stderr)
        return []
    try:
        from mypyc.build import mypycify

        # The shared library lives inside the package, where an editable install finds it too.
        return list(mypycify(COMPILED, opt_level="3", debug_level="0", group_name="omega_runtime.machine._compiled"))
    except (Exception, SystemExit) as exc:  # mypyc missing, or its type check failed
        print(f"omega: mypyc cannot compile the machine ({exc!r}): pure-Python build", file=sys.stderr)
        return []


class OptionalBuildExt(build_ext):
    """A C compiler that fails leaves the pure-Python build, complete, instead of no install."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:
            print(f"omega: compiling the machine failed ({exc!r}): pure-Python build", file=sys.stderr)
            for ext in self.extensions:  # no half of a compiled build beside the sources
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
                if self.inplace or getattr(self, "editable_mode", False):
                    Path(HERE, self.get_ext_filename(ext.name)).unlink(missing_ok=True)
            self.extensions = []


setup(ext_modules=ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
