"""Data breakpoint targets (DEBUGGER.md 6.4): which variable, slot or entry a data breakpoint
on a shown value or an evaluateName watches, and how a stop names it."""

from __future__ import annotations

from typing import Any

from ..printer import write_repr
from ..values import MISSING, HashTable, Record, Symbol, Vector, sym
from . import inspector as I
from .inspector import BindingInfo, EvaluationError
from .values_view import VarNode
from .views_base import WATCH_LIMIT, ViewsBase


class DataTargets(ViewsBase):
    """dataBreakpointInfo: the dataId of a place, and the store keys the controller watches."""

    def data_breakpoint_info(self, parent: VarNode | None, name: str,
                             frame_index: int | None) -> tuple[str | None, str, bool]:
        """(dataId or None, description, canPersist) per DEBUGGER.md 6.4."""
        if parent is not None:
            child = None
            if parent.fetch is not None:
                for n in parent.fetch(0, None, None):
                    if n.name == name:
                        child = n
                        break
            if child is None:
                return None, f"{name} is not a child of {parent.name}", False
            return self.target_info(child.set_target, name, child)
        return self.target_info(self.resolve_place(name, frame_index), name, None)

    def target_info(self, target: Any, name: str, node: VarNode | None) -> tuple[str | None, str, bool]:
        data_id, description, persist = self._target_info(target, name, node)
        if data_id is not None:  # a stop names the target as its description does
            self.c.data_names[data_id] = description.split(" (", 1)[0]
        return data_id, description, persist

    def _target_info(self, target: Any, name: str, node: VarNode | None) -> tuple[str | None, str, bool]:
        keys: dict[tuple[int, str], Any] = self.c.data_slot_keys
        if target is None:
            if node is not None and node.type in ("pair",) or name.startswith(("(car", "(cdr", "(list-ref")):
                return None, f"{name} is a pair element: pairs are immutable, so it cannot change", False
            return None, f"{name} cannot change or is not a variable", False
        kind = target[0]
        if kind == "global":
            return f"global:{target[1]}", f"{target[1]} (global)", True
        if kind == "binding":
            b: BindingInfo = target[1]
            if b.cell is None:
                return None, f"{b.surface} is never assigned, so it cannot change", False
            where = self._binding_owner(target[2])
            return f"cell:{b.cell}", f"{b.surface} (local in {where}, cell {b.cell})", False
        if kind == "vector":
            vec, i = target[1], target[2]
            keys[(vec.serial, str(i))] = (vec, i)
            return f"cell:{vec.serial}:{i}", f"{name} (vector slot {i}, cell {vec.serial})", False
        if kind == "record":
            rec, i = target[1], target[2]
            field = rec.rtype.fields[i]
            keys[(rec.serial, field)] = (rec, i)
            return f"cell:{rec.serial}:{field}", f"{name} (field {field} of {rec.rtype.name}, cell {rec.serial})", False
        if kind == "hash":
            table, key = target[1], target[2]
            rest = "key:" + write_repr(key, self.state.s)
            keys[(table.serial, rest)] = table
            return f"cell:{table.serial}:{rest}", f"{name} (hash-table entry, cell {table.serial})", False
        return None, f"{name} cannot change", False

    def _binding_owner(self, frame_index: int | None) -> str:
        fs = self.frames()
        i = 0 if frame_index is None else frame_index
        if 0 <= i < len(fs):
            return fs[i].name
        return "<top-level>"

    def resolve_place(self, text: str, frame_index: int | None) -> Any:
        """A set_target descriptor for an evaluateName shape: a variable, `(vector-ref v i)`,
        `(hash-table-ref h k)` or a record accessor `(point-x p)`; None for anything else.
        Raises EvaluationError when a part fails to evaluate."""
        from ..syntax import Atom, SList

        result = self.rt.interpreter.read(text, "<place>")
        if result.diagnostics or len(result.data) != 1:
            raise EvaluationError(f"not a place: {text}")
        form = result.data[0]
        st = self._check_state()
        if isinstance(form, Atom) and isinstance(form.value, Symbol):
            return self.variable_target(form.value.name, frame_index)
        if not isinstance(form, SList) or not form.items or not isinstance(form.items[0], Atom):
            return None
        head = form.items[0].value
        if not isinstance(head, Symbol):
            return None
        env = self.frame_env(frame_index)
        parts = [text[p.span.start_offset:p.span.end_offset] for p in form.items[1:]]

        def ev(part: str) -> Any:
            return self.evaluator.watch(part, st, env, None, limit=WATCH_LIMIT)

        hname = head.name
        if hname == "vector-ref" and len(parts) == 2:
            vec, i = ev(parts[0]), ev(parts[1])
            if isinstance(vec, Vector) and isinstance(i, int) and 0 <= i < len(vec):
                return ("vector", vec, i)
            raise EvaluationError(f"{text} is not a vector slot")
        if hname in ("hash-table-ref", "hash-table-ref/default") and len(parts) >= 2:
            table, key = ev(parts[0]), ev(parts[1])
            if isinstance(table, HashTable):
                return ("hash", table, key)
            raise EvaluationError(f"{text} is not a hash-table entry")
        if len(parts) == 1 and hname not in ("car", "cdr", "force", "fact", "list-ref"):
            rec = ev(parts[0])
            if isinstance(rec, Record):
                prefix = rec.rtype.name + "-"
                if hname.startswith(prefix) and hname[len(prefix):] in rec.rtype.fields:
                    return ("record", rec, rec.rtype.fields.index(hname[len(prefix):]))
        return None

    def variable_target(self, name: str, frame_index: int | None) -> Any:
        st = self._check_state()
        fs = self.frames()
        i = 0 if frame_index is None else frame_index
        while i < len(fs) and fs[i].kind not in ("activation", "top-level"):
            i += 1
        if i < len(fs):
            for b in reversed(I.activation_locals(st, fs[i])):
                if b.surface == name and b.evaluable:
                    return ("binding", b, i)
            for b in I.closure_bindings(st, fs[i]):
                if b.surface == name and b.evaluable:
                    return ("binding", b, i)
        if self.rt.machine.global_in(st.s, sym(name)) is not MISSING:
            return ("global", name)
        return None


__all__ = ["DataTargets"]
