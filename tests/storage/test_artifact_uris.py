"""Model files by URI (s3://, http(s)://, file://): the same facts as from a local path, headers by ranged reads (never a full
download), sha256 streamed, and the bytes each file cost reported in facts.files[].bytes_read."""
from __future__ import annotations

import hashlib
import struct

import pytest

from engine.cards import card_from_dict
from engine.errors import UsageError
from engine.facts import extract_facts, sha256_file
from tests.storage.conftest import BUCKET, OTHER_BUCKET

BLOCK = 64 * 1024  # the default ranged-read block
HEAD = 16  # format detection reads each file's first 16 bytes


def without_bytes_read(facts: dict) -> dict:
    return facts | {"files": [{key: value for key, value in record.items() if key != "bytes_read"} for record in facts["files"]]}


def record_of(facts: dict, path: str) -> dict:
    return next(record for record in facts["files"] if record["path"] == path)


def safetensors_header_end(file) -> int:
    with file.open("rb") as handle:
        return 8 + struct.unpack("<Q", handle.read(8))[0]


def test_a_safetensors_folder_in_s3_gives_the_local_facts_from_its_headers(s3, minilm_dir):
    local = extract_facts(minilm_dir).to_dict()
    remote = extract_facts(f"s3://{BUCKET}/minilm/").to_dict()
    assert without_bytes_read(remote) == without_bytes_read(local)
    weights = record_of(remote, "model.safetensors")
    assert weights["sha256"] == hashlib.sha256((minilm_dir / "model.safetensors").read_bytes()).hexdigest()
    end = safetensors_header_end(minilm_dir / "model.safetensors")
    assert end <= weights["bytes_read"] <= HEAD + max(BLOCK, end)  # the header, not the 90 MB of tensors
    config = record_of(remote, "config.json")
    assert config["bytes_read"] == HEAD + config["size"]  # configs are read whole
    assert record_of(remote, "vocab.txt")["bytes_read"] == HEAD  # a file no reader needs costs its format check only
    assert sum(record["bytes_read"] for record in remote["files"]) < 300_000


def test_the_block_size_is_configurable_and_a_small_block_reads_the_header_exactly(s3, minilm_dir, monkeypatch):
    end = safetensors_header_end(minilm_dir / "model.safetensors")
    assert end > 4096
    facts = extract_facts(f"s3://{BUCKET}/minilm/model.safetensors", digest=False, block_bytes=4096).to_dict()
    assert record_of(facts, "model.safetensors")["bytes_read"] == HEAD + end  # one block, then exactly the rest of the header
    monkeypatch.setenv("MODELLAKE_READ_BLOCK_BYTES", "4096")
    assert record_of(extract_facts(f"s3://{BUCKET}/minilm/model.safetensors", digest=False).to_dict(), "model.safetensors")["bytes_read"] == HEAD + end


def test_a_gguf_file_over_http_is_read_by_ranges_and_the_server_sends_only_what_is_reported(served, smollm_gguf):
    local = extract_facts(smollm_gguf, digest=False).to_dict()
    remote = extract_facts(f"{served.url}/{smollm_gguf.name}", digest=False).to_dict()
    assert without_bytes_read(remote) == without_bytes_read(local)
    size = smollm_gguf.stat().st_size
    record = record_of(remote, smollm_gguf.name)
    assert 1_000_000 < record["bytes_read"] < size // 20  # the 1.8 MB key-value header and tensor table of a 98 MB file
    assert served.sent == record["bytes_read"]  # what the server sent is what the facts say was read
    assert served.ranges and all(value.startswith("bytes=") for value in served.ranges)


def test_a_gguf_file_in_s3_gives_the_local_facts(s3, smollm_gguf):
    local = extract_facts(smollm_gguf, digest=False).to_dict()
    remote = extract_facts(f"s3://{BUCKET}/smollm/{smollm_gguf.name}", digest=False).to_dict()
    assert without_bytes_read(remote) == without_bytes_read(local)
    assert record_of(remote, smollm_gguf.name)["bytes_read"] < smollm_gguf.stat().st_size // 20


def test_sha256_is_streamed_from_the_object_store(s3, served, smollm_gguf):
    expected = hashlib.sha256(smollm_gguf.read_bytes()).hexdigest()
    assert sha256_file(f"s3://{BUCKET}/smollm/{smollm_gguf.name}") == expected
    assert sha256_file(f"{served.url}/{smollm_gguf.name}") == expected
    assert served.sent == smollm_gguf.stat().st_size  # each byte once


