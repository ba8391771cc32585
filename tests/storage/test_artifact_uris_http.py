"""The server reads artifacts by URI only under its configured prefixes; a worker reads them from the object store."""
from __future__ import annotations

import hashlib

from tests.http.conftest import app, bearer, client, http_config, tokens  # noqa: F401 - the HTTP fixtures
from tests.jobs.conftest import drain
from tests.storage.conftest import BUCKET, OTHER_BUCKET

CARD = {"schema_version": "1", "name": "acme/remote", "version": "1.0", "owners": [{"name": "Jane"}], "license": "mit"}


def test_a_card_in_s3_is_submitted_and_a_worker_reads_it_by_ranges(s3, lake, client, tokens, smollm_gguf):
    digest = hashlib.sha256(smollm_gguf.read_bytes()).hexdigest()
    card = CARD | {"artifacts": [{"uri": f"s3://{BUCKET}/smollm/{smollm_gguf.name}", "format": "gguf", "sha256": digest}]}
    response = client.post("/models", json={"card": card}, headers=bearer(tokens["submitter"]))
    assert response.status_code == 202, response.text
    assert set(response.json()["evidence"]["jobs"]) == {"facts"}  # behaviour signatures and reruns run a model from local files
    drain(lake)
    done = client.get("/models/acme/remote", headers=bearer(tokens["reader"])).json()
    assert done["evidence"]["state"] == "complete"
    record = done["facts"]["files"][0]
    assert (done["facts"]["format"], record["sha256"]) == ("gguf", digest)
    assert record["bytes_read"] < smollm_gguf.stat().st_size // 20


def test_a_card_naming_another_bucket_is_refused(s3, client, tokens):
    uri = f"s3://{OTHER_BUCKET}/secret/model.safetensors"
    response = client.post("/models", json={"card": CARD | {"artifacts": [{"uri": uri, "format": "safetensors"}]}},
                           headers=bearer(tokens["submitter"]))
    assert response.status_code == 403, response.text
    assert response.json()["detail"] == (f"{uri} is outside the URI prefixes this server reads model files from "
                                         f"(MODELLAKE_ARTIFACT_URIS: s3://{BUCKET}/)")


def test_weights_by_uri_are_checked_like_paths(s3, client, tokens, tmp_path):
    refused = client.post("/models", json={"card": CARD, "weights": f"s3://{OTHER_BUCKET}/secret/model.safetensors"},
                          headers=bearer(tokens["submitter"]))
    assert refused.status_code == 403, refused.text
    outside = client.post("/models", json={"card": CARD, "weights": "file:///etc/hostname"}, headers=bearer(tokens["submitter"]))
    assert outside.status_code == 403 and "MODELLAKE_SERVER_ROOTS" in outside.json()["detail"]
    accepted = client.post("/models", json={"card": CARD, "weights": f"s3://{BUCKET}/tiny/model.safetensors"}, headers=bearer(tokens["submitter"]))
    assert accepted.status_code == 202, accepted.text


def test_malformed_uris_are_bad_requests_naming_the_problem(s3, client, tokens):
    for uri, problem in (("ftp://example.org/model.gguf", "ftp:// is not a scheme the lake reads model files over"),
                         ("https://user:secret@example.org/model.gguf", "credentials in a URI are refused"),
                         (f"s3://{BUCKET}/tiny/../../{OTHER_BUCKET}/secret/model.safetensors", "'..' or '.' path segments are refused")):
        response = client.post("/models", json={"card": CARD | {"artifacts": [{"uri": uri, "format": "safetensors"}]}},
                               headers=bearer(tokens["submitter"]))
        assert response.status_code == 400 and problem in response.json()["detail"], response.text
        assert "user:secret" not in response.text  # the credentials are not echoed back


def test_a_dry_run_reads_weights_by_uri_only_under_the_prefixes(s3, client, tokens):
    refused = client.post("/policies/dry-run", json={"card": CARD, "weights": f"s3://{OTHER_BUCKET}/secret/model.safetensors"},
                          headers=bearer(tokens["reader"]))
    assert refused.status_code == 403 and "MODELLAKE_ARTIFACT_URIS" in refused.json()["detail"], refused.text
    read = client.post("/policies/dry-run", json={"card": CARD, "weights": f"s3://{BUCKET}/tiny/model.safetensors"},
                       headers=bearer(tokens["reader"]))
    assert read.status_code == 200, read.text
    blind = client.post("/policies/dry-run", json={"card": CARD}, headers=bearer(tokens["reader"])).json()

    def outcomes(review: dict) -> dict:
        return {finding["rule_id"]: finding["outcome"] for finding in review["findings"]}

    changed = {rule for rule, outcome in outcomes(read.json()).items() if outcomes(blind).get(rule) != outcome}
    assert "security.no-unsafe-pickle" in changed  # the facts read from the bucket reached the rules (the scan of its files)
