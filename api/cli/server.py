"""Service commands: `serve` (the HTTP API and web UI), `token` (API tokens), `audit-log` (the hash-chained trail)."""
from __future__ import annotations

import getpass
import sys

import click
from rich.table import Table

from api.cli._errors import EXIT_FAILED, exits_1_when
from api.cli._output import console, error_console, json_option, print_json
from engine.roles import ROLES



@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0 in a container).")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port.")
def serve(host: str, port: int) -> None:
    """Serve the HTTP API (OpenAPI at /schema) and the web UI (/ui) with uvicorn; embedded Postgres unless DATABASE_URL is set."""
    from api.http import serve as run
    from engine.config import load_settings

    run(load_settings(), host, port)


@click.group()
def token() -> None:
    """Create, list and revoke API tokens (stored as sha256 hashes; a secret is shown once)."""


@token.command(name="create")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the token may do.")
@click.option("--name", required=True, help="The user the token acts as (recorded in the audit log and on submissions).")
@json_option
def create_token(role: str, name: str, as_json: bool) -> None:
    """Create a token and print its secret, once."""
    from engine.store.database import open_lake
    from engine.tokens import create_token as create

    token_id, secret = create(open_lake(), name=name, role=role, by=f"cli:{getpass.getuser()}")
    if as_json:
        print_json({"id": token_id, "name": name, "role": role, "token": secret})
    else:
        click.echo(secret)
        error_console.print(f"token {token_id} for {name} ({role}); the secret above is not stored and will not be shown again", markup=False)


@token.command(name="list")
@json_option
def list_tokens(as_json: bool) -> None:
    """List tokens (never their secrets)."""
    from engine.store.database import open_lake
    from engine.tokens import list_tokens as rows

    tokens = rows(open_lake())
    if as_json:
        print_json(tokens)
        return
    table = Table("id", "name", "role", "created", "revoked")
    for row in tokens:
        table.add_row(str(row["id"]), row["name"], row["role"], row["created_at"][:19], "yes" if row["revoked"] else "")
    console.print(table)


@token.command(name="revoke")
@click.argument("token_id", type=int)
@json_option
def revoke_token(token_id: int, as_json: bool) -> None:
    """Revoke a token by id: it stops working at once."""
    from engine.store.database import open_lake
    from engine.tokens import revoke_token as revoke

    revoke(open_lake(), token_id, by=f"cli:{getpass.getuser()}")
    if as_json:
        print_json({"id": token_id, "revoked": True})
    else:
        console.print(f"token {token_id} revoked")


@click.group(name="audit-log")
def audit_log() -> None:
    """The append-only audit log of every state change, chained by hashes."""


@exits_1_when("an entry was altered, removed or relinked")
@audit_log.command(name="verify")
@json_option
def verify(as_json: bool) -> None:
    """Check the hash chain; print the first bad entry if it was tampered with."""
    from engine.audit import verify_chain
    from engine.store.database import open_lake

    check = verify_chain(open_lake())
    if as_json:
        print_json(check.to_dict())
    elif check.ok:
        console.print(f"audit log ok: {check.entries} entries, head {check.head}", markup=False)
    else:
        bad = check.first_bad
        error_console.print(f"audit log tampered: entry {bad['seq']} ({bad['action']} {bad['target']} by {bad['actor']} at {bad['at']}): "
                            f"{bad['problem']}; {check.entries} entries before it verify", markup=False)
    sys.exit(0 if check.ok else EXIT_FAILED)


@audit_log.command(name="show")
@click.option("--limit", default=20, show_default=True, type=int, help="How many entries, newest first.")
@json_option
def show(limit: int, as_json: bool) -> None:
    """Print the newest entries."""
    from engine.audit import list_entries
    from engine.store.database import open_lake

    entries = list_entries(open_lake(), limit=limit)
    if as_json:
        print_json(entries)
        return
    table = Table("seq", "at", "actor", "action", "target", "hash")
    for entry in entries:
        table.add_row(str(entry["seq"]), entry["at"][:19], entry["actor"], entry["action"], entry["target"], entry["entry_hash"][:12])
    console.print(table)


COMMANDS = [serve, token, audit_log]
