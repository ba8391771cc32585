"""The one mapping from errors to RFC 9457 problem responses (application/problem+json), HTML for the web UI."""
from __future__ import annotations

import logging

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.response import Redirect, Template

from engine.errors import InputInvalid, ModelLakeError

log = logging.getLogger("modellake.http")
PROBLEM_TYPE = "https://modellake.dev/problems/"  # + the status code; documented in docs/http.md


def problem(request: Request, status: int, title: str, detail: str, extra: dict | None = None, headers: dict | None = None) -> Response:
    if request.url.path.startswith("/ui"):
        context = {"status": status, "title": title, "detail": detail, "user": request.scope.get("user")}
        return Template("error.html", context=context, status_code=status)
    body = {"type": f"{PROBLEM_TYPE}{status}", "title": title, "status": status, "detail": detail, "instance": request.url.path} | (extra or {})
    return Response(body, status_code=status, media_type="application/problem+json", headers=headers)


def engine_error(request: Request, error: ModelLakeError) -> Response:
    extra = {"problems": [p.to_dict() for p in error.problems]} if isinstance(error, InputInvalid) else None
    headers = {"Retry-After": "5"} if error.status == 503 else None
    return problem(request, error.status, error.title, str(error), extra, headers)


def http_error(request: Request, error: HTTPException) -> Response:
    if isinstance(error, NotAuthorizedException) and request.url.path.startswith("/ui"):
        return Redirect(f"/ui/login?next={request.url.path}")
    extra = {"errors": error.extra} if error.extra else None
    return problem(request, error.status_code, _reason(error.status_code), error.detail, extra, error.headers)


def unexpected_error(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem(request, 500, "Internal server error", "an unexpected error occurred; it has been logged")


def _reason(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


EXCEPTION_HANDLERS = {ModelLakeError: engine_error, HTTPException: http_error, Exception: unexpected_error}
