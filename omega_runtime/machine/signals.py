"""Kept interpreted in a compiled build (setup.py leaves it out): Python runs pending signal
handlers, such as Ctrl-C's KeyboardInterrupt, only when it executes interpreted code, which a
compiled step loop may never do; its slow path calls `poll_signals` now and then."""

from __future__ import annotations


def poll_signals() -> None:
    """Entering this function lets Python run pending signal handlers (they may raise)."""
