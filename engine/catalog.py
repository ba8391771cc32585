"""Read side for people and scripts: the catalog rows and one version's detail, as JSON-able dicts."""
from __future__ import annotations

from engine.governance.decisions import latest_review
from engine.governance.stored import review_summary
from engine.store.database import Lake, open_lake
from engine.store.tables import ModelVersion
from engine.store.versions import get_version, list_latest_versions, version_order_key


def summarize(version: ModelVersion) -> dict:
    card = version.card
    owners = card.get("owners") or [{}]
    return {
        "name": version.model.name, "version": version.version, "status": version.status,
        "task": card.get("pipeline_tag"), "domain": card.get("domain"), "license": card.get("license"),
        "owner": owners[0].get("name"), "created_at": version.created_at.isoformat(),
    }


def catalog_rows(lake: Lake | None = None) -> list[dict]:
    """One row per model: its latest version and how many versions it has."""
    lake = lake or open_lake()
    with lake.transaction() as session:
        return [summarize(version) | {"versions": count} for version, count in list_latest_versions(session)]


def version_detail(ref: str, lake: Lake | None = None) -> dict:
    """A version's card, status, facts, latest automated review summary and its model's version list."""
    lake = lake or open_lake()
    with lake.transaction() as session:
        version = get_version(session, ref)
        versions = [v.version for v in sorted(version.model.versions, key=version_order_key)]  # loaded by get_version
        record = latest_review(session, version.id)
        return summarize(version) | {
            "versions": versions, "card": version.card, "card_text": version.card_text,
            "card_digest": version.card_digest, "facts": version.facts, "source": version.source,
            "review": review_summary(record.review) if record is not None and record.review else None,
        }
