"""Reading machine states for a debugger (LANGUAGE.md 16.5, DEBUGGER.md 8-10): frames derived
from the continuation, the bindings of each frame with their surface names, globals, and
evaluation of expressions in a frame under the watch rules (on a copy of the state) or for real.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs
import immutables

from ..conditions import OmegaError
from ..core import Binding
from ..machine import frames as F
from ..machine.layout import GLOBAL_ENV, SLOT0, Layout
from ..machine.machine import Machine, MachineHalt, ProgramExit, Uncaught
from ..machine.procedures import Closure
from ..machine.state import NO_CHOICES, State
from ..span import Span
from ..values import MISSING, Symbol, sym

if TYPE_CHECKING:
    from ..interpreter import Interpreter

UNINITIALIZED = "<uninitialized>"


@attrs.define(eq=False)
class FrameInfo:
    """One row of a stack trace."""

    kind: str  # activation | top-level | label | subtle
    name: str
    span: Span | None
    env: Any = None  # the runtime environment this frame is evaluating in (activations, top-level)
    activation: Any = None  # the Activation frame (None for top-level and labels)
    raw: list[Any] = attrs.field(factory=list)  # this activation's continuation frames, innermost first
    can_restart: bool = False
    thread: int = 1  # the fiber (1: main) whose continuation holds this frame


@attrs.define(eq=False)
class BindingInfo:
    name: str  # display name: `x`, `x (shadowed)`, `tmp (from swap!)`
    surface: str
    value: Any  # UNINITIALIZED when a letrec binding is not yet set
    binding: Binding
    cell: Any  # store key when boxed, else None
    env: Any  # the runtime env tuple holding it
    slot: int
    evaluable: bool  # has an evaluateName (not shadowed, not macro-introduced)


class EvaluationError(Exception):
    """An evaluation failed: syntax, a condition, a refused effect, the step limit, cancellation."""


class WatchRefusal(MachineHalt):
    """A watch evaluation tried to change the program."""


class StepLimit(MachineHalt):
    pass


class Cancelled(MachineHalt):
    pass


def frames(st: State) -> list[FrameInfo]:
    """Activations innermost first, with extent labels and higher-order primitives between them
    and a `<top-level>` frame at the bottom (DEBUGGER.md 8)."""
    out: list[FrameInfo] = []
    here: Span | None = st.c.span if st.c is not None and not st.c.builtin else None
    env = st.e
    raw: list[Any] = []
    k = st.k
    if here is None and st.c is None and k is not None:
        here = _frame_span(k)
    dynamic_wind_above = False
    while k is not None:
        kc = k.__class__
        if kc is F.Activation:
            proc = k.proc
            builtin = isinstance(proc, Closure) and proc.lam.builtin
            if builtin:
                out.append(FrameInfo("subtle", k.name, k.site.span if k.site is not None else here, env, k, raw))
            else:
                out.append(FrameInfo("activation", k.name, here, env, k, raw, can_restart=not dynamic_wind_above))
            site = k.site  # None for an alternative resumed by a backtrack
            if site is not None and not site.builtin and site.span is not None:
                here = site.span
            raw = []
            env = _caller_env(k.next)
        elif kc is F.ExtentFrame:
            if k.ekind == "dynamic-wind":
                dynamic_wind_above = True
            out.append(FrameInfo("label", extent_label(k, st), k.node.span if k.node is not None else None))
        elif kc is F.HandleFrame:
            out.append(FrameInfo("label", k.label, k.node.span))
        elif kc is F.CallbackFrame and k.tag == "fixpoint" and k.args:
            fp = k.args[0]
            out.append(FrameInfo("label", f"fp-{fp.fid} · iteration {fp.iteration} of {fp.max_iter}", fp.span))
        elif kc is F.CallbackFrame and k.tag in ("force", "dynamic-wind"):
            out.append(FrameInfo("subtle", k.tag, k.args[-1].span if k.args and hasattr(k.args[-1], "span") else here))
        elif kc is F.ProgramFrame:
            pass
        else:
            raw.append(k)
            if here is None:
                here = _frame_span(k)
        k = k.next
    out.append(FrameInfo("top-level", "<top-level>", here, env, None, raw, can_restart=not dynamic_wind_above))
    return out


def top_span(st: State) -> Span | None:
    """Where the top frame of `st` is, as `frames` finds it (None when nothing has a span)."""
    c = st.c
    if c is not None and not c.builtin and c.span is not None:
        here: Span = c.span
        return here
    k = st.k
    while k is not None and k.__class__ is not F.Activation:
        span = _frame_span(k)
        if span is not None:
            return span
        k = k.next
    return None


def current_thread(st: State) -> int:
    """The id of the running fiber (1: main) in a state."""
    table = st.r.fibers
    return 1 if table is None else int(table.current)


def threads(st: State) -> list[tuple[int, str]]:
    """(id, name) of every live fiber in a state, main first (each fiber is a debugger thread)."""
    from ..machine.fibers import MAIN, fiber_name

    table = st.r.fibers
    if table is None:
        return [(MAIN, "main")]
    live = {table.current} | {s.fid for s in table.ready} | set(table.blocked) | {s.fid for _w, _o, s in table.sleeping}
    return [(fid, fiber_name(table, fid)) for fid in sorted(live)]


def all_frames(st: State) -> list[FrameInfo]:
    """The running fiber's frames first (so index 0 is the top frame of the stop), then every
    suspended fiber's, each frame tagged with its thread."""
    out = frames(st)
    current = current_thread(st)
    for f in out:
        f.thread = current
    table = st.r.fibers
    if table is None:
        return out
    waiting = list(table.ready) + list(table.blocked.values()) + [s for _w, _o, s in table.sleeping]
    for sus in sorted(waiting, key=lambda s: s.fid):
        fiber_state = st._replace(c=sus.c, v=sus.v, e=sus.e, k=sus.k)
        for f in frames(fiber_state):
            f.thread = sus.fid
            f.can_restart = False  # restartFrame works on the running fiber only
            out.append(f)
    return out


