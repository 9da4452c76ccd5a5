"""Setting breakpoints on a DebugController (DEBUGGER.md 6): line, function and data breakpoints
and exception filters, bound to the nodes of the sources the controller knows."""

from __future__ import annotations

from typing import Any

from ..values import Symbol, sym
from .breakpoints import FILTER_IDS, Breakpoint, function_body_nids, parse_hit_condition
from .controller_state import ControllerState


class BreakpointSettings(ControllerState):

    def _new_id(self) -> int:
        self._bp_ids += 1
        return self._bp_ids

    def set_line_breakpoints(self, file: str, specs: list[dict[str, Any]]) -> list[Breakpoint]:
        """Replace the breakpoints of `file`. `specs`: line, column, condition, hitCondition,
        logMessage. Ids and hit counts persist for identical breakpoints."""
        old = {bp.key: bp for bp in self.line_bps.get(file, [])}
        out: list[Breakpoint] = []
        source = self.sources.get(file)
        table = source.line_table if source is not None else None
        for spec in specs:
            line = int(spec["line"])
            column = spec.get("column")
            key = (file, line, column, spec.get("condition"), spec.get("hitCondition"))
            bp = old.pop(key, None)
            if bp is None:
                bp = Breakpoint(self._new_id(), "line", False, key=key, source=file,
                                known_from=self.history.newest if self.history.states else 0)
            bp.condition = spec.get("condition") or None
            bp.log_message = spec.get("logMessage") or None
            bp.message = None
            bp.reason = None
            hit_text = spec.get("hitCondition")
            bp.hit_text = hit_text
            bp.hit_condition = parse_hit_condition(hit_text) if hit_text else None
            if hit_text and bp.hit_condition is None:
                bp.verified, bp.reason, bp.message = False, "failed", f'Invalid hit condition "{hit_text}"'
                bp.nids = frozenset()
            elif table is None:
                name = file.rsplit("/", 1)[-1]
                bp.verified, bp.reason = False, "failed"
                bp.message = "This file is not part of the program being debugged" if self.file else \
                    "The program is not launched yet"
                if self.attached:
                    bp.reason, bp.message = "pending", f"Pending: the session has not loaded {name} yet"
                bp.line = line
                bp.nids = frozenset()
            else:
                node, real = table.bind(line, column)
                if node is None:
                    name = file.rsplit("/", 1)[-1]
                    bp.verified, bp.reason, bp.line = False, "failed", line
                    bp.message = f"Line {line} is past the end of {name} ({table.last_line} lines)"
                    bp.nids = frozenset()
                else:
                    span = node.span
                    assert span is not None
                    bp.verified = True
                    bp.nids = frozenset([node.nid])
                    bp.line, bp.column, bp.end_line, bp.end_column = (span.start_line, span.start_col,
                                                                      span.end_line, span.end_col)
                    if real != line:
                        bp.message = f"Moved from line {line}: no expression starts there"
            out.append(bp)
        self.line_bps[file] = out
        self._reindex()
        return out

    def set_function_breakpoints(self, specs: list[dict[str, Any]]) -> list[Breakpoint]:
        out = []
        old = {bp.key: bp for bp in self.function_bps}
        for spec in specs:
            key = ("function", str(spec["name"]), spec.get("condition"), spec.get("hitCondition"))
            bp = old.pop(key, None) or Breakpoint(self._new_id(), "function", False, name=str(spec["name"]), key=key,
                                                  known_from=self.history.newest if self.history.states else 0)
            bp.condition = spec.get("condition") or None
            hit_text = spec.get("hitCondition")
            bp.hit_condition = parse_hit_condition(hit_text) if hit_text else None
            out.append(bp)
        self.function_bps = out
        self._rebind_function_bps()
        return out

    def _rebind_function_bps(self) -> None:
        roots = [node for source in self.sources.values() for node in source.roots]
        self.m.watched_calls = frozenset(
            bp.name for bp in self.function_bps
            if bp.name and (bp.name.startswith("effect:") or bp.name in self.rt.interpreter.builtins))
        for bp in self.function_bps:
            name = bp.name or ""
            if name.startswith("effect:"):
                bp.verified, bp.nids = True, frozenset()
                continue
            bp.nids = function_body_nids(roots, name)
            prim = self.rt.interpreter.builtins.get(name)
            bp.verified = bool(bp.nids) or prim is not None
            bp.reason = None if bp.verified else "pending"
            bp.message = None if bp.verified else f"No procedure named {name} yet"
        self._reindex()

    def set_data_breakpoints(self, specs: list[dict[str, Any]]) -> list[Breakpoint]:
        out = []
        old = {bp.key: bp for bp in self.data_bps}
        for spec in specs:
            key = ("data", str(spec["dataId"]), spec.get("accessType"), spec.get("condition"), spec.get("hitCondition"))
            bp = old.pop(key, None) or Breakpoint(self._new_id(), "data", True, name=str(spec["dataId"]), key=key)
            bp.access = spec.get("accessType") or "write"
            bp.condition = spec.get("condition") or None
            hit_text = spec.get("hitCondition")
            bp.hit_condition = parse_hit_condition(hit_text) if hit_text else None
            out.append(bp)
        self.data_bps = out
        return out

    def set_exception_filters(self, filters: dict[str, str | None]) -> None:
        unknown = [f for f in filters if f not in FILTER_IDS]
        if unknown:
            raise ValueError(f"unknown exception filter {unknown[0]!r}")
        self.filters = dict(filters)

    def _reindex(self) -> None:
        index: dict[int, list[Breakpoint]] = {}
        for bps in self.line_bps.values():
            for bp in bps:
                for nid in bp.nids:
                    index.setdefault(nid, []).append(bp)
        for bp in self.function_bps:
            for nid in bp.nids:
                index.setdefault(nid, []).append(bp)
        self.bp_nodes = index
        if self._mode is not None:
            self.m.request_slow_path()  # a live run installs the new traps at once (`_hook`)

    def _all_breakpoints(self) -> list[Breakpoint]:
        return [bp for bps in self.line_bps.values() for bp in bps] + self.function_bps + self.data_bps

    def data_key(self, bp: Breakpoint) -> Any:
        """The store key a data breakpoint watches (dataId forms of DEBUGGER.md 6.4)."""
        data_id = bp.name or ""
        if data_id.startswith("global:"):
            return sym(data_id[len("global:"):])
        if data_id.startswith("cell:"):
            parts = data_id.split(":", 2)
            return int(parts[1]) if len(parts) == 2 else self._slot_key(int(parts[1]), parts[2])
        return None

    def _data_change(self, bp: Breakpoint, step: int) -> str:
        """`count changed: 0 → 1`: the target's name with its values before and after the step."""
        data_id = bp.name or ""
        name = self.data_names.get(data_id) or data_id.removeprefix("global:")
        key = self.data_key(bp)
        if key.__class__ not in (Symbol, int) or not self.history.has(step - 1):
            return f"{name} changed"  # a container slot: its value is not a store cell of its own
        before, after = self.history.get(step - 1).s, self.history.get(step).s
        return f"{name} changed: {self._cut(before, key)} → {self._cut(after, key)}"

    @staticmethod
    def _cut(store: Any, key: Any) -> str:
        from .values_view import cut_write

        return cut_write(store[key], store, 40) if key in store else "<unbound>"

    def _slot_key(self, cell: int, rest: str) -> Any:
        return self.data_slot_keys.get((cell, rest))

    def _trap_nodes(self) -> list[Any]:
        """The nodes the breakpoints watch (Machine.set_traps), found once per breakpoint change."""
        wanted = self.bp_nodes
        if self._traps_for is not wanted:
            found = []
            stack = [root for source in self.sources.values() for root in source.roots]
            while stack:
                node = stack.pop()
                if node.nid in wanted:
                    found.append(node)
                stack.extend(node.children())
            self._traps_for, self._traps = wanted, found
        return self._traps


__all__ = ["BreakpointSettings"]
