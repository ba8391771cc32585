"""Submissions against the real embedded Postgres: versions, duplicates, conflicts, concurrency, rollback."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from engine.cards import card_from_dict
from engine.errors import Conflict, NotFound, UsageError
from engine.store.tables import Model, ModelVersion
from engine.store.versions import ModelRef, get_version, list_versions
from engine.governance.submission import submit


def make_card(name: str = "acme/tiny", version: str = "1.0", **extra):
    return card_from_dict({"schema_version": "1", "name": name, "version": version, "owners": [{"name": "Jane"}], "license": "mit", **extra})


def count_versions(lake) -> int:
    with lake.transaction() as session:
        return session.execute(select(func.count()).select_from(ModelVersion)).scalar_one()


def test_submit_creates_a_version(lake):
    result = submit(lake, make_card(description="first"))
    assert (result.ref, result.created, result.status) == ("acme/tiny@1.0", True, "changes_requested")  # the minimal card fails completeness
    with lake.transaction() as session:
        stored = get_version(session, "acme/tiny@1.0")
        assert stored.card["description"] == "first"
        assert stored.seq == 1


def test_identical_resubmission_is_a_no_op(lake):
    first = submit(lake, make_card())
    again = submit(lake, make_card())
    assert (again.created, again.version_id) == (False, first.version_id)
    assert count_versions(lake) == 1


def test_different_content_same_version_is_refused(lake):
    submit(lake, make_card(description="one"))
    with pytest.raises(Conflict, match=r"acme/tiny@1.0 already exists with different content .* bump the version"):
        submit(lake, make_card(description="two"))
    assert count_versions(lake) == 1


@pytest.mark.parametrize(
    ("submitted", "latest"),
    [(["1.0", "2.0", "1.10"], "2.0"), (["0.9", "0.10"], "0.10"), (["alpha", "beta"], "beta"), (["2.0", "2.0.post1"], "2.0.post1")],
)
def test_latest_version_is_addressable_by_name(lake, submitted, latest):
    for version in submitted:
        submit(lake, make_card(version=version))
    with lake.transaction() as session:
        assert get_version(session, "acme/tiny").version == latest
        assert [v.version for v in list_versions(session, "acme/tiny")][-1] == latest


def test_unknown_refs(lake):
    submit(lake, make_card())
    with lake.transaction() as session:
        with pytest.raises(NotFound, match=r"acme/tiny@9 not found; acme/tiny has versions: 1.0"):
            get_version(session, "acme/tiny@9")
        with pytest.raises(NotFound, match=r"no model named 'nobody'"):
            get_version(session, "nobody")
    with pytest.raises(UsageError, match="expected NAME or NAME@VERSION"):
        ModelRef.parse("acme/tiny@")


def test_twenty_threads_same_version_create_exactly_one(lake):
    card = make_card(name="acme/race")

    def attempt(_):
        try:
            return submit(lake, card).created
        except Exception as error:  # any crash is a test failure, reported with its type
            return repr(error)

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(attempt, range(20)))
    assert sorted(outcomes, key=str) == [False] * 19 + [True]
    with lake.transaction() as session:
        assert session.execute(select(func.count()).select_from(Model)).scalar_one() == 1
        assert [v.seq for v in session.execute(select(ModelVersion)).scalars()] == [1]


def test_twenty_threads_different_versions_get_distinct_seqs(lake):
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda i: submit(lake, make_card(name="acme/many", version=f"1.{i}")), range(20)))
    with lake.transaction() as session:
        seqs = sorted(v.seq for v in session.execute(select(ModelVersion)).scalars())
    assert seqs == list(range(1, 21))


def test_failing_step_rolls_back_the_whole_submission(lake, monkeypatch):
    import engine.governance.submission as submission

    monkeypatch.setattr(submission, "SUBMISSION_STEPS", [*submission.SUBMISSION_STEPS[:2], exploding_step])  # real writes first, then boom
    with pytest.raises(RuntimeError, match="boom"):
        submit(lake, make_card(name="acme/rollback"))
    with lake.transaction() as session:
        assert session.execute(select(func.count()).select_from(Model)).scalar_one() == 0
    assert count_versions(lake) == 0


def exploding_step(session, version, evidence):
    raise RuntimeError("boom")
