"""Who is calling: API tokens (Authorization: Bearer, or the web UI's cookie) and the one permission guard.

Every route handler names the permission it needs in `opt["permission"]`; roles grant permissions
(engine/roles.py ROLE_PERMISSIONS). A handler that names none is refused: forgetting is never open.
"""
from __future__ import annotations

from typing import Any

from anyio import to_thread
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.middleware.authentication import AbstractAuthenticationMiddleware, AuthenticationResult

from engine.tokens import Principal, authenticate

TOKEN_COOKIE = "modellake_token"
PUBLIC = "public"  # the permission of routes anyone may call, without a token


def permission(name: str) -> dict[str, Any]:
    """Handler opt for a route needing `name` (read, submit, decide, administer) or PUBLIC."""
    return {"permission": name, "exclude_from_auth": name == PUBLIC}


class TokenAuthentication(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        scheme, _, secret = connection.headers.get("authorization", "").partition(" ")
        secret = secret.strip() if scheme.lower() == "bearer" else connection.cookies.get(TOKEN_COOKIE, "")
        if not secret:
            raise NotAuthorizedException("missing API token: send 'Authorization: Bearer <token>'")
        principal = await to_thread.run_sync(authenticate, connection.app.state.lake, secret)
        if principal is None:
            raise NotAuthorizedException("unknown or revoked API token")
        return AuthenticationResult(user=principal, auth=secret)


def require_permission(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    needed = handler.opt.get("permission")
    if needed == PUBLIC:
        return
    user: Principal = connection.user
    if needed is None or not user.may(needed):
        raise PermissionDeniedException(f"role {user.role!r} may not {needed or 'call this route'}")

