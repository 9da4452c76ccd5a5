"""The session subsystem: the current session's id, evaluation count and top-level definitions,
saved to a file (or kept in memory) and loaded back so that a new process resumes with identical
results.

A saved session holds the source of every top-level definition evaluated without an error, in
order, with the receipts of the oracle calls each made. Loading re-evaluates the definitions with
those receipts replayed (`ReplayProvider`), so no oracle call is repeated; requests the receipts
do not cover go to the runtime's own oracle.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .. import core as C
from ..oracle import OracleAnswer, OracleRequest, Receipt, ReplayMiss, ReplayProvider
from ..printer import write_repr
from ..records import NamedTuple
from ..syntax import Atom, SList, Syntax, to_value
from ..values import Symbol

if TYPE_CHECKING:
    from ..interpreter import PreparedForm

FORMAT = "omega-session/1"
DEFINERS = frozenset({"define", "define-syntax", "define-record-type"})


class Definition(NamedTuple):
    source: str  # the form's text
    file: str  # where it was read from
    receipts: tuple[Receipt, ...] = ()  # oracle calls its evaluation made, in order


def is_definition(form: Syntax) -> bool:
    """A top-level `define`, `define-syntax`, `define-record-type`, or a `begin` holding one."""
    stack = [form]
    while stack:
        f = stack.pop()
        if isinstance(f, SList) and f.items and isinstance(f.items[0], Atom) and isinstance(f.items[0].value, Symbol):
            head = f.items[0].value.name
            if head in DEFINERS:
                return True
            if head == "begin":
                stack.extend(f.items[1:])
    return False


def defines_global(core: Any) -> bool:
    """The expanded form defines a global (a macro such as `define-expert` expanding to define)."""
    stack = [core]
    while stack:
        node = stack.pop()
        if isinstance(node, C.DefineGlobal):
            return True
        if isinstance(node, C.Seq):
            stack.extend(node.exprs)
    return False


class ResumeProvider:
    """Answers from the saved receipts first (the k-th request with an id gets the k-th saved
    receipt with that id), then from the runtime's own oracle."""

    def __init__(self, receipts: list[Receipt], fallback: Any) -> None:
        self.replay = ReplayProvider(receipts)
        self.fallback = fallback
        self.kind = getattr(fallback, "kind", "scripted")
        self.replayed = 0

    def answer(self, req: OracleRequest) -> OracleAnswer:
        try:
            got = self.replay.answer(req)
        except ReplayMiss:
            return self.fallback.answer(req)  # type: ignore[no-any-return]
        self.replayed += 1
        return got

    def close(self) -> None:
        close = getattr(self.fallback, "close", None)
        if close is not None:
            close()


class Session:
    def __init__(self, runtime: Any, store: str = "file") -> None:
        self._rt = runtime
        self.store = store  # file | memory
        self.id = os.urandom(16).hex()  # 128 random bits (uuid would import ~2 ms of modules)
        self.eval_count = 0
        self._definitions: list[Definition] = []
        self._memory: dict[str, Any] | None = None
        self.closed = False
        self.load_errors: list[str] = []  # reports of definitions that failed when loaded
        self._program: tuple[list[PreparedForm], str | None] = ([], None)
        self._receipts_by_form: dict[int, list[Receipt]] = {}

    @property
    def definitions(self) -> list[str]:
        """The source of the top-level definitions evaluated so far, in order."""
        return [d.source for d in self._definitions]

    @property
    def history_position(self) -> int:
        return self.eval_count

    def begin_program(self, forms: list[PreparedForm], text: str | None) -> None:
        """The forms the next evaluation runs (their definitions are recorded once run)."""
        self._program = (forms, text)
        self._receipts_by_form = {}

    def on_llm_complete(self, data: Any) -> None:
        """Attribute each answered oracle call to the top-level form that made it."""
        receipt = self._rt.receipt_log.latest(data["id"])
        if receipt is not None:
            self._receipts_by_form.setdefault(self._rt.machine.r.form, []).append(receipt)

    def on_eval_complete(self, result: Any) -> None:
        """Count the evaluation and record the definitions among the forms that completed: all of
        them, or those before the form that stopped the program."""
        self.eval_count += 1
        forms, text = self._program
        self._program = ([], None)
        failed = result is not None and (result.condition is not None or result.exit_code is not None)
        done = min(self._rt.machine.r.form, len(forms)) if failed else len(forms)
        for i in range(done):
            prepared = forms[i]
            if prepared.error is None and (is_definition(prepared.syntax) or defines_global(prepared.core)):
                self._definitions.append(Definition(self._source(prepared.syntax, text), prepared.syntax.span.file,
                                                    tuple(self._receipts_by_form.get(i, ()))))

    def _source(self, form: Syntax, text: str | None) -> str:
        span = form.span
        if text is not None and 0 <= span.start_offset < span.end_offset <= len(text):
            piece = text[span.start_offset:span.end_offset]
            if piece.startswith("("):
                return piece
        return write_repr(to_value(form), {})

    # ---- saving and loading -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "id": self.id,
            "eval_count": self.eval_count,
            "history_position": self.history_position,
            "definitions": [{"source": d.source, "file": d.file, "receipts": [r.to_dict() for r in d.receipts]}
                            for d in self._definitions],
            "receipts": [r.to_dict() for r in self._rt.receipt_log.receipts],
        }

    def save(self, path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
        """Write the session to `path` (JSON); with the memory store and no path, keep it in
        memory for `load()`. Returns what was saved."""
        data = self.to_dict()
        if path is None:
            if self.store != "memory":
                raise ValueError("session.save needs a path (the session store is 'file')")
            self._memory = data
            return data
        import json  # loaded when a session is saved or restored, not at every start

        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, ensure_ascii=False, indent=1))
        return data

    def load(self, source: str | os.PathLike[str] | dict[str, Any] | None = None) -> None:
        """Resume a saved session in this runtime: re-evaluate its definitions with their
        receipts replayed, then take its id and evaluation count."""
        data = self._read(source)
        saved = [Definition(d["source"], d.get("file", "<session>"),
                            tuple(Receipt.from_dict(r) for r in d.get("receipts", ())))
                 for d in data.get("definitions", ())]
        receipts = [r for d in saved for r in d.receipts]
        host = self._rt.host
        if receipts:
            host.provider = ResumeProvider(receipts, host.provider)
        self.load_errors = []
        for d in saved:
            result = self._rt.eval(d.source, source=d.file)
            if not result.ok:
                self.load_errors.append(result.report or "; ".join(x.format() for x in result.diagnostics))
        self.id = str(data.get("id", self.id))
        self.eval_count = int(data.get("eval_count", self.eval_count))

    def _read(self, source: str | os.PathLike[str] | dict[str, Any] | None) -> dict[str, Any]:
        if source is None:
            if self._memory is None:
                raise ValueError("no session saved in memory")
            return self._memory
        if isinstance(source, dict):
            data = source
        else:
            import json

            with open(source, encoding="utf-8") as f:
                data = json.loads(f.read())
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not an Omega session (expected format {FORMAT})")
        return data

    def close(self) -> None:
        self.closed = True


__all__ = ["Session", "ResumeProvider", "Definition", "is_definition"]