def _frame_span(k: Any) -> Span | None:
    node = getattr(k, "node", None)
    return getattr(node, "span", None) if node is not None and not getattr(node, "builtin", False) else None


def _caller_env(k: Any) -> Any:
    """The environment the caller was evaluating in: that of the nearest frame holding one."""
    while k is not None:
        if k.__class__ is F.Activation:
            return None
        env = getattr(k, "env", None)
        if env is not None:
            return env
        k = k.next
    return GLOBAL_ENV


def extent_label(k: Any, st: State | None = None) -> str:
    """An extent frame's name; a transaction's says its state in `st` (DEBUGGER.md 8)."""
    kind = k.ekind
    data = k.data
    if kind == "with-transaction":
        tx = next((tx for tx in st.r.txs if tx.tid == data), None) if st is not None else None
        if tx is None:
            return f"with-transaction tx-{data}"
        n = len(tx.proposals)
        return f"with-transaction tx-{data} · {tx.status} · {n} proposal{'' if n == 1 else 's'}"
    if kind == "with-budget":
        return "with-budget " + " ".join(f"{d} {_num(v)}" for d, v in data.limits)
    if kind == "handler-bind":
        return "handler-bind (" + " ".join(t.name for t in data[0]) + ")"
    if kind == "restart-case":
        return "restart-case (" + " ".join(c[0].name for c in k.node.info.clauses) + ")"
    if kind == "restart-bind":
        return "restart-bind (" + " ".join(n.name for n in data[0]) + ")"
    if kind == "prompt":
        from ..printer import display_repr

        tag = data[0]
        return f"call-with-prompt {display_repr(getattr(tag, 'name', tag), EMPTY_STORE)}"
    if kind == "with-capabilities":
        return "with-capabilities (" + " ".join(sorted(data)) + ")"
    if kind == "parameterize":
        return "parameterize (" + " ".join(data[0]) + ")"
    return str(kind)


EMPTY_STORE: Any = immutables.Map()  # a tag's name is immutable data: no store needed to print it


def _num(v: Any) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


def env_frames(env: Any, stop: Any = None) -> Iterator[tuple[Any, Layout]]:
    """Environment frames from `env` outward, up to (not including) `stop` or the global frame."""
    e = env
    while e is not None and e is not stop and e[0] is not None:
        yield e, e[1]
        e = e[0]


def bindings_of(st: State, env: Any, stop: Any = None, seen: set[str] | None = None) -> list[BindingInfo]:
    """Bindings of the frames from `env` to `stop`, outer to inner (as a Locals scope lists them)."""
    chain = list(env_frames(env, stop))
    out: list[BindingInfo] = []
    shadow = set(seen or ())
    for e, layout in chain:  # inner to outer to mark shadowing
        infos = []
        for i, b in enumerate(layout.bindings):
            slot = SLOT0 + i
            raw = e[slot]
            boxed = layout.boxed[i]
            value = st.s.get(raw, MISSING) if boxed else raw
            macro = b.macro is not None
            shadowed = b.name in shadow
            label = b.name + (f" (from {b.macro})" if macro else "") + (" (shadowed)" if shadowed else "")
            infos.append(BindingInfo(label, b.name, UNINITIALIZED if value is MISSING else value, b,
                                     raw if boxed else None, e, slot, not macro and not shadowed))
            if not macro:
                shadow.add(b.name)
        out = infos + out
    return out


def activation_locals(st: State, frame: FrameInfo) -> list[BindingInfo]:
    stop = frame.activation.proc.env if frame.activation is not None and isinstance(frame.activation.proc, Closure) else None
    if frame.env is None:
        return []
    return bindings_of(st, frame.env, stop)


