"""The OmegaRuntime facade's subsystems (RUNTIME.md "Subsystems"), one module each. They see the
runtime through `RuntimeLink` (link.py), never the facade itself; the facade wires them
(runtime.py, the card's `wireSubsystems`)."""

from __future__ import annotations

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

__all__ = [
    "AmbManager", "ArtifactManager", "BudgetManager",
    "ConcurrencyManager", "ConditionsManager",
    "ExpertsManager", "FactConflict", "FeatureGates", "FactsManager", "FixpointManager",
    "FormPipeline", "install_gated_eval", "load_libraries", "LLMIntegration", "LogicManager", "RuntimeLink", "OPRIntegration", "ProvenanceManager", "SecurityManager",
    "Session", "StateCoordinator", "StreamsManager", "TransactionError", "TransactionManager",
    "to_omega", "to_python",
]
