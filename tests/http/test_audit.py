"""The audit log: every state change chained by hashes, written in the change's transaction; tokens hashed at rest."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from api.cli import main
from engine.governance.admin import add_waiver
from engine.audit import GENESIS, verify_chain
from engine.governance.decisions import decide
from engine.errors import Forbidden
from engine.store.tables import ApiToken, AuditEntry
from engine.governance.submission import submit
from engine.tokens import authenticate, create_token, hash_secret
from tests.store.test_submit import make_card


def entries(lake) -> list[AuditEntry]:
    with lake.transaction() as session:
        return list(session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())


def make_history(lake) -> None:
    submit(lake, make_card(), submitted_by="sam")
    decide(lake, "acme/tiny", "approve", by="rita", comment="claims verified")
    add_waiver(lake, rule_id="completeness.description", target="acme/tiny", reason="internal", by="ada")


def test_changes_are_chained_with_who_what_and_digests(lake):
    make_history(lake)
    log = entries(lake)
    assert [(e.seq, e.actor, e.action, e.target) for e in log] == [
        (1, "sam", "version.submit", "acme/tiny@1.0"), (2, "rita", "version.approve", "acme/tiny@1.0"), (3, "ada", "waiver.create", f"waiver:{log[2].target.split(':')[1]}")]
    assert [e.prev_hash for e in log] == [GENESIS, log[0].entry_hash, log[1].entry_hash]
    assert log[0].before_digest is None and log[0].after_digest and log[1].before_digest != log[1].after_digest
    assert log[1].detail == {"comment": "claims verified"}
    assert verify_chain(lake).to_dict() == {"ok": True, "entries": 3, "head": log[2].entry_hash, "first_bad": None}


def test_a_refused_change_writes_no_entry(lake):
    submit(lake, make_card(), submitted_by="sam")
    with pytest.raises(Forbidden):
        decide(lake, "acme/tiny", "approve", by="sam", comment="mine")
    assert [e.action for e in entries(lake)] == ["version.submit"]


def test_entries_cannot_be_updated(lake):
    make_history(lake)
    with pytest.raises(DBAPIError, match="audit_log is append-only"):
        with lake.transaction() as session:
            session.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))


def tamper(lake, statement: str) -> None:
    """What someone with DDL rights could do: switch the guard off, rewrite, switch it back on."""
    with lake.engine.begin() as connection:
        connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        connection.execute(text(statement))
        connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))


@pytest.mark.parametrize(("statement", "bad_seq", "problem"), [
    ("UPDATE audit_log SET detail = '{\"comment\": \"rubber stamp\"}' WHERE seq = 2", 2, "entry_hash does not match the entry's content (entry altered)"),
    ("DELETE FROM audit_log WHERE seq = 2", 3, "sequence jumps from 1 to 3 (entries removed)"),
    ("UPDATE audit_log SET prev_hash = repeat('1', 64) WHERE seq = 3", 3, "prev_hash does not match the previous entry's hash"),
])
def test_tampering_is_detected_by_the_cli(lake_env, statement, bad_seq, problem):
    make_history(lake_env)
    assert CliRunner().invoke(main, ["audit-log", "verify"]).exit_code == 0
    tamper(lake_env, statement)
    result = CliRunner().invoke(main, ["audit-log", "verify", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["ok"], report["first_bad"]["seq"], report["first_bad"]["problem"]) == (False, bad_seq, problem)
    human = CliRunner().invoke(main, ["audit-log", "verify"])
    assert human.exit_code == 1 and f"audit log tampered: entry {bad_seq} " in human.stderr


def test_token_cli_prints_the_secret_once_and_stores_its_hash(lake_env):
    result = CliRunner().invoke(main, ["token", "create", "--role", "reviewer", "--name", "rita"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert secret.startswith("mlk_") and "rita (reviewer)" in result.stderr
    with lake_env.transaction() as session:
        stored = session.execute(select(ApiToken)).scalar_one()
        assert (stored.name, stored.role, stored.secret_sha256) == ("rita", "reviewer", hash_secret(secret))
    assert authenticate(lake_env, secret).name == "rita"
    listed = json.loads(CliRunner().invoke(main, ["token", "list", "--json"]).output)
    assert secret not in json.dumps(listed) and listed[0]["role"] == "reviewer"
    assert CliRunner().invoke(main, ["token", "revoke", str(stored.id)]).exit_code == 0
    assert authenticate(lake_env, secret) is None
    assert [e.action for e in entries(lake_env)] == ["token.create", "token.revoke"]
    refused = CliRunner().invoke(main, ["token", "create", "--role", "root", "--name", "x"])
    assert refused.exit_code == 2 and "'root' is not one of" in refused.output


def test_http_changes_are_audited_with_the_token_user(lake, client, tokens):
    from tests.http.conftest import bearer, tiny_card_yaml

    client.post("/models", json={"card": tiny_card_yaml()}, headers=bearer(tokens["submitter"]))
    client.post("/decisions", json={"ref": "acme/tiny", "decision": "reject", "comment": "no evals"}, headers=bearer(tokens["reviewer"]))
    log = client.get("/audit-log", headers=bearer(tokens["reader"])).json()
    assert [(e["actor"], e["action"]) for e in log][:2] == [("rita", "version.reject"), ("sam", "version.submit")]
    assert client.get("/audit-log/verify", headers=bearer(tokens["reader"])).json()["ok"] is True


def test_concurrent_changes_keep_one_chain(lake):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: create_token(lake, name=f"user{i}", role="reader", by="test"), range(40)))
    check = verify_chain(lake)
    assert (check.ok, check.entries) == (True, 40)
