"""The parent side of a rerun: start the worker, relay its progress, enforce the time limit.

A harness that hangs is killed (its whole process group) at the deadline; one that crashes, runs out of
memory or prints garbage becomes an {"event": "error", "reason": ...} outcome. Nothing here raises for a
harness failure, so a rerun can never take its caller (a CLI command, a server) down with it.
"""
from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Callable

from engine.evals.harness import HarnessTask
from engine.processes import kill_group

DEFAULT_TIMEOUT_S = 900.0
DEFAULT_MEMORY_LIMIT = 16 << 30  # torch and tokenizers reserve far more address space than they touch
STDERR_TAIL_CHARS = 2000
EXIT_GRACE_S = 10.0

OnProgress = Callable[[float, float | None], None]


def run_isolated(target: str, task: HarnessTask, *, timeout: float = DEFAULT_TIMEOUT_S,
                 memory_limit: int | None = DEFAULT_MEMORY_LIMIT, on_progress: OnProgress | None = None) -> dict:
    """Run harness `target` on `task` in a fresh Python process; returns the worker's result or error event."""
    request = json.dumps({"target": target, "task": task.to_dict(), "memory_limit": memory_limit})
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "engine.evals.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=stderr, text=True, start_new_session=True, env=_worker_environment(),
        )
        process.stdin.write(request)
        process.stdin.close()
        events: queue.Queue = queue.Queue()
        threading.Thread(target=_read_events, args=(process.stdout, events), daemon=True).start()
        outcome = _await_outcome(events, time.monotonic() + timeout, on_progress)
        if outcome is None:
            kill_group(process)
            return {"event": "error", "reason": f"timed out after {timeout:g} s (process killed)"}
        try:
            process.wait(timeout=EXIT_GRACE_S)
        except subprocess.TimeoutExpired:  # a result was sent but the process lingers (stuck threads)
            kill_group(process)
        if outcome["event"] == "eof":
            stderr.seek(0)
            return {"event": "error", "reason": _crash_reason(process.returncode, stderr.read()[-STDERR_TAIL_CHARS:])}
        return outcome


def _worker_environment() -> dict[str, str]:
    # The worker imports the same checkout as the caller (and its test-only harness modules), from any cwd.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.environ.get("PYTHONPATH")
    return os.environ | {"PYTHONPATH": root + (os.pathsep + path if path else ""), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def _read_events(stream, events: queue.Queue) -> None:
    for line in stream:
        try:
            events.put(json.loads(line))
        except json.JSONDecodeError:
            events.put({"event": "error", "reason": f"worker wrote a malformed line: {line[:200]!r}"})
    events.put({"event": "eof"})


def _await_outcome(events: queue.Queue, deadline: float, on_progress: OnProgress | None) -> dict | None:
    """The first non-progress event, or None when the deadline passes first."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            event = events.get(timeout=remaining)
        except queue.Empty:
            return None
        if event["event"] != "progress":
            return event
        if on_progress is not None:
            on_progress(event["done"], event["total"])


def _crash_reason(returncode: int, stderr_tail: str) -> str:
    if returncode < 0:
        cause = f"killed by signal {signal.Signals(-returncode).name}"
    else:
        cause = f"exited with code {returncode}"
    last_line = next((line for line in reversed(stderr_tail.strip().splitlines()) if line.strip()), "")
    return f"worker {cause} without a result" + (f": {last_line}" if last_line else "")
