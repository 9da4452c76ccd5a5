"""Ctrl-C for the commands a user stops with it (`omega repl` at its prompt, `omega serve`)."""

from __future__ import annotations

import signal
import threading


def make_ctrl_c_deliverable() -> None:
    """Let SIGINT raise KeyboardInterrupt in this process even when it was started with SIGINT
    ignored (a background job, some CI runners: Python installs no handler then) or blocked (a
    signal mask inherited from the thread that forked us: it would never arrive). Main thread
    only: signal handlers live there."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
