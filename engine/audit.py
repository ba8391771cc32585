"""The audit log: every state change, who made it and when, chained by hashes so tampering is detectable.

Each entry stores the previous entry's hash and its own hash over all its fields (canonical JSON, sha256).
`record` is called inside the transaction that makes the change, as its last write: the entry commits or
rolls back with the change. A transaction-scoped advisory lock orders writers, so the chain never forks.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engine.digests import json_digest
from engine.store.database import Lake
from engine.store.tables import AuditEntry

GENESIS = "0" * 64  # prev_hash of the first entry
_CHAIN_LOCK_ID = 7_240_302  # arbitrary, constant: serialises appends to the chain (and list_counts writers, migration 0005)


def state_digest(state: object) -> str | None:
    """sha256 of a state's canonical JSON; None when there was no state (creation, deletion)."""
    return None if state is None else json_digest(state)


def entry_hash(entry: AuditEntry) -> str:
    """The hash an entry must carry: over every field, including the previous entry's hash."""
    fields = {"seq": entry.seq, "at": entry.at.astimezone(dt.timezone.utc).isoformat(), "actor": entry.actor, "action": entry.action,
              "target": entry.target, "before": entry.before_digest, "after": entry.after_digest, "detail": entry.detail,
              "prev": entry.prev_hash}
    return state_digest(fields)


def record(session: Session, *, actor: str, action: str, target: str, before: object = None, after: object = None,
           detail: dict | None = None) -> AuditEntry:
    """Append one entry for a change made in `session`'s transaction (call it after the change's other writes)."""
    session.flush()
    session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _CHAIN_LOCK_ID})
    last = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one_or_none()
    entry = AuditEntry(seq=(last.seq + 1) if last else 1, at=dt.datetime.now(dt.timezone.utc), actor=actor, action=action, target=target,
                       before_digest=state_digest(before), after_digest=state_digest(after), detail=detail or {},
                       prev_hash=last.entry_hash if last else GENESIS)
    entry.entry_hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    head: str  # hash of the last entry: keep it elsewhere to detect truncation of the tail
    first_bad: dict | None  # the first entry that breaks the chain, and why

    @property
    def ok(self) -> bool:
        return self.first_bad is None

    def to_dict(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "head": self.head, "first_bad": self.first_bad}


def verify_chain(lake: Lake) -> ChainCheck:
    """Walk the log in order; report the first entry whose hash, predecessor link or sequence number is wrong."""
    previous, expected_seq, count = GENESIS, 1, 0
    with lake.transaction() as session:
        for entry in session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars():
            problem = _problem(entry, previous, expected_seq)
            if problem:
                return ChainCheck(count, previous, entry_summary(entry) | {"problem": problem})
            previous, expected_seq, count = entry.entry_hash, entry.seq + 1, count + 1
    return ChainCheck(count, previous, None)


def _problem(entry: AuditEntry, previous: str, expected_seq: int) -> str | None:
    if entry.seq != expected_seq:
        return f"sequence jumps from {expected_seq - 1} to {entry.seq} (entries removed)"
    if entry.prev_hash != previous:
        return "prev_hash does not match the previous entry's hash"
    if entry.entry_hash != entry_hash(entry):
        return "entry_hash does not match the entry's content (entry altered)"
    return None


def entry_summary(entry: AuditEntry) -> dict:
    return {"seq": entry.seq, "at": entry.at.isoformat(), "actor": entry.actor, "action": entry.action, "target": entry.target,
            "before_digest": entry.before_digest, "after_digest": entry.after_digest, "detail": entry.detail,
            "prev_hash": entry.prev_hash, "entry_hash": entry.entry_hash}


def list_entries(lake: Lake, *, limit: int = 100, offset: int = 0) -> list[dict]:
    with lake.transaction() as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit).offset(offset)).scalars()
        return [entry_summary(entry) for entry in rows]
