"""/models: submit, list, one version, versions; /lineage and /diff."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from litestar import Request, Response, get, post
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter

from api.http.auth import permission
from api.http.config import ConfigDep, LakeDep
from engine.search.pages import DEFAULT_PAGE, MAX_PAGE
from engine.cards import Card, card_from_dict, parse_card

# A model reference at the end of a path: NAME or NAME@VERSION, where NAME may hold one slash (org/name).
REF = PathParameter(description="NAME or NAME@VERSION (NAME may be org/name)",
                    schema_extra={"format": "model-ref", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._/@+-]*$"})
HTTP_CARD_SOURCE = "submitted-card.yaml"  # cards sent over HTTP have no file; findings still cite their lines


@dataclass
class SubmitRequest:
    card: str | dict[str, Any]  # the card as YAML text, or as a JSON object
    weights: str | None = None  # a model file or directory on the server (inside MODELLAKE_SERVER_ROOTS), or a URI under MODELLAKE_ARTIFACT_URIS
    rerun: bool = True  # re-run the card's harness-backed claims (as a job); false leaves them failing evaluations.rerun-required


def card_of(card: str | dict[str, Any]) -> Card:
    # surrogatepass: a lone surrogate in the text reaches the loader, which refuses it at its line, instead of failing here
    return parse_card(card.encode("utf-8", "surrogatepass"), HTTP_CARD_SOURCE) if isinstance(card, str) else card_from_dict(card, HTTP_CARD_SOURCE)


@post("/models", opt=permission("submit"), sync_to_thread=True, status_code=201)
def submit_model(data: JSONBody[SubmitRequest], lake: LakeDep, config: ConfigDep, request: Request) -> Response[dict[str, Any]]:
    """Validate a card and store it as a new version; its files are read, and its harness-backed claims re-run, by evidence
    jobs (202 with the jobs while they run, 201 when there was nothing to read, 200 when identical content was already stored)."""
    from engine.cards.artifacts import listed_artifacts, weights_location_for
    from engine.evals.lake_datasets import lake_catalog
    from engine.governance.evidence import gather_evidence
    from engine.governance.submission import submit
    from engine.storage import is_uri

    card = card_of(data.card)
    for uri in filter(is_uri, listed_artifacts(card)):  # before anything is fetched: the server reads only its own stores
        config.check_location(uri)
    weights = weights_location_for(card, config.check_location(data.weights) if data.weights else None)
    evidence = gather_evidence(card, config.check_location(weights) if weights else None, rerun=data.rerun, defer=True,
                               datasets=lake_catalog(lake), submitter=request.user.name)
    result = submit(lake, card, evidence, submitted_by=request.user.name)
    status = 200 if not result.created else 202 if result.pending else 201
    headers = {"Location": f"/models/{result.ref}"} if result.created else {}
    return Response(result.to_dict(), status_code=status, headers=headers)


# The keyset cursors a page hands back in `next` / `previous`
AFTER = QueryParameter(description="the `next` cursor of the previous page")
BEFORE = QueryParameter(description="the `previous` cursor of the next page")
LIMIT = QueryParameter(ge=1, le=MAX_PAGE)


@get("/models", opt=permission("read"), sync_to_thread=True)
def list_models(lake: LakeDep, status: FromQuery[str | None] = None, task: FromQuery[str | None] = None,
                domain: FromQuery[str | None] = None, license: FromQuery[str | None] = None, owner: FromQuery[str | None] = None,
                q: Annotated[str | None, QueryParameter(description="name contains")] = None,
                limit: Annotated[int, LIMIT] = DEFAULT_PAGE, after: Annotated[str | None, AFTER] = None,
                before: Annotated[str | None, BEFORE] = None) -> dict[str, Any]:
    """The catalog: latest version of each model by name, filtered, one keyset page at a time, with facet counts."""
    from engine.catalog import catalog_page

    filters = {"status": status, "task": task, "domain": domain, "license": license, "owner": owner}
    return catalog_page(lake, filters=filters, name_contains=q, after=after, before=before, limit=limit)


@get("/models/{ref:path}", opt=permission("read"), sync_to_thread=True)
def get_version(ref: Annotated[Path, REF], lake: LakeDep) -> dict[str, Any]:
    """One version (NAME or NAME@VERSION; the latest when no version is given): card, status, facts, review summary."""
    from engine.catalog import version_detail

    return version_detail(str(ref).lstrip("/"), lake)


@get("/versions/{name:path}", opt=permission("read"), sync_to_thread=True)
def list_model_versions(name: Annotated[Path, REF], lake: LakeDep) -> list[dict[str, Any]]:
    """Every version of one model, oldest first."""
    from engine.catalog import version_rows

    return version_rows(lake, str(name).lstrip("/"))


@get("/lineage/{ref:path}", opt=permission("read"), sync_to_thread=True)
def lineage(ref: Annotated[Path, REF], lake: LakeDep, direction: FromQuery[Literal["up", "down", "both"]] = "both",
            format: FromQuery[Literal["json", "mermaid", "dot", "text"]] = "json") -> Response[Any]:
    """The family tree around a version: ancestors, descendants, edges with their verification evidence."""
    from engine.lineage import FORMATS, lineage_graph

    with lake.transaction() as session:
        graph = lineage_graph(session, str(ref).lstrip("/"), direction)
    if format == "json":
        return Response(graph.to_dict())
    return Response(FORMATS[format](graph), media_type="text/plain")


@get("/diff", opt=permission("read"), sync_to_thread=True)
def diff(a: FromQuery[str], b: FromQuery[str], lake: LakeDep, config: ConfigDep) -> dict[str, Any]:
    """What changed from A to B (lake references, or model paths inside MODELLAKE_SERVER_ROOTS)."""
    from engine.lineage import diff_models, resolve_side
    from engine.lineage.diff import names_a_path

    for side in (a, b):
        if names_a_path(side):
            config.check_server_path(side)
    return diff_models(resolve_side(a, lake), resolve_side(b, lake))


ROUTES = [submit_model, list_models, get_version, list_model_versions, lineage, diff]