def closure_bindings(st: State, frame: FrameInfo) -> list[BindingInfo]:
    if frame.activation is None or not isinstance(frame.activation.proc, Closure):
        return []
    inner = {b.surface for b in activation_locals(st, frame)}
    chain = bindings_of(st, frame.activation.proc.env, None, inner)
    # nearest first
    by_frame: list[BindingInfo] = []
    envs: list[Any] = []
    for info in chain:
        if info.env not in envs:
            envs.append(info.env)
    for e in reversed(envs):
        by_frame.extend(i for i in chain if i.env is e)
    return by_frame


def globals_of(st: State, interp: Interpreter) -> list[tuple[str, Any]]:
    """User definitions sorted by name; built-ins and the prelude only if the program redefined them."""
    base = interp.prelude_store
    out = []
    for key, value in st.s.items():
        if key.__class__ is Symbol:
            original = base.get(key, MISSING)
            if original is value:
                continue
            out.append((key.name, value))
    out.sort(key=lambda kv: kv[0])
    return out


def visible_bindings(env: Any) -> dict[str, Binding]:
    """Surface names visible in `env` (innermost wins; macro-introduced ones are not visible)."""
    out: dict[str, Binding] = {}
    for _e, layout in env_frames(env):
        for b in layout.bindings:
            if b.macro is None and b.name not in out:
                out[b.name] = b
    return out


# ---- evaluation ---------------------------------------------------------------------------------


@attrs.define
class Evaluation:
    value: Any
    changed: bool = False  # a real evaluation changed the state


COMPILED_CACHE = 512


class Evaluator:
    """Evaluates expressions in a frame of a state, on the runtime's one machine: the machine's
    state is saved and restored around a watch evaluation, so the program never changes."""

    def __init__(self, interp: Interpreter) -> None:
        self.interp = interp
        self.m: Machine = interp.machine
        # Watch-rule expressions (conditions, logpoints, watches) compiled once per text and
        # static scope: a conditional breakpoint in a loop is not re-read at every hit.
        self._compiled: dict[tuple[Any, ...], Any] = {}
        self._extra_layouts: dict[tuple[str, ...], Layout] = {}

    def compile(self, text: str, env: Any, source: str = "<watch>") -> Any:
        """`text` compiled in the scope of `env`; watch expressions are cached (debug console
        inputs are new sources each time)."""
        if source != "<watch>":
            return self._compile(text, env, source)
        key = (text, *(layout for _e, layout in env_frames(env)))
        node = self._compiled.get(key)
        if node is None:
            node = self._compile(text, env, source)
            if len(self._compiled) >= COMPILED_CACHE:
                del self._compiled[next(iter(self._compiled))]  # the oldest
            self._compiled[key] = node
        return node

    def forget_compiled(self) -> None:
        """Macros may have changed (a debug console input): compile watch expressions anew."""
        self._compiled.clear()

    def _compile(self, text: str, env: Any, source: str) -> Any:
        from ..expander import ExpandError

        result = self.interp.read(text, source)
        if result.diagnostics:
            d = result.diagnostics[0]
            raise EvaluationError(f"{d.span.start_line}:{d.span.start_col}: error {d.code}: {d.message}")
        if len(result.data) != 1:
            raise EvaluationError("expected one expression" if not result.data else "expected one expression, got more")
        try:
            core = self.interp.expander.expand_in_scope(result.data[0], visible_bindings(env))
        except ExpandError as exc:
            raise EvaluationError(f"{exc.span.start_line}:{exc.span.start_col}: error {exc.code}: {exc.message}") from exc
        return self.interp.compiler.compile_in_env(core, env)

    def with_extras(self, st: State, env: Any, extras: dict[str, Any]) -> tuple[Any, Any]:
        """`env` extended with a frame binding `extras` (e.g. `condition` in filter conditions)."""
        if not extras:
            return env, st
        names = tuple(extras)
        layout = self._extra_layouts.get(names)
        if layout is None:  # one layout per set of names, so compiled conditions are reused
            bindings = [Binding(name, None, "let") for name in names]
            layout = self._extra_layouts[names] = Layout(bindings, [False] * len(bindings), "let")
        return (env, layout, *extras.values()), st

    def watch(self, text: str, st: State, env: Any, extras: dict[str, Any] | None = None,
              limit: int = 100_000, cancel: Any = None) -> Any:
        """The value of `text` in `env` at state `st`; the machine ends as it was."""
        env, st = self.with_extras(st, env, extras or {})
        node = self.compile(text, env)
        m = self.m
        saved = m.snapshot()
        saved_hooks = m.hooks
        host = m.services
        saved_out = host.stdout
        saved_watchers = _mute_watchers(host)
        guard = WatchGuard(st, m.nc, limit, cancel)
        m.hooks = [guard.hook]
        host.stdout = lambda s: None
        m.watch = guard
        recording = _stop_recording(m)  # an evaluation inside a recorded run is not history
        try:
            m.restore(st)
            m.r = m.r._replace(choices=NO_CHOICES)
            m.c, m.e, m.k = node, env, None
            m.reset_check()
            try:
                return m.run()
            except WatchRefusal as exc:
                raise EvaluationError(str(exc)) from None
            except StepLimit:
                raise EvaluationError(f"evaluation stopped after {limit:,} steps") from None
            except Cancelled:
                raise EvaluationError("cancelled") from None
            except Uncaught as exc:
                raise EvaluationError(f"{exc.condition.ctype.name}: {m.condition_text(exc.condition)}") from None
            except ProgramExit:
                raise EvaluationError("exit is not allowed in a watch expression") from None
        finally:
            m.watch = None
            m.hooks = saved_hooks
            m.record, m.trap_nodes, m.every_step = recording
            host.stdout = saved_out
            _restore_watchers(host, saved_watchers)
            m.restore(saved)

    def real(self, node: Any, st: State, env: Any, cancel: Any = None) -> tuple[Any, State]:
        """Evaluate `node` (compiled in `env`) for real (the debug console): effects happen;
        returns the value and the new state, or raises EvaluationError with the machine back at
        `st` (all or nothing)."""
        m = self.m
        saved_hooks = m.hooks
        guard = WatchGuard(st, m.nc, None, cancel)
        m.hooks = [guard.hook]
        recording = _stop_recording(m)
        try:
            m.restore(st)
            k0 = st.k
            m.c, m.e = node, env
            m.k = None
            m.reset_check()
            try:
                value = m.run()
            except Cancelled:
                m.restore(st)
                raise EvaluationError("cancelled") from None
            except Uncaught as exc:
                from ..results import format_report

                m.restore(st)
                raise EvaluationError(format_report(exc.condition, exc.backtrace, m.condition_text(exc.condition))) from None
            except ProgramExit:
                m.restore(st)
                raise EvaluationError("exit is not allowed in the debug console") from None
            new = m.snapshot()._replace(c=st.c, v=st.v, e=st.e, k=k0)
            m.restore(new)
            return value, new
        finally:
            m.hooks = saved_hooks
            m.record, m.trap_nodes, m.every_step = recording


