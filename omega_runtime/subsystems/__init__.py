"""The OmegaRuntime facade's subsystems (RUNTIME.md "Subsystems"), one module each, and their
wiring (the card's `wireSubsystems`): events from the machine update the subsystems, an amb
backtrack rolls back the transactions opened after its choice point, and every completed oracle
call is charged to the budget and recorded in provenance and the artifact store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from .llm import LLMIntegration
from .logic import LogicManager
from .opr import OPRIntegration
from .provenance import ProvenanceManager
from .security import SecurityManager
from .session import Session
from .state import StateCoordinator, to_omega, to_python
from .streams import StreamsManager
from .transactions import TransactionError, TransactionManager, TransactionState

if TYPE_CHECKING:
    from ..runtime import OmegaRuntime


def wire_subsystems(rt: OmegaRuntime) -> None:
    """Connect the subsystems to the machine's events and load the Omega-level libraries."""
    on = rt.on
    on("amb-choice", rt.amb.on_choice)
    on("amb-backtrack", rt.amb.on_backtrack)
    on("amb-backtrack", rt.transactions.on_backtrack)
    on("transaction-begin", rt.transactions.on_begin)
    on("transaction-commit", rt.transactions.on_commit)
    on("transaction-rollback", rt.transactions.on_rollback)
    on("fixpoint-iteration", rt.fixpoint.on_iteration)
    on("fiber-start", rt.concurrency.on_start)
    on("fiber-exit", rt.concurrency.on_exit)
    on("llm-call-start", rt.llm.on_start)
    on("llm-call-complete", rt.llm.on_complete)

    def charge(data: Any) -> None:
        receipt = rt.receipt_log.latest(data["id"])
        rt.budget.record_llm_call(receipt.total_tokens if receipt is not None else 0)

    on("llm-call-complete", charge)
    on("llm-call-complete", rt.provenance.on_llm_complete)
    on("llm-call-complete", rt.artifacts.on_llm_complete)
    on("llm-call-complete", rt.session.on_llm_complete)
    on("eval-start", rt.budget.on_eval_start)
    on("eval-complete", rt.budget.on_eval_complete)
    on("eval-complete", rt.session.on_eval_complete)
    on("eval-complete", rt.transactions.on_eval_complete)
    rt.host.signal_watchers.append(rt.conditions.watch)
    load_libraries(rt)
    rt.feature_gates.apply()
    rt.interpreter.prelude_store = rt.machine.s  # libraries and stand-ins are not user globals
    install_gated_eval(rt)
    rt.budget.start()


__all__ = [
    "AmbManager", "AmbState", "ArtifactManager", "BudgetManager", "ChannelView", "ChoicePointView",
    "ConcurrencyManager", "ConcurrencyState", "ConditionsManager", "FiberView",
    "ExpertsManager", "FactConflict", "FeatureGates", "FactsManager", "FixpointManager", "FixpointState", "FixpointView",
    "FormPipeline", "LLMIntegration", "LogicManager", "OPRIntegration", "ProvenanceManager", "SecurityManager",
    "Session", "StateCoordinator", "StreamsManager", "TransactionError", "TransactionManager",
    "TransactionState", "to_omega", "to_python", "wire_subsystems",
]
