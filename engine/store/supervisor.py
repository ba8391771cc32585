"""Supervision of the embedded Postgres by the process that serves it: when the postmaster dies (killed, crashed,
out of memory), it is started again, so a server recovers by itself instead of answering 503 until someone notices.

While it is down, every database call fails with DatabaseUnavailable (503 with Retry-After over HTTP) and each
transaction rolls back whole; after the restart the connection pool's pre-ping replaces the dead connections.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

log = logging.getLogger("modellake.store")
CHECK_EVERY_S = 0.5
# After a crash Postgres first fsyncs every file of the data directory, one by one (4-5 s on a busy disk, before any
# WAL is replayed); syncfs flushes the file system in one call (well under a second). Read at the next start.
FAST_RECOVERY = "recovery_init_sync_method = syncfs"


class PostgresSupervisor:
    """A daemon thread that checks the embedded postmaster of `pgdata` and restarts it when it is gone."""

    def __init__(self, pgdata: Path, every: float = CHECK_EVERY_S):
        import pgserver

        self.server = pgserver.get_server(pgdata)  # the instance this process already holds, started
        _configure_fast_recovery(Path(self.server.pgdata))
        self.every = every
        self.restarts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="postgres-supervisor", daemon=True)

    def start(self) -> PostgresSupervisor:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def check(self) -> bool:
        """Restart the postmaster if it is not running; True when it was restarted."""
        info = self.server.get_postmaster_info()
        if info.is_running():
            return False
        began = time.monotonic()
        log.warning("embedded Postgres (postmaster pid %s) is not running; restarting it", info.pid)
        with self.server._lock:  # pgserver's inter-process lock: its documented precondition for (re)starting a server
            self.server.ensure_postgres_running()
        self.restarts += 1
        log.warning("embedded Postgres restarted in %.1f s (pid %s)", time.monotonic() - began, self.server.get_pid())
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.check()
            except Exception:  # noqa: BLE001 - a failed start (old backends still exiting) is retried on the next tick
                log.exception("restarting the embedded Postgres failed; retrying in %.1f s", self.every)


def _configure_fast_recovery(pgdata: Path) -> None:
    conf = pgdata / "postgresql.conf"
    text = conf.read_text()
    if FAST_RECOVERY not in text:
        conf.write_text(text.rstrip("\n") + f"\n\n# Model Lake's supervisor restarts a crashed server: recover fast\n{FAST_RECOVERY}\n")