def test_a_file_uri_reads_like_its_path(smollm_gguf):
    assert extract_facts(f"file://{smollm_gguf}", digest=False).to_dict() == extract_facts(smollm_gguf, digest=False).to_dict()


@pytest.mark.parametrize("location, message", [
    ("ftp://example.org/model.gguf", "ftp:// is not a scheme the lake reads model files over (file, http, https, s3)"),
    (f"s3://{BUCKET}/minilm/../smollm/x.gguf", "'..' or '.' path segments"),
    ("https://user:secret@example.org/model.gguf", "credentials in a URI"),
])
def test_unusable_uris_are_refused_with_the_reason(location, message, s3):
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        extract_facts(location)


def card_with(artifacts: list[dict], tmp_path):
    return card_from_dict({"schema_version": "1", "name": "acme/remote", "version": "1.0", "owners": [{"name": "Jane"}], "license": "mit",
                           "artifacts": artifacts}, str(tmp_path / "model_card.yaml"))


def test_a_card_artifact_by_uri_is_read_and_its_digest_checked(s3, smollm_gguf, tmp_path):
    from engine.governance.evidence import file_facts
    from engine.governance.review import review_card

    digest = hashlib.sha256(smollm_gguf.read_bytes()).hexdigest()
    card = card_with([{"uri": f"s3://{BUCKET}/smollm/{smollm_gguf.name}", "format": "gguf", "sha256": digest}], tmp_path)
    files, facts = file_facts(card)
    assert (str(files.root), files.missing, files.unread) == (f"s3://{BUCKET}/smollm/{smollm_gguf.name}", (), ())
    assert (facts["format"], facts["architecture"], facts["missing_artifacts"]) == ("gguf", "llama", [])
    assert record_of(facts, smollm_gguf.name)["sha256"] == digest
    outcomes = {finding.rule_id: finding.outcome for finding in review_card(card, facts).findings}
    assert (outcomes["security.digest-matches"], outcomes["security.artifacts-present"]) == ("pass", "pass")


def test_a_missing_object_is_a_missing_artifact(s3, tmp_path):
    from engine.governance.evidence import file_facts

    files, facts = file_facts(card_with([{"uri": f"s3://{BUCKET}/nothing/here.safetensors", "format": "safetensors"}], tmp_path))
    assert (files.root, files.missing, facts) == (None, (f"s3://{BUCKET}/nothing/here.safetensors",), {"missing_artifacts": [f"s3://{BUCKET}/nothing/here.safetensors"]})


def test_a_uri_outside_the_lakes_stores_is_not_read_and_says_why(s3, tmp_path):
    """The CLI and the workers read only the URI prefixes MODELLAKE_ARTIFACT_URIS names (here s3://models/): anything else is left
    unread, never fetched, and the facts stay unknown (rules on them are unverified)."""
    from engine.governance.evidence import file_facts

    uri = f"s3://{OTHER_BUCKET}/secret/model.safetensors"
    files, facts = file_facts(card_with([{"uri": uri, "format": "safetensors"}], tmp_path))
    assert (files.root, facts) == (None, None)
    assert files.unread == ((uri, f"not inside the URI prefixes this lake reads model files from (MODELLAKE_ARTIFACT_URIS: s3://{BUCKET}/)"),)


def test_several_artifacts_in_one_s3_folder_are_read_as_that_folder(s3, minilm_dir, tmp_path):
    from engine.governance.evidence import file_facts

    card = card_with([{"uri": f"s3://{BUCKET}/minilm/model.safetensors", "format": "safetensors"},
                      {"uri": f"s3://{BUCKET}/minilm/config.json", "format": "other"}], tmp_path)
    files, facts = file_facts(card)
    assert str(files.root) == f"s3://{BUCKET}/minilm/"
    assert (facts["format"], facts["parameters"], facts["embedding_dim"]) == ("safetensors", 22_713_216, 384)


def test_inspect_reads_a_uri(s3, smollm_gguf):
    from click.testing import CliRunner

    from api.cli import main

    result = CliRunner().invoke(main, ["inspect", f"s3://{BUCKET}/smollm/{smollm_gguf.name}", "--no-digest", "--json"])
    assert result.exit_code == 0, result.output
    assert '"architecture": "llama"' in result.output and '"bytes_read"' in result.output
