"""/datasets: the evaluation sets reruns read; submitters and admins register new ones (audited)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import JSONBody

from api.http.auth import permission
from api.http.config import ConfigDep, LakeDep
from engine.errors import Forbidden


@dataclass
class DatasetRequest:
    name: str  # org/name
    source: str  # a .jsonl/.csv/.txt file on the server (inside MODELLAKE_SERVER_ROOTS), or a file:// URI to one
    license: str
    version: str | None = None  # default: the next integer
    description: str | None = None


@get("/datasets", opt=permission("read"), sync_to_thread=True)
def list_datasets(lake: LakeDep) -> list[dict[str, Any]]:
    """Every evaluation set a card can name: the lake's own, then the registered ones (newest version first)."""
    from engine.evals.lake_datasets import list_datasets as registered

    return [registration.to_dict() for registration in registered(lake)]


@post("/datasets", opt=permission("submit"), sync_to_thread=True, status_code=201)
def register_dataset(data: JSONBody[DatasetRequest], lake: LakeDep, config: ConfigDep, request: Request) -> Response[dict[str, Any]]:
    """Register one version of an evaluation set as the calling user (200 when these bytes are already registered)."""
    from engine.evals.lake_datasets import register_dataset as register

    if "://" in data.source and not data.source.startswith("file://"):
        raise Forbidden("this server registers datasets only from its own files (MODELLAKE_SERVER_ROOTS)")
    source = config.check_server_path(data.source.removeprefix("file://"))
    registration, created = register(lake, data.name, source, license=data.license, registered_by=request.user.name,
                                     version=data.version, description=data.description)
    return Response(registration.to_dict() | {"created": created}, status_code=201 if created else 200)


ROUTES = [list_datasets, register_dataset]
