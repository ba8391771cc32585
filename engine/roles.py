"""The roles a token can hold and what each may do: a table every door reads (the HTTP app checks it, the CLI offers it)."""
from __future__ import annotations

# role -> what it may do; "read" covers every GET, search, chat and policy dry-runs.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "reader": frozenset({"read"}),
    "submitter": frozenset({"read", "submit"}),
    "reviewer": frozenset({"read", "decide"}),
    "admin": frozenset({"read", "submit", "decide", "administer"}),
}
ROLES = tuple(ROLE_PERMISSIONS)
