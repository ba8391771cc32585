"""Evidence-job throughput with 1 and with 2 `modellake worker` processes draining one lake's queue.

A fresh embedded Postgres (its own temporary MODELLAKE_HOME). Per round: the workers start and register (their
start-up is not timed), then --versions submissions are made with deferred evidence (as POST /models makes
them) in one transaction, and the clock runs until every version's evidence is complete. Each version is a
safetensors model of --megabytes MB (four float32 tensors, stored sparse: the sha256 reads every byte, the disk
holds none), so a version costs three jobs: facts (headers, sha256 of every byte, weight sketch; then it
enqueues lineage), behaviour (no runner applies to a bare safetensors file: a child process that finds so) and
lineage (declared-edge verification, parent suggestions among the lake's models). Every job runs in its own
time-limited child process, as in production. Printed: jobs/s and versions/s per worker count, and the speed-up.
Usage: python benchmarks/jobs.py [--versions 12] [--megabytes 256] [--rounds 1]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from engine.cards import card_from_dict  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.governance.evidence import gather_evidence  # noqa: E402
from engine.governance.submission import submit_batch  # noqa: E402
from engine.store.database import open_lake  # noqa: E402
from engine.store.tables import ModelVersion  # noqa: E402

console = Console(highlight=False, width=150)


def sparse_model(folder: Path, megabytes: int) -> Path:
    """A safetensors file of four float32 tensors adding up to `megabytes` MB, written sparse."""
    count = megabytes * (1 << 20) // 16  # floats per tensor
    header, offset = {}, 0
    for index in range(4):
        header[f"layers.{index}.weight"] = {"dtype": "F32", "shape": [count // 1024, 1024], "data_offsets": [offset, offset + count * 4]}
        offset += count * 4
    raw = json.dumps(header).encode()
    path = folder / "model.safetensors"
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(struct.pack("<Q", len(raw)) + raw)
        handle.truncate(8 + len(raw) + offset)
    return path


def start_workers(count: int, url: str, round_: int) -> list[subprocess.Popen]:
    env = os.environ | {"DATABASE_URL": url, "PYTHONPATH": str(REPO)}
    return [subprocess.Popen([str(Path(sys.executable).parent / "modellake"), "worker", "--name", f"bench-{round_}-{i}"], cwd=REPO, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(count)]


def wait_registered(lake, count: int) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with lake.transaction() as session:
            if session.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one() >= count:
                return
        time.sleep(0.2)
    raise SystemExit("workers did not register")


def pending(lake, ids: list[int]) -> int:
    with lake.transaction() as session:
        return session.execute(select(func.count()).select_from(ModelVersion).where(
            ModelVersion.id.in_(ids), ModelVersion.evidence["state"].astext == "pending")).scalar_one()


def one_round(lake, workers: int, versions: int, megabytes: int, root: Path, round_: int) -> tuple[float, int]:
    """(seconds from enqueueing to the last evidence, jobs run) with `workers` worker processes."""
    processes = start_workers(workers, lake.url, round_)
    try:
        wait_registered(lake, workers)
        batch = []
        for i in range(versions):
            data = {"schema_version": "1", "name": f"bench/w{workers}-r{round_}-m{i}", "version": "1.0", "owners": [{"name": "Bench"}],
                    "license": "mit", "description": "A model whose evidence the benchmark gathers with jobs."}
            card = card_from_dict(data, str(root / f"card-{workers}-{round_}-{i}.yaml"))
            batch.append((card, gather_evidence(card, sparse_model(root / f"w{workers}-r{round_}-m{i}", megabytes), defer=True)))
        started = time.perf_counter()
        results = submit_batch(lake, batch, submitted_by="bench")
        ids = [result.version_id for result in results]
        while pending(lake, ids):
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        with lake.transaction() as session:
            failed = session.execute(select(func.count()).select_from(ModelVersion).where(
                ModelVersion.id.in_(ids), ModelVersion.evidence["state"].astext != "complete")).scalar_one()
            jobs = session.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE task_name LIKE 'lake:evidence.%' "
                                        "AND (args->>'version_id')::bigint = ANY(:ids)"), {"ids": ids}).scalar_one()
        if failed:
            raise SystemExit(f"{failed} versions ended with failed evidence")
        return elapsed, jobs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=12, help="submissions per round")
    parser.add_argument("--megabytes", type=int, default=256, help="size of each model file")
    parser.add_argument("--rounds", type=int, default=1, help="rounds per worker count (medians are printed)")
    args = parser.parse_args()
    console.print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    home = Path(tempfile.mkdtemp(prefix="modellake-bench-jobs-"))
    lake = open_lake(Settings(home=home, database_url=None))
    results: dict[int, list[tuple[float, int]]] = {1: [], 2: []}
    try:
        for round_ in range(args.rounds):
            for workers in (1, 2):
                elapsed, jobs = one_round(lake, workers, args.versions, args.megabytes, home / "models", round_)
                results[workers].append((elapsed, jobs))
                console.print(f"round {round_ + 1}, {workers} worker(s): {jobs} jobs in {elapsed:.1f}s", style="dim")
    finally:
        lake.dispose()
    table = Table("workers", "versions", "jobs", "seconds (median)", "jobs/s", "versions/s", "MB digested/s", "speed-up",
                  title=f"evidence throughput, {args.versions} versions of {args.megabytes} MB per round, medians of {args.rounds}")
    base = statistics.median(elapsed for elapsed, _ in results[1])
    for workers, runs in results.items():
        elapsed, jobs = statistics.median(e for e, _ in runs), runs[0][1]
        table.add_row(str(workers), str(args.versions), str(jobs), f"{elapsed:.1f}", f"{jobs / elapsed:.2f}", f"{args.versions / elapsed:.2f}",
                      f"{args.versions * args.megabytes / elapsed:.0f}", f"{base / elapsed:.2f}x")
    console.print(table)
    console.print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
