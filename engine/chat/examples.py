"""Example questions for the chat page, drawn from the lake's own values: its most common task and license together,
its most common domain, metric and status, and a model that others derive from. Each one is a question the rules
understand without the LLM (tests/chat/test_chips.py asks each), so an example never waits on inference."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.search.compile import DOCS, FACETS
from engine.store.database import Lake


def _most_common(session, *columns) -> tuple | None:
    """The most frequent combination of the columns among latest versions where all are set (ties by value)."""
    present = [column.is_not(None) for column in columns]
    row = session.execute(select(*columns).where(DOCS.c.is_latest, *present).group_by(*columns)
                          .order_by(func.count().desc(), *columns).limit(1)).first()
    return tuple(row) if row else None


def _most_derived_from(session) -> str | None:
    """The lake model that most other models name as their base (a version suffix dropped)."""
    base = func.split_part(func.jsonb_array_elements_text(FACETS["base_model"]), "@", 1).label("base")
    bases = select(DOCS.c.name, base).where(DOCS.c.is_latest).subquery()
    row = session.execute(select(bases.c.base).where(bases.c.base != bases.c.name, bases.c.base.in_(select(DOCS.c.name)))
                          .group_by(bases.c.base).order_by(func.count().desc(), bases.c.base).limit(1)).first()
    return row[0] if row else None


def example_questions(lake: Lake) -> list[str]:
    """Up to five questions about values the lake has; none for an empty lake."""
    metric = func.jsonb_object_keys(FACETS["metrics"]).label("metric")
    with lake.transaction() as session:
        pair = _most_common(session, DOCS.c.task, DOCS.c.license)
        domain = _most_common(session, DOCS.c.domain)
        status = _most_common(session, DOCS.c.status)
        metrics = select(metric).where(DOCS.c.is_latest).subquery()
        top_metric = session.execute(select(metrics.c.metric).group_by(metrics.c.metric)
                                     .order_by(func.count().desc(), metrics.c.metric).limit(1)).first()
        base = _most_derived_from(session)
    questions = [
        pair and f"{pair[0]} models licensed {pair[1]}",
        domain and f"how many {domain[0]} models are there?",
        top_metric and f"top 3 models by {top_metric[0]}",
        base and f"models derived from {base}",
        status and f"{status[0].replace('_', ' ')} models",
    ]
    return [question for question in questions if question]
