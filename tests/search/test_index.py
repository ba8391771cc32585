"""What a search document holds: facets from card, facts and status (facts win), the body, the short description."""
from __future__ import annotations

from engine.search.index import StoredState, document_body, document_facets, embedding_text, metric_facets, review_facets, short_description
from engine.store.tables import ModelVersion

CARD = {
    "name": "acme/x", "version": "1.0", "license": "Apache-2.0", "pipeline_tag": "summarization", "domain": "legal", "language": "en",
    "owners": [{"name": "Jane Doe"}, {"name": "Legal Ops"}], "created": "2026-05-01", "tags": ["contracts"],
    "description": "Summarises contracts.", "uses": {"intended": ["NDAs"], "out_of_scope": ["legal advice"]}, "limitations": ["English only"],
    "claims": {"architecture": "bert", "parameters": 100, "dtype": "float32", "quantization": None, "context_length": 512, "layers": 6,
               "hidden_size": 384},
    "base_model": ["a/one", "b/two"], "base_model_relation": "merge", "datasets": ["acme/c"], "training_data": [{"name": "acme/d"}, {"name": "acme/c"}],
    "evaluations": [{"metric": "Accuracy", "value": 0.9}, {"metric": "accuracy", "value": 0.5}, {"metric": "f1", "value": 0.8}],
    "governance": {"risk_tier": "limited"},
}


def test_facets_from_card_facts_and_status():
    version = ModelVersion(card=CARD, facts={"architecture": "BertModel", "parameters": 22_713_216, "dtype": "F16", "quantization": "q8_0",
                                             "hidden_size": 768, "vocab_size": 30522, "embedding_dim": 384}, status="submitted")
    assert document_facets(version) == {
        "status": "pending", "license": "apache-2.0", "task": "summarization", "domain": "legal", "language": ["en"],
        "architecture": "bertmodel", "quantization": "q8_0", "dtype": "f16", "base_model": ["a/one", "b/two"], "relation": "merge",
        "dataset": ["acme/c", "acme/d"], "owner": ["jane doe", "legal ops"], "risk_tier": "limited",
        "parameters": 22_713_216, "context_length": 512, "hidden_size": 768, "layers": 6, "vocab_size": 30522, "embedding_dim": 384,
        "created": "2026-05-01", "metrics": {"accuracy": 0.9, "f1": 0.8}, "verified": {},
    }


def test_facts_may_be_missing_and_claims_fill_in():
    facets = document_facets(ModelVersion(card=CARD, facts=None, status="approved"))
    assert (facets["architecture"], facets["parameters"], facets["dtype"], "quantization" in facets) == ("bert", 100, "f32", False)


def test_metrics_follow_the_reruns():
    # evaluation 0 (accuracy 0.9) was contradicted (observed 0.7), 1 is a second accuracy claim (ignored), 2 (f1) agreed
    runs = {0: {"status": "fail", "observed": 0.7}, 1: {"status": "pass", "observed": 0.5}, 2: {"status": "pass", "observed": 0.81}}
    assert metric_facets(CARD, runs) == {"metrics": {"accuracy": 0.7, "f1": 0.8}, "verified": {"f1": 0.81}}
    assert metric_facets(CARD, {0: {"status": "not_comparable", "observed": 0.1}, 2: {"status": "error", "observed": None}}) == \
        {"metrics": {"accuracy": 0.9, "f1": 0.8}, "verified": {}}


def test_findings_become_rule_id_lists_by_outcome():
    review = {"findings": [{"rule_id": "claims.parameters", "outcome": "fail"}, {"rule_id": "security.x", "outcome": "error"},
                           {"rule_id": "claims.layers", "outcome": "unverified"}, {"rule_id": "claims.dtype", "outcome": "pass"},
                           {"rule_id": "evaluations.recent", "outcome": "warn"}],
              "waived": [{"rule_id": "license.allowed", "outcome": "waived"}]}
    assert review_facets(review) == {"failed_rule": ["claims.parameters", "security.x"], "unverified_rule": ["claims.layers"],
                                     "waived_rule": ["license.allowed"]}
    assert review_facets(None) == review_facets({"findings": [], "waived": []}) == {}
    facets = document_facets(ModelVersion(card=CARD, facts=None, status="approved"), StoredState(7, review, {2: {"status": "pass", "observed": 0.8}}))
    assert (facets["failed_rule"], facets["verified"]) == (["claims.parameters", "security.x"], {"f1": 0.8})


def test_body_and_embedding_text():
    body = document_body(CARD)
    assert body == "Summarises contracts.\nsummarization\nlegal\ncontracts\nNDAs\nEnglish only\nnot for: legal advice\nacme/c"
    assert embedding_text("acme/contract-summarizer", body).startswith("acme contract summarizer\nSummarises contracts.")


def test_short_description_cuts_at_a_word():
    long = {"description": "word " * 100}
    assert short_description(long).endswith("word…") and len(short_description(long)) <= 200
    assert short_description({}) == ""
