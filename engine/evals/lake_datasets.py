"""Evaluation datasets in the lake's database: registering one (audited), listing them, resolving a card's reference."""
from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit import record as record_change
from engine.errors import Conflict
from engine.evals.dataset_registry import (SHIPPED_DATASETS, DatasetCatalog, RegisteredDataset, check_name, inspect_dataset,
                                           shipped_registration)
from engine.store.database import Lake
from engine.store.tables import EvalDataset


def register_dataset(lake: Lake, name: str, source: str | Path, *, license: str, registered_by: str, version: str | None = None,
                     description: str | None = None) -> tuple[RegisteredDataset, bool]:
    """Record one version of an evaluation set; (registration, created). The same bytes again are a no-op.

    `source` is a local path (stored resolved) or a URI. Without `version` the next integer is used, unless
    these exact bytes are already the latest version. A version that exists with other bytes is a Conflict.
    """
    check_name(name, version)
    uri = str(source) if "://" in str(source) else str(Path(source).expanduser().resolve())
    with tempfile.TemporaryDirectory(prefix="modellake-dataset-") as scratch:
        sha256, size, kind, rows, columns = inspect_dataset(uri, Path(scratch))  # outside the transaction: reading may be slow
    with lake.transaction() as session:
        existing = session.execute(select(EvalDataset).where(EvalDataset.name == name).order_by(EvalDataset.seq.desc())).scalars().all()
        same = next((row for row in existing if row.version == version), None) if version else (existing[0] if existing else None)
        if same is not None and same.sha256 == sha256:
            return as_registration(same), False
        if same is not None and version is not None:
            raise Conflict(f"dataset {name}@{version} is already registered with other bytes (sha256 {same.sha256}); "
                           f"register the new bytes as a new version")
        seq = (existing[0].seq if existing else 0) + 1
        row = EvalDataset(name=name, version=version or _next_version(existing), seq=seq, uri=uri, format=kind, sha256=sha256, size=size,
                          license=license, rows=rows, columns=columns, description=description, registered_by=registered_by)
        session.add(row)
        session.flush()
        registration = as_registration(row)
        record_change(session, actor=registered_by, action="dataset.register", target=registration.ref, after=registration.evidence())
        return registration, True


def _next_version(existing: list[EvalDataset]) -> str:
    numbers = [int(row.version) for row in existing if row.version.isdigit()]
    return str(max(numbers, default=0) + 1)


def list_datasets(lake: Lake) -> list[RegisteredDataset]:
    """The lake's own sets, then every registered version (by name, newest version first)."""
    shipped = [registration for dataset in SHIPPED_DATASETS.values() if (registration := shipped_registration(dataset))]
    with lake.transaction() as session:
        rows = session.execute(select(EvalDataset).order_by(EvalDataset.name, EvalDataset.seq.desc())).scalars().all()
        return shipped + [as_registration(row) for row in rows]


def find_registration(session: Session, name: str, version: str | None) -> RegisteredDataset | None:
    query = select(EvalDataset).where(EvalDataset.name == name)
    query = query.where(EvalDataset.version == version) if version else query.order_by(EvalDataset.seq.desc()).limit(1)
    row = session.execute(query).scalars().first()
    return as_registration(row) if row is not None else None


def lake_catalog(lake: Lake) -> DatasetCatalog:
    """Resolve references against the lake's registry; each lookup is its own short transaction (reruns hold none)."""

    def lookup(name: str, version: str | None) -> RegisteredDataset | None:
        with lake.transaction() as session:
            return find_registration(session, name, version)

    return DatasetCatalog(lookup)


def as_registration(row: EvalDataset) -> RegisteredDataset:
    return RegisteredDataset(row.name, row.version, row.uri, row.format, row.sha256, row.size, row.license, dict(row.rows), list(row.columns),
                             row.registered_by, row.description or "", registered_at=row.created_at.isoformat() if row.created_at else None)
