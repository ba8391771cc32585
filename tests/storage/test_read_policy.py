"""Which locations a server reads: paths inside MODELLAKE_SERVER_ROOTS, URIs under MODELLAKE_ARTIFACT_URIS, nothing else."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden, UsageError
from engine.storage import check_uri

PREFIXES = ("s3://models/", "https://files.example.org/models/")


@pytest.mark.parametrize("uri", [
    "s3://models/minilm/model.safetensors",
    "s3://models/minilm/",
    "https://files.example.org/models/smollm/model.gguf",
])
def test_uris_under_a_prefix_are_read(uri):
    assert check_uri(uri, PREFIXES) == uri


@pytest.mark.parametrize("uri", [
    "s3://models-evil/minilm/model.safetensors",  # a prefix matches at a '/' only
    "s3://other-team/secret/model.safetensors",
    "http://files.example.org/models/smollm/model.gguf",  # the scheme is part of the prefix
    "https://files.example.org/modelsx/model.gguf",
    "https://files.example.org.evil.test/models/model.gguf",
])
def test_uris_outside_every_prefix_are_forbidden(uri):
    with pytest.raises(Forbidden, match="MODELLAKE_ARTIFACT_URIS"):
        check_uri(uri, PREFIXES)


@pytest.mark.parametrize("uri, reason", [
    ("s3://models/a/../../other-team/x", "'..' or '.' path segments"),
    ("https://files.example.org/models/./x", "'..' or '.' path segments"),
    ("https://someone:pw@files.example.org/models/x", "credentials in a URI"),
    ("gopher://files.example.org/models/x", "not a scheme the lake reads"),
    ("s3:///models/x", "names no bucket or host"),
])
def test_malformed_uris_are_bad_requests(uri, reason):
    with pytest.raises(UsageError, match=reason.replace(".", r"\.")):
        check_uri(uri, PREFIXES)


def test_no_prefix_configured_forbids_every_remote_uri():
    with pytest.raises(Forbidden, match=r"MODELLAKE_ARTIFACT_URIS: none"):
        check_uri("s3://models/x", ())
