"""Administrative changes: waivers (stored in the lake) and policy packs (YAML files). Each one is audited."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from sqlalchemy import select

from engine.audit import record
from engine.errors import NotFound, UsageError
from engine.policy.packs import ID_PATTERN, load_policies, parse_pack
from engine.policy.waivers import WAIVER_SCHEMA
from engine.store.database import Lake
from engine.store.tables import Waiver

PACK_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def waiver_dict(row: Waiver) -> dict:
    return {"id": row.id, "rule_id": row.rule_id, "target": row.target, "reason": row.reason, "approved_by": row.approved_by,
            "ticket": row.ticket, "expires_at": row.expires_at.date().isoformat() if row.expires_at else None}


def list_waivers(lake: Lake) -> list[dict]:
    with lake.transaction() as session:
        return [waiver_dict(row) for row in session.execute(select(Waiver).order_by(Waiver.id)).scalars()]


def add_waiver(lake: Lake, *, rule_id: str, target: str, reason: str, by: str, ticket: str | None = None, expires_at: str | None = None) -> dict:
    """Store a waiver approved by `by`; it applies to reviews made from now on."""
    # fullmatch throughout: `$` alone would also accept a trailing newline
    if not re.fullmatch(WAIVER_SCHEMA["target"]["regex"], target):
        raise UsageError(f"bad waiver target {target!r}: expected NAME or NAME@VERSION")
    if not re.fullmatch(ID_PATTERN, rule_id):
        raise UsageError(f"bad rule_id {rule_id!r}: expected a rule id such as claims.parameters")
    if not reason.strip():
        raise UsageError("a waiver needs a reason")
    for field, value in (("reason", reason), ("ticket", ticket or "")):
        if any(unicodedata.category(char) == "Cc" and char not in "\t\n" for char in value):
            raise UsageError(f"waiver {field} contains control characters")
    try:
        expires = dt.datetime.combine(dt.date.fromisoformat(expires_at), dt.time(), dt.timezone.utc) if expires_at else None
    except ValueError:
        raise UsageError(f"bad expires_at {expires_at!r}: expected an ISO date like 2026-12-31") from None
    with lake.transaction() as session:
        row = Waiver(rule_id=rule_id, target=target, reason=reason, approved_by=by, ticket=ticket, expires_at=expires)
        session.add(row)
        session.flush()
        result = waiver_dict(row)
        record(session, actor=by, action="waiver.create", target=f"waiver:{row.id}", after=result)
        return result


def remove_waiver(lake: Lake, waiver_id: int, *, by: str) -> None:
    with lake.transaction() as session:
        row = session.get(Waiver, waiver_id)
        if row is None:
            raise NotFound(f"no waiver with id {waiver_id}")
        before = waiver_dict(row)
        session.delete(row)
        record(session, actor=by, action="waiver.delete", target=f"waiver:{waiver_id}", before=before)


def save_policy_pack(lake: Lake, directory: Path, name: str, raw: bytes, *, by: str) -> dict:
    """Write policies/NAME.yaml after validating it alone and with the other packs; the old file comes back on any error."""
    if not PACK_NAME.fullmatch(name):
        raise UsageError(f"bad pack name {name!r}: lower-case letters, digits, '-' and '_'")
    pack = parse_pack(raw, f"{name}.yaml")
    path = Path(directory) / f"{name}.yaml"
    old = path.read_bytes() if path.exists() else None
    try:
        with lake.transaction() as session:
            path.write_bytes(raw)
            load_policies(directory)  # rule ids must stay unique across packs
            record(session, actor=by, action="policy.save", target=f"policy:{name}", before=old.decode("utf-8", "replace") if old else None,
                   after=raw.decode("utf-8"), detail={"pack": pack.name, "version": pack.version, "rules": len(pack.rules)})
    except BaseException:
        path.write_bytes(old) if old is not None else path.unlink(missing_ok=True)
        raise
    return pack.to_dict() | {"source": str(path)}
