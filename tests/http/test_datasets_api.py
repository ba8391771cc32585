"""/datasets over HTTP, and POST /models re-running a harness-backed claim before it stores the version (real Postgres)."""
from __future__ import annotations

from sqlalchemy import select

from engine.cards import card_from_dict
from engine.evals import registered_harness
from engine.evals.lake_datasets import lake_catalog
from engine.governance.evidence import gather_evidence
from engine.governance.submission import submit
from engine.store.tables import EvalRun
from tests.conftest import REPO
from tests.evals.cards import FIXTURES, tiny_safetensors
from tests.http.conftest import bearer
from tests.jobs.conftest import drain

SUPPORT = REPO / "tests" / "evals" / "data" / "registration" / "acme-support-sentiment.jsonl"


def test_register_list_and_refuse_datasets(client, tokens):
    body = {"name": "acme/support-sentiment", "source": str(SUPPORT), "license": "cc-by-4.0", "description": "Support chats, hand-labelled"}
    created = client.post("/datasets", json=body, headers=bearer(tokens["submitter"]))
    assert created.status_code == 201, created.text
    record = created.json()
    assert (record["ref"], record["rows"], record["registered_by"], record["created"]) == (
        "acme/support-sentiment@1", {"test": 8, "train": 10}, "sam", True)
    assert client.post("/datasets", json=body, headers=bearer(tokens["admin"])).status_code == 200  # same bytes: nothing new
    listed = {d["ref"]: d for d in client.get("/datasets", headers=bearer(tokens["reader"])).json()}
    assert listed["acme/support-sentiment@1"]["registered_by"] == "sam" and listed["modellake/reviews@1"]["registered_by"] == "modellake"
    outside = client.post("/datasets", json=body | {"source": "/etc/passwd"}, headers=bearer(tokens["submitter"]))
    assert outside.status_code == 403 and "MODELLAKE_SERVER_ROOTS" in outside.json()["detail"]
    remote = client.post("/datasets", json=body | {"source": "s3://bucket/set.jsonl"}, headers=bearer(tokens["submitter"]))
    assert remote.status_code == 403
    no_split = client.post("/datasets", json=body | {"name": "acme/bad", "source": str(SUPPORT.parent / "no-split-column.csv")},
                           headers=bearer(tokens["submitter"]))
    assert no_split.status_code == 400 and "has no `split` column" in no_split.json()["detail"]


def test_post_models_enqueues_the_rerun_and_its_job_stores_it(lake, client, tokens, tmp_path):
    tiny_safetensors(tmp_path / "model.safetensors")  # scans clean, but is no sentence-transformers model: the harness errors
    card = {"schema_version": "1", "name": "acme/not-an-encoder", "version": "1.0", "owners": [{"name": "Jane"}], "license": "mit",
            "evaluations": [{"dataset": "modellake/sts-pairs", "split": "validation", "metric": "spearman", "value": 0.9,
                             "harness": {"name": "sentence-similarity"}}]}
    response = client.post("/models", json={"card": card, "weights": str(tmp_path / "model.safetensors")}, headers=bearer(tokens["submitter"]))
    assert response.status_code == 202, response.text
    assert "reruns" in response.json()["evidence"]["jobs"]  # required: no flag asked for it
    drain(lake)
    with lake.transaction() as session:
        (run,) = session.execute(select(EvalRun)).scalars().all()
        assert (run.status, run.claimed, run.dataset, run.result["independent"]) == ("error", 0.9, "modellake/sts-pairs@1", True)
    review = client.get("/reviews/acme/not-an-encoder", headers=bearer(tokens["reader"])).json()
    (finding,) = [f for f in review["review"]["findings"] if f["rule_id"] == "evaluations.rerun-required"]
    assert finding["outcome"] == "fail" and "rerun error" in finding["message"]


def test_the_model_page_shows_claimed_against_rerun_with_the_tolerance(lake, client, tokens, tmp_path):
    weights = tiny_safetensors(tmp_path / "model.safetensors")
    card = card_from_dict({"schema_version": "1", "name": "acme/echo-classifier", "version": "1.0", "owners": [{"name": "Jane"}],
                           "license": "mit", "evaluations": [{"dataset": "modellake/reviews", "split": "test", "metric": "accuracy",
                                                              "value": 0.8, "samples": 80,
                                                              "harness": {"name": "echo", "args": {"value": 0.79, "samples": 80}}}]},
                          source=str(tmp_path / "card.yaml"))
    with registered_harness("echo", f"{FIXTURES}:EchoHarness"):
        submit(lake, card, gather_evidence(card, weights, datasets=lake_catalog(lake), submitter="sam"), submitted_by="sam")
    page = client.get("/ui/models/acme/echo-classifier", headers=bearer(tokens["reader"]))
    assert page.status_code == 200
    block = page.text[page.text.index('<table id="reruns">'):page.text.index("</table>", page.text.index('<table id="reruns">'))]
    assert "modellake/reviews@1/test" in block and "<td>0.8</td><td>0.79</td>" in block and "± 0.134" in block and "pass" in block
    detail = client.get("/models/acme/echo-classifier", headers=bearer(tokens["reader"])).json()
    assert [(r["metric"], r["claimed"], r["observed"], r["status"], r["dataset"]) for r in detail["reruns"]] == [
        ("accuracy", 0.8, 0.79, "pass", "modellake/reviews@1")]
