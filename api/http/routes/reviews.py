"""/reviews (queue, one version's review), /decisions (a reviewer decides), /waivers (admins), /reports per review."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from litestar import Request, Response, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, PathParameter

from api.http.auth import permission
from api.http.config import LakeDep
from api.http.routes.models import AFTER, BEFORE, LIMIT, REF
from engine.search.pages import DEFAULT_PAGE
from engine.errors import UsageError

# report format -> media type of the HTTP response


@dataclass
class DecisionRequest:
    ref: str
    decision: Literal["approve", "reject", "request_changes"]
    comment: str


@dataclass
class WaiverRequest:
    rule_id: str
    target: str
    reason: str
    ticket: str | None = None
    expires_at: str | None = None  # ISO date; the waiver holds through that day


@get("/reviews", opt=permission("read"), sync_to_thread=True)
def review_queue(lake: LakeDep, verdict: FromQuery[str | None] = None, limit: Annotated[int, LIMIT] = DEFAULT_PAGE,
                 after: Annotated[str | None, AFTER] = None, before: Annotated[str | None, BEFORE] = None) -> dict[str, Any]:
    """Versions waiting for a human decision, oldest first, with their automated verdict; one keyset page, counts per verdict."""
    from engine.governance.stored_reviews import review_queue

    return review_queue(lake, verdict=verdict, after=after, before=before, limit=limit)


@get("/reviews/{ref:path}", opt=permission("read"), sync_to_thread=True)
def get_review(ref: Annotated[Path, REF], lake: LakeDep) -> dict[str, Any]:
    """The governance review of a version (findings with evidence) and the human decision, if any."""
    from engine.governance.stored_reviews import version_review

    review, meta = version_review(lake, str(ref).lstrip("/"))
    return meta | {"review": review.to_dict()}


@post("/decisions", opt=permission("decide"), sync_to_thread=True, status_code=200)
def decide(data: JSONBody[DecisionRequest], lake: LakeDep, request: Request) -> dict[str, Any]:
    """Approve, reject or request changes, with a comment; nobody decides on a version they submitted."""
    from engine.governance.decisions import decide

    return decide(lake, data.ref, data.decision, by=request.user.name, comment=data.comment)


@get("/waivers", opt=permission("read"), sync_to_thread=True)
def list_waivers(lake: LakeDep) -> list[dict[str, Any]]:
    from engine.governance.admin import list_waivers

    return list_waivers(lake)


@post("/waivers", opt=permission("administer"), sync_to_thread=True)
def add_waiver(data: JSONBody[WaiverRequest], lake: LakeDep, request: Request) -> dict[str, Any]:
    """Waive one rule for one model (or version); applies to reviews made from now on."""
    from engine.governance.admin import add_waiver

    return add_waiver(lake, rule_id=data.rule_id, target=data.target, reason=data.reason, by=request.user.name, ticket=data.ticket,
                      expires_at=data.expires_at)


@delete("/waivers/{waiver_id:int}", opt=permission("administer"), sync_to_thread=True)
def remove_waiver(waiver_id: Annotated[int, PathParameter(ge=1, le=2**63 - 1)], lake: LakeDep, request: Request) -> None:
    from engine.governance.admin import remove_waiver

    remove_waiver(lake, waiver_id, by=request.user.name)


@get("/reports/{fmt:str}/{ref:path}", opt=permission("read"), sync_to_thread=True)
def report(fmt: FromPath[str], ref: Annotated[Path, REF], lake: LakeDep) -> Response[Any]:
    """A version's review as json, sarif, junit, md, html or pdf."""
    from engine.reports import parse_formats, render_report
    from engine.governance.stored_reviews import version_review

    chosen = parse_formats(fmt)
    if len(chosen) != 1:
        raise UsageError(f"name one report format, not {fmt!r}")
    chosen = chosen[0]
    review, _ = version_review(lake, str(ref).lstrip("/"))
    filename = f"{review.name.replace('/', '_')}-{review.version}.{chosen.extension}"
    return Response(render_report(review, chosen), media_type=chosen.media_type,
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


ROUTES = [review_queue, get_review, decide, list_waivers, add_waiver, remove_waiver, report]
