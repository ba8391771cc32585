"""/health (the process answers), /ready (the database answers), /audit-log (the trail and its verification)."""
from __future__ import annotations

from typing import Annotated, Any

from litestar import get
from litestar.params import QueryParameter
from sqlalchemy import text

from api.http.auth import PUBLIC, permission
from api.http.config import MAX_OFFSET, LakeDep


@get("/health", opt=permission(PUBLIC), sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready", opt=permission(PUBLIC), sync_to_thread=True)
def ready(lake: LakeDep) -> dict[str, str]:
    """200 when the database answers; 503 (problem) when it does not."""
    with lake.transaction() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ready"}


@get("/audit-log", opt=permission("read"), sync_to_thread=True)
def audit_log(lake: LakeDep, limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100, offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0) -> list[dict[str, Any]]:
    """Audit entries, newest first."""
    from engine.audit import list_entries

    return list_entries(lake, limit=limit, offset=offset)


@get("/audit-log/verify", opt=permission("read"), sync_to_thread=True)
def verify_audit_log(lake: LakeDep) -> dict[str, Any]:
    """Walk the hash chain: ok, number of entries, head hash, first bad entry."""
    from engine.audit import verify_chain

    return verify_chain(lake).to_dict()


ROUTES = [health, ready, audit_log, verify_audit_log]
