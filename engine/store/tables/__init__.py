"""SQLAlchemy 2 tables, one module per area; importing this package registers them all on Base.metadata."""
from engine.store.tables.access import ApiToken, AuditEntry
from engine.store.tables.base import Base
from engine.store.tables.chat import ChatTurn
from engine.store.tables.cards import Model, ModelVersion
from engine.store.tables.evals import EvalDataset, EvalRun
from engine.store.tables.lineage import LineageEdge
from engine.store.tables.reviews import ReviewRecord, Waiver
from engine.store.tables.search import ListCount, SearchDocument

__all__ = ["ApiToken", "AuditEntry", "Base", "ChatTurn", "EvalDataset", "EvalRun", "LineageEdge", "ListCount", "Model", "ModelVersion", "ReviewRecord",
           "SearchDocument", "Waiver"]
