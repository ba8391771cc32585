"""Evidence-job fixtures: model files in real formats (a small safetensors model, a corrupt one, a large sparse one)."""
from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import REPO

SPARSE_BYTES = 1 << 30  # a 1 GiB tensor of zeros: digesting it takes seconds, storing it takes no disk


@pytest.fixture
def small_model(tmp_path) -> Path:
    """A real safetensors file: 36 float32 parameters in two tensors."""
    import numpy as np
    from safetensors.numpy import save_file

    path = tmp_path / "small" / "model.safetensors"
    path.parent.mkdir()
    save_file({"layer.weight": np.ones((4, 8), dtype=np.float32), "layer.bias": np.zeros(4, dtype=np.float32)}, str(path))
    return path


@pytest.fixture
def corrupt_model(tmp_path) -> Path:
    """A safetensors file whose header claims more bytes than the file holds (a truncated download)."""
    path = tmp_path / "corrupt" / "model.safetensors"
    path.parent.mkdir()
    header = json.dumps({"w": {"dtype": "F32", "shape": [1024, 1024], "data_offsets": [0, 4 << 20]}}).encode()
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 1024)
    return path


@pytest.fixture
def large_sparse_model(tmp_path) -> Path:
    """A valid safetensors file with one 1 GiB tensor stored sparsely: headers are instant, the sha256 takes seconds."""
    path = tmp_path / "large" / "model.safetensors"
    path.parent.mkdir()
    header = json.dumps({"w": {"dtype": "U8", "shape": [SPARSE_BYTES], "data_offsets": [0, SPARSE_BYTES]}}).encode()
    with path.open("wb") as handle:
        handle.write(struct.pack("<Q", len(header)) + header)
        handle.truncate(8 + len(header) + SPARSE_BYTES)
    return path


def start_worker(database_url: str, *options: str) -> subprocess.Popen:
    """`modellake worker` in its own process (killed by its pid by the caller)."""
    env = os.environ | {"DATABASE_URL": database_url, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([str(Path(sys.executable).parent / "modellake"), "worker", *options], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def job_rows(lake, version_id: int) -> list[dict]:
    with lake.transaction() as session:
        return [dict(row) for row in session.execute(text(
            "SELECT j.id, j.task_name, j.status::text AS status, j.worker_id, "
            "(SELECT count(*) FROM procrastinate_events e WHERE e.job_id = j.id AND e.type = 'started') AS starts "
            "FROM procrastinate_jobs j WHERE (j.args->>'version_id')::bigint = :id ORDER BY j.id"), {"id": version_id}).mappings()]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def drain(lake) -> None:
    """Run the queue in this process until it is empty (procrastinate's worker with wait=False)."""
    from engine.governance.evidence_jobs import evidence_app
    from engine.jobs.queue import QUEUE

    evidence_app(lake.url).run_worker(queues=[QUEUE], wait=False, install_signal_handlers=False, additional_context={"lake": lake})


from tests.http.conftest import app, client, http_config, tokens  # noqa: E402,F401 - the HTTP fixtures, for the 202 tests
