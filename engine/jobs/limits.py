"""One job's work in a child process with a time limit: the process group is killed at the deadline.

The parent writes one JSON request to the child's stdin and reads one JSON line back ({"result": ...} or
{"error": ..., "input": bool}). The child exits by itself when its parent dies, so a worker killed with SIGKILL
leaves no work running behind it; the queue gives the job to another worker (engine.jobs.queue).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

from engine.errors import ModelLakeError
from engine.processes import kill_group

STDERR_TAIL_CHARS = 2000
PARENT_CHECK_S = 0.5
PARENT_VARIABLE = "MODELLAKE_JOB_PARENT"  # the parent's pid: a child whose parent died before it looked still knows


class JobTimedOut(ModelLakeError):
    """The job's work ran past its time limit and was killed (worth retrying: the machine may have been busy)."""


class JobCrashed(ModelLakeError):
    """The child died without a result: killed, out of memory, a bug (worth retrying)."""


class JobInputRejected(ModelLakeError):
    """The work ended with the engine's own error about its input (a corrupt file, a missing path): retrying cannot help."""


def run_limited(module: str, request: dict, timeout: float) -> dict:
    """Run `python -m module` on `request`; its result, or JobTimedOut / JobCrashed / JobInputRejected."""
    root = Path(__file__).resolve().parents[2]  # the child imports the same checkout as its parent
    path = os.environ.get("PYTHONPATH")
    env = os.environ | {"PYTHONPATH": str(root) + (os.pathsep + path if path else ""), "HF_HUB_OFFLINE": "1", PARENT_VARIABLE: str(os.getpid())}
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as stderr:
        process = subprocess.Popen([sys.executable, "-m", module], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True,
                                   start_new_session=True, env=env)
        try:
            output, _ = process.communicate(json.dumps(request), timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(process)
            raise JobTimedOut(f"{module} ran past its {timeout:g} s time limit and was killed") from None
        except BaseException:  # the worker is stopping: its child must not outlive the job
            kill_group(process)
            raise
        stderr.seek(0)
        tail = stderr.read()[-STDERR_TAIL_CHARS:]
    lines = [line for line in output.splitlines() if line.strip()]
    if process.returncode != 0 or not lines:
        last = next((line for line in reversed(tail.strip().splitlines()) if line.strip()), "")
        raise JobCrashed(f"{module} exited with code {process.returncode} without a result" + (f": {last}" if last else ""))
    answer = json.loads(lines[-1])
    if "error" in answer:
        raise (JobInputRejected if answer.get("input") else JobCrashed)(answer["error"])
    return answer["result"]


def serve_child(handle: Callable[[dict], dict]) -> None:
    """The child side: run `handle(request)` once and write its answer; exit at once if the parent goes away."""
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to stderr, not into the protocol
    parent = int(os.environ.get(PARENT_VARIABLE) or os.getppid())

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(70)  # re-parented: the worker died, maybe while this process was still importing

    threading.Thread(target=watch_parent, daemon=True).start()
    request = json.loads(sys.stdin.read())
    try:
        answer = {"result": handle(request)}
    except ModelLakeError as error:
        answer = {"error": f"{type(error).__name__}: {error}", "input": error.status < 500}
    except Exception as error:  # noqa: BLE001 - reported to the parent, which retries or records the failure
        answer = {"error": f"{type(error).__name__}: {error}", "input": False}
    protocol.write(json.dumps(answer, default=str) + "\n")
    protocol.close()
