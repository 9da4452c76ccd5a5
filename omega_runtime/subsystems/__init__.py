"""The OmegaRuntime facade's subsystems (RUNTIME.md "Subsystems"), one module each. They see the
runtime through `RuntimeLink` (link.py), never the facade itself; the facade wires them
(runtime.py, the card's `wireSubsystems`)."""

from __future__ import annotations

from .amb import AmbManager, AmbState, ChoicePointView
from .artifacts import ArtifactManager
from .budget import BudgetManager
from .concurrency import ChannelView, ConcurrencyManager, ConcurrencyState, FiberView
from .conditions import ConditionsManager
from .experts import ExpertsManager
from .facts import FactConflict, FactsManager
from .features import FeatureGates
from .fixpoint import FixpointManager, FixpointState, FixpointView
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
from .transactions import TransactionError, TransactionManager, TransactionState

__all__ = [
    "AmbManager", "AmbState", "ArtifactManager", "BudgetManager", "ChannelView", "ChoicePointView",
    "ConcurrencyManager", "ConcurrencyState", "ConditionsManager", "FiberView",
    "ExpertsManager", "FactConflict", "FeatureGates", "FactsManager", "FixpointManager", "FixpointState", "FixpointView",
    "FormPipeline", "install_gated_eval", "load_libraries", "LLMIntegration", "LogicManager", "RuntimeLink", "OPRIntegration", "ProvenanceManager", "SecurityManager",
    "Session", "StateCoordinator", "StreamsManager", "TransactionError", "TransactionManager",
    "TransactionState", "to_omega", "to_python",
]