class WatchGuard:
    """Refuses changes to the program during a watch evaluation and bounds its steps."""

    def __init__(self, st: State, nc: int, limit: int | None, cancel: Any) -> None:
        from ..values import next_serial

        self.store = st.s
        self.nc = st.nc
        self.serial = next_serial()
        self.limit = limit
        self.start_t: int | None = None
        self.cancel = cancel

    def hook(self, m: Machine) -> None:
        if self.start_t is None:
            self.start_t = m.t
        if self.limit is not None and m.t - self.start_t > self.limit:
            raise StepLimit()
        if self.cancel is not None and self.cancel():
            raise Cancelled()

    def check_write(self, m: Machine, key: Any) -> None:
        from ..printer import write_repr

        if isinstance(key, int):
            existed = key < self.nc
            name = f"cell {key}"
        elif isinstance(key, Symbol):
            existed = key in self.store
            name = key.name
        else:
            container = key[0] if isinstance(key, tuple) else key
            existed = getattr(container, "serial", self.serial) < self.serial
            name = write_repr(container, m.s)
        if existed:
            self.refuse(f"writes {name}")

    def check_effect(self, op: str) -> None:
        self.refuse(f"{op} is refused")

    def refuse(self, what: str) -> None:
        raise WatchRefusal(f"Watch expressions cannot change the program: {what}")


def _stop_recording(m: Machine) -> tuple[Any, Any, bool]:
    """Detach a debugger's recording from the machine; returns what to put back."""
    saved = (m.record, m.trap_nodes, m.every_step)
    m.record, m.trap_nodes, m.every_step = None, (), False
    return saved


def _mute_watchers(host: Any) -> dict[str, list[Any]]:
    names = ["write_watchers", "signal_watchers", "uncaught_watchers", "rollback_watchers", "fail_watchers",
             "backtrack_watchers", "oracle_watchers", "request_watchers", "call_watchers"]
    saved = {n: getattr(host, n) for n in names}
    for n in names:
        setattr(host, n, [])
    return saved


def _restore_watchers(host: Any, saved: dict[str, list[Any]]) -> None:
    for n, v in saved.items():
        setattr(host, n, v)


__all__ = ["frames", "activation_locals", "closure_bindings", "globals_of", "Evaluator", "EvaluationError",
           "FrameInfo", "BindingInfo", "UNINITIALIZED", "OmegaError", "sym"]
