"""Reading and writing model versions. Every write happens inside the caller's transaction."""
from __future__ import annotations

from dataclasses import dataclass

from packaging.version import InvalidVersion, Version
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, selectinload

from engine.cards import Card
from engine.errors import Conflict, NotFound, UsageError
from engine.store.tables import Model, ModelVersion


@dataclass(frozen=True)
class ModelRef:
    """NAME or NAME@VERSION as typed by a user; version None means the latest."""

    name: str
    version: str | None = None

    @classmethod
    def parse(cls, text: str) -> ModelRef:
        name, _, version = text.strip().partition("@")
        if not name or (_ and not version):
            raise UsageError(f"bad model reference {text!r}: expected NAME or NAME@VERSION")
        return cls(name, version or None)

    def __str__(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name


def version_order_key(version: ModelVersion) -> tuple:
    """PEP 440 order when the label parses (2.0 after 1.10), else submission order."""
    try:
        return (1, Version(version.version), version.seq)
    except InvalidVersion:
        return (0, Version("0"), version.seq)


def latest(versions: list[ModelVersion]) -> ModelVersion:
    return max(versions, key=version_order_key)


def insert_version(session: Session, card: Card, *, facts: dict | None, fingerprint: dict | None, submitted_by: str | None) -> tuple[ModelVersion, bool]:
    """Store card as a new version; returns (version, created). Same content again is a no-op; different content is a Conflict."""
    session.execute(insert(Model).values(name=card.name).on_conflict_do_nothing(index_elements=["name"]))
    # Lock the model row: concurrent submissions of one model serialise here, so seq and the
    # duplicate check below see every committed version.
    model = session.execute(select(Model).where(Model.name == card.name).with_for_update()).scalar_one()
    existing = session.execute(select(ModelVersion).where(ModelVersion.model_id == model.id, ModelVersion.version == card.version)).scalar_one_or_none()
    if existing is not None:
        if existing.card_digest == card.digest:
            return existing, False
        raise Conflict(f"{card.ref} already exists with different content (stored {existing.card_digest[:12]}, submitted {card.digest[:12]}); bump the version to submit a change")
    seq = session.execute(select(func.coalesce(func.max(ModelVersion.seq), 0)).where(ModelVersion.model_id == model.id)).scalar_one() + 1
    version = ModelVersion(  # through the relationship: a model loaded earlier in this transaction lists it too (bulk loads)
        model=model, version=card.version, seq=seq, card=card.data, card_text=card.text,
        card_digest=card.digest, source=card.source, facts=facts, fingerprint=fingerprint, submitted_by=submitted_by,
    )
    session.add(version)
    session.flush()
    return version, True


def get_version(session: Session, ref: ModelRef | str) -> ModelVersion:
    """The version a reference names (the latest when no version is given)."""
    ref = ModelRef.parse(ref) if isinstance(ref, str) else ref
    versions = list_versions(session, ref.name)
    if ref.version is None:
        return latest(versions)
    for version in versions:
        if version.version == ref.version:
            return version
    known = ", ".join(v.version for v in versions)
    raise NotFound(f"{ref} not found; {ref.name} has versions: {known}")


def list_versions(session: Session, name: str) -> list[ModelVersion]:
    """All versions of one model, oldest first in version order."""
    model = session.execute(select(Model).where(Model.name == name).options(selectinload(Model.versions))).scalar_one_or_none()
    if model is None or not model.versions:
        raise NotFound(f"no model named {name!r} in the lake")
    return sorted(model.versions, key=version_order_key)


def list_latest_versions(session: Session) -> list[tuple[ModelVersion, int]]:
    """(latest version, number of versions) for every model, by name."""
    models = session.execute(select(Model).options(selectinload(Model.versions).selectinload(ModelVersion.model)).order_by(Model.name)).scalars()
    return [(latest(model.versions), len(model.versions)) for model in models if model.versions]
