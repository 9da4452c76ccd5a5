"""The OmegaRuntime facade's subsystems (RUNTIME.md "Subsystems"), one module each. They see the
runtime through `RuntimeLink` (link.py), never the facade itself; the facade wires them
(runtime.py, the card's `wireSubsystems`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .amb import AmbManager
from .artifacts import ArtifactManager
from .budget import BudgetManager
from .concurrency import ConcurrencyManager
from .conditions import ConditionsManager
from .experts import ExpertsManager
from .facts import FactConflict, FactsManager
from .features import FeatureGates
from .fixpoint import FixpointManager
from .forms import FormPipeline, install_gated_eval, load_libraries
from .link import RuntimeLink
from .llm import LLMIntegration
from .logic import LogicManager
from .opr import OPRIntegration
from .provenance import ProvenanceManager
from .security import SecurityManager
from .session import Session
from .state import StateCoordinator, to_omega, to_python
from .streams import StreamsManager
from .transactions import TransactionError, TransactionManager

if TYPE_CHECKING:
    from .views import (
        AmbState,
        ChannelView,
        ChoicePointView,
        ConcurrencyState,
        FiberView,
        FixpointState,
        FixpointView,
        ProposalView,
        TransactionState,
        TransactionView,
    )

# The state views are attrs classes, loaded on first use (PEP 562) so that a run never imports attrs.
_VIEWS = ("AmbState", "ChannelView", "ChoicePointView", "ConcurrencyState", "FiberView", "FixpointState",
          "FixpointView", "ProposalView", "TransactionState", "TransactionView")


def __getattr__(name: str) -> Any:
    if name in _VIEWS:
        from . import views

        return getattr(views, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AmbManager", "AmbState", "ArtifactManager", "BudgetManager", "ChannelView", "ChoicePointView",
    "ConcurrencyManager", "ConcurrencyState", "ConditionsManager", "FiberView",
    "ExpertsManager", "FactConflict", "FeatureGates", "FactsManager", "FixpointManager", "FixpointState", "FixpointView",
    "FormPipeline", "install_gated_eval", "load_libraries", "LLMIntegration", "LogicManager", "RuntimeLink", "OPRIntegration", "ProvenanceManager", "SecurityManager",
    "Session", "StateCoordinator", "StreamsManager", "TransactionError", "TransactionManager",
    "TransactionState", "TransactionView", "ProposalView", "to_omega", "to_python",
]
