"""The isolated side of a rerun: `python -m engine.evals.worker`, one harness run per process.

Reads one JSON request on stdin ({target, task, memory_limit}), caps its own address space with
RLIMIT_AS before importing anything heavy, runs the harness and writes JSON lines to its original stdout:
{"event": "progress", "done", "total"} while working, then {"event": "result", ...} or
{"event": "error", "reason"}. Anything the libraries print goes to stderr, so it cannot corrupt the
protocol. The parent enforces the time limit by killing the process group.
"""
from __future__ import annotations

import json
import os
import platform
import random
import resource
import sys
import time
import traceback
from importlib.metadata import PackageNotFoundError, version


def library_versions(names: tuple[str, ...]) -> dict[str, str]:
    """Installed versions of the distributions a harness relies on, plus Python's."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def limit_memory(limit_bytes: int | None) -> None:
    if limit_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def run_request(request: dict, emit) -> None:
    """Run the requested harness and emit its result (or the reason it failed) through `emit`."""
    from engine.evals.harness import HarnessTask
    from engine.evals.registry import load_harness_class

    task = HarnessTask.from_dict(request["task"])
    random.seed(task.seed)
    started = time.perf_counter()
    try:
        harness_class = load_harness_class(request["target"])
        result = harness_class().run(task, lambda done, total=None: emit({"event": "progress", "done": done, "total": total}))
    except MemoryError:
        emit({"event": "error", "reason": f"out of memory (address-space limit {request.get('memory_limit')} bytes)"})
        return
    except Exception as error:  # noqa: BLE001 - any harness failure becomes an error result, never a crash of the caller
        emit({"event": "error", "reason": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc(limit=-8)})
        return
    emit({"event": "result", **result.to_dict(), "duration_s": round(time.perf_counter() - started, 3),
          "libraries": library_versions(harness_class.libraries)})


def main() -> None:
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints (C libraries included) go to stderr

    def emit(event: dict) -> None:
        protocol.write(json.dumps(event) + "\n")

    request = json.loads(sys.stdin.read())
    limit_memory(request.get("memory_limit"))
    run_request(request, emit)
    protocol.close()


if __name__ == "__main__":
    main()
