"""Hybrid search: semantic, full-text, name and behaviour rankings fused by reciprocal rank under the filters.

Each signal ranks the first offset + limit documents (at least MIN_CANDIDATES) that pass the filters (HNSW with pgvector's iterative scan,
so filters do not starve the vector lists); a document's score is the sum over signals of
1 / (RRF_K + rank). Ties break on name, then version id, so the same query always pages the same way.
Without text or similar_to the filtered documents are listed in the requested order.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, literal, select, union_all
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.search.compile import DOCS, filter_condition, sort_expression
from engine.search.dsl import Query, describe, parse_query
from engine.search.index import short_description
from engine.search.lineage_walk import lineage_condition
from engine.store.tables import ModelVersion, SearchDocument
from engine.store.versions import get_version

MIN_CANDIDATES = 40  # per signal: enough for fusion to reorder a page of 10; deeper pages ask each signal for more
RRF_K = 60  # the usual reciprocal-rank-fusion constant: damps the weight of the very first ranks
EF_SEARCH = 800  # HNSW candidate list: at 100k clustered documents, filtered, recall@10 100: 0.88, 400: 0.90, 800: 0.98 (benchmarks/search.py)
MAX_SCAN_TUPLES = 20_000  # iterative scan stops here (pgvector's default): bounds the time a rare filter can cost
NAME_SIGNAL_MAX_WORDS = 3  # longer text is a description, not a name; trigram search on it is slow and finds nothing


@dataclass(frozen=True)
class SearchResult:
    name: str
    version: str
    score: float
    facets: dict
    card: dict

    def to_dict(self) -> dict:
        facets, owners = self.facets, self.card.get("owners") or [{}]
        return {
            "name": self.name, "version": self.version, "ref": f"{self.name}@{self.version}", "score": self.score,
            "status": facets.get("status"), "task": facets.get("task"), "domain": facets.get("domain"), "license": facets.get("license"),
            "architecture": facets.get("architecture"), "parameters": facets.get("parameters"), "owner": owners[0].get("name"),
            "risk_tier": facets.get("risk_tier"), "description": short_description(self.card), "metrics": facets.get("metrics", {}),
            "verified": facets.get("verified", {}), "failed_rules": facets.get("failed_rule", []), "waived_rules": facets.get("waived_rule", []),
            "unverified_rules": facets.get("unverified_rule", []),
        }


@dataclass(frozen=True)
class SearchPage:
    query: Query
    description: str
    results: list[SearchResult]
    total: int

    def to_dict(self) -> dict:
        return {"query": self.query.to_dict(), "description": self.description, "results": [r.to_dict() for r in self.results],
                "total": self.total, "limit": self.query.limit, "offset": self.query.offset}


def search(session: Session, query: dict | Query) -> SearchPage:
    """Run a DSL query (a dict is validated first) and return one page of ranked results."""
    query = parse_query(query)
    conditions = [filter_condition(item) for item in query.filters]
    if not query.all_versions:
        conditions.append(DOCS.c.is_latest)
    if query.lineage:
        conditions.append(lineage_condition(session, query.lineage))
    signals = _signals(session, query, conditions, depth=max(MIN_CANDIDATES, query.offset + query.limit))
    if signals:
        _tune_vector_scan(session)
        ranks = union_all(*signals).subquery("ranks")
        fused = select(ranks.c.version_id, func.sum(1.0 / (RRF_K + ranks.c.rank)).label("score")).group_by(ranks.c.version_id).subquery("fused")
        base = select(DOCS.c.version_id, DOCS.c.name, DOCS.c.version, DOCS.c.facets, fused.c.score).join(fused, fused.c.version_id == DOCS.c.version_id)
        score = fused.c.score
    else:
        score = None
        base = select(DOCS.c.version_id, DOCS.c.name, DOCS.c.version, DOCS.c.facets, literal(0.0).label("score")).where(*conditions)
    rows = session.execute(base.add_columns(func.count().over().label("total")).order_by(*_order(query, score))
                           .limit(query.limit).offset(query.offset)).all()
    total = rows[0].total if rows else session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    cards = dict(session.execute(select(ModelVersion.id, ModelVersion.card).where(ModelVersion.id.in_([r.version_id for r in rows]))).all())
    results = [SearchResult(r.name, r.version, round(float(r.score), 6), r.facets, cards[r.version_id]) for r in rows]
    return SearchPage(query=query, description=describe(query), results=results, total=total)


def _signals(session: Session, query: Query, conditions: list[ColumnElement], depth: int) -> list[Select]:
    """One ranked candidate list (of at most `depth` documents) per signal the query asks for."""
    signals = []
    if query.text:
        from engine.search.embeddings import embed_query

        signals += [_nearest(DOCS.c.embedding, list(embed_query(query.text)), conditions, depth), _fulltext(query.text, conditions, depth)]
        if len(query.text.split()) <= NAME_SIGNAL_MAX_WORDS:
            signals.append(_names(query.text, conditions, depth))
    if query.similar_to:
        target = get_version(session, query.similar_to)
        document = session.get(SearchDocument, target.id)
        if document is None:
            raise NotFound(f"{target.ref} has no search document yet; submit it again to index it")
        # Behaviour when the model could be run; otherwise the nearest thing we have, its description.
        column, vector = (DOCS.c.behaviour, document.behaviour) if document.behaviour is not None else (DOCS.c.embedding, document.embedding)
        signals.append(_nearest(column, list(vector), conditions + [DOCS.c.name != target.model.name], depth))
    return signals


def _ranked(inner: Select, key: str, descending: bool, depth: int) -> Select:
    """(version_id, rank) from the first `depth` rows of `inner`, ranked 1.. by its column `key`, then version id."""
    candidates = inner.limit(depth).subquery()
    order = candidates.c[key].desc() if descending else candidates.c[key].asc()
    return select(candidates.c.version_id, func.row_number().over(order_by=[order, candidates.c.version_id]).label("rank"))


def _nearest(column, vector: list[float], conditions: list[ColumnElement], depth: int) -> Select:
    distance = column.cosine_distance(vector)
    inner = select(DOCS.c.version_id, distance.label("distance")).where(column.is_not(None), *conditions).order_by(distance)
    return _ranked(inner, "distance", descending=False, depth=depth)


def _fulltext(text: str, conditions: list[ColumnElement], depth: int) -> Select:
    # Web-search syntax (all words; "quoted phrases", or, -not), which never raises on odd input. Every word
    # must match, so this signal is precise and cheap through the GIN index; the vector signal brings recall.
    terms = func.websearch_to_tsquery("english", text)
    relevance = func.ts_rank_cd(DOCS.c.tsv, terms)
    inner = select(DOCS.c.version_id, relevance.label("relevance")).where(DOCS.c.tsv.op("@@")(terms), *conditions) \
        .order_by(relevance.desc(), DOCS.c.version_id)
    return _ranked(inner, "relevance", descending=True, depth=depth)


def _names(text: str, conditions: list[ColumnElement], depth: int) -> Select:
    closeness = func.word_similarity(text, DOCS.c.name)
    inner = select(DOCS.c.version_id, closeness.label("closeness")).where(literal(text).op("<%")(DOCS.c.name), *conditions) \
        .order_by(closeness.desc(), DOCS.c.version_id)
    return _ranked(inner, "closeness", descending=True, depth=depth)


def _order(query: Query, score) -> list:
    field, descending = query.sort["field"], query.sort["order"] == "desc"
    ties = ([score.desc()] if score is not None else []) + [DOCS.c.name.asc(), DOCS.c.version_id.asc()]
    if field == "relevance":
        return ties if descending or score is None else [score.asc(), *ties[1:]]
    column = sort_expression(field)
    return [(column.desc() if descending else column.asc()).nulls_last(), *ties]


def _tune_vector_scan(session: Session) -> None:
    """Per-transaction settings: a wider HNSW candidate list, iterative scans so filters keep recall, and a plan made
    for this query's values: psycopg prepares a statement it has run 5 times, and Postgres's generic plan for it
    (made blind to how selective the filter values are) can prefer a facet bitmap scan and an exact sort, 10x slower."""
    settings = (("hnsw.ef_search", EF_SEARCH), ("hnsw.iterative_scan", "relaxed_order"), ("hnsw.max_scan_tuples", MAX_SCAN_TUPLES),
                ("plan_cache_mode", "force_custom_plan"))
    session.execute(select(*(func.set_config(name, str(value), True) for name, value in settings)))
