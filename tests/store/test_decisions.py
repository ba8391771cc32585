"""Human review decisions: status changes, comments required, separation of duties."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from api.cli import main
from engine.governance.decisions import decide
from engine.errors import Forbidden, UsageError
from engine.store.versions import get_version
from engine.governance.submission import submit
from tests.store.test_submit import make_card


def test_decide_sets_status_and_keeps_the_comment(lake):
    submit(lake, make_card(), submitted_by="sam")
    result = decide(lake, "acme/tiny", "approve", by="rita", comment="claims verified")
    assert result == {"ref": "acme/tiny@1.0", "status": "approved", "previous_status": "changes_requested", "decision": "approve", "decided_by": "rita", "comment": "claims verified"}
    with lake.transaction() as session:
        assert get_version(session, "acme/tiny@1.0").status == "approved"


@pytest.mark.parametrize(
    ("decision", "by", "comment", "error", "message"),
    [
        ("approve", "sam", "looks fine", Forbidden, "sam submitted acme/tiny@1.0 and cannot decide on it"),
        ("bless", "rita", "ok", UsageError, "unknown decision 'bless'; valid: approve, reject, request_changes"),
        ("reject", "rita", "  ", UsageError, "a decision needs a comment"),
    ],
)
def test_refused_decisions_change_nothing(lake, decision, by, comment, error, message):
    submit(lake, make_card(), submitted_by="sam")
    with pytest.raises(error, match=message):
        decide(lake, "acme/tiny", decision, by=by, comment=comment)
    with lake.transaction() as session:
        assert get_version(session, "acme/tiny").status == "changes_requested"


def test_review_cli(lake_env):
    submit(lake_env, make_card(), submitted_by="sam")
    result = CliRunner().invoke(main, ["review", "acme/tiny@1.0", "--request-changes", "-m", "add an eval", "--by", "rita", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "changes_requested"
    refused = CliRunner().invoke(main, ["review", "acme/tiny", "--approve", "-m", "mine", "--by", "sam"])
    assert (refused.exit_code, refused.output.strip()) == (2, "error: sam submitted acme/tiny@1.0 and cannot decide on it (separation of duties)")
