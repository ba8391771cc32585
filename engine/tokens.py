"""API tokens: a random secret shown once, stored only as its sha256; each token acts as one user in one role."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from engine.audit import record
from engine.errors import NotFound, UsageError
from engine.roles import ROLE_PERMISSIONS, ROLES
from engine.store.database import Lake
from engine.store.tables import ApiToken
TOKEN_PREFIX = "mlk_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's user name and role."""

    name: str
    role: str

    def may(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(lake: Lake, *, name: str, role: str, by: str) -> tuple[int, str]:
    """A new token for user `name`; returns (id, secret). The secret is not stored and cannot be shown again."""
    if role not in ROLE_PERMISSIONS:
        raise UsageError(f"unknown role {role!r}; valid: {', '.join(ROLES)}")
    if not name.strip():
        raise UsageError("a token needs the name of the user it acts as")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with lake.transaction() as session:
        token = ApiToken(name=name, role=role, secret_sha256=hash_secret(secret))
        session.add(token)
        session.flush()
        record(session, actor=by, action="token.create", target=f"token:{token.id}", after={"name": name, "role": role})
        return token.id, secret


def revoke_token(lake: Lake, token_id: int, *, by: str) -> None:
    with lake.transaction() as session:
        token = session.get(ApiToken, token_id)
        if token is None or token.revoked_at is not None:
            raise NotFound(f"no active token with id {token_id}")
        token.revoked_at = dt.datetime.now(dt.timezone.utc)
        record(session, actor=by, action="token.revoke", target=f"token:{token_id}", before={"name": token.name, "role": token.role})


def authenticate(lake: Lake, secret: str) -> Principal | None:
    """The principal a secret belongs to, or None for an unknown or revoked secret."""
    with lake.transaction() as session:
        token = session.execute(select(ApiToken).where(ApiToken.secret_sha256 == hash_secret(secret), ApiToken.revoked_at.is_(None))).scalar_one_or_none()
        return Principal(token.name, token.role) if token else None


def list_tokens(lake: Lake) -> list[dict]:
    with lake.transaction() as session:
        return [{"id": t.id, "name": t.name, "role": t.role, "created_at": t.created_at.isoformat(), "revoked": t.revoked_at is not None}
                for t in session.execute(select(ApiToken).order_by(ApiToken.id)).scalars()]
