"""Child processes the engine runs under limits (evidence jobs, harness reruns): started in their own process group."""
from __future__ import annotations

import os
import signal
import subprocess


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the child's whole process group (its own children too) and reap it; a group already gone is fine."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
