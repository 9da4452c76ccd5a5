"""The artifacts subsystem: a content-addressed cache of computed and oracle-produced values.

Values are addressed by the SHA-256 of their `write` form, so equal data share an address. Every
completed oracle call stores its answer (addressed the same way) and remembers which receipt
produced it. When the runtime has a persistent oracle cache (`cache_dir`, on in the production
preset), `persistent` is True and identical oracle requests are answered from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..oracle.request import sha256_hex
from ..printer import write_repr

if TYPE_CHECKING:
    from .state import StateCoordinator


class ArtifactManager:
    def __init__(self, state: StateCoordinator, runtime: Any) -> None:
        self._state = state
        self._rt = runtime
        self._values: dict[str, Any] = {}
        self._by_receipt: dict[str, str] = {}  # receipt id -> address of its answer

    @property
    def persistent(self) -> bool:
        return self._rt.host.cache is not None

    def address(self, value: Any) -> str:
        text = write_repr(value, self._state.store())
        return sha256_hex(text)

    def put(self, value: Any) -> str:
        addr = self.address(value)
        self._values.setdefault(addr, value)
        return addr

    def get(self, address: str, default: Any = None) -> Any:
        return self._values.get(address, default)

    def __contains__(self, address: object) -> bool:
        return address in self._values

    def __len__(self) -> int:
        return len(self._values)

    def addresses(self) -> list[str]:
        return list(self._values)

    def for_receipt(self, receipt_id: str) -> str | None:
        """The address of the answer the receipt recorded, if this run produced it."""
        return self._by_receipt.get(receipt_id)

    def on_llm_complete(self, data: Any) -> None:
        addr = self.put(str(data["response"]))
        self._by_receipt[str(data["id"])] = addr


__all__ = ["ArtifactManager"]
