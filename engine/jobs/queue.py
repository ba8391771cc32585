"""The job queue of a lake: a procrastinate App over the lake's Postgres, deferral inside a transaction, stalled-job recovery.

Workers (`modellake worker`, on any machine with the same DATABASE_URL) heartbeat every HEARTBEAT_S seconds. A
worker that stops heartbeating (SIGKILL, a lost machine) leaves its jobs in `doing`; every worker runs the
`retry_stalled_jobs` periodic task, which puts the jobs of workers silent for STALLED_AFTER_S back in the queue,
so another worker picks them up. Procrastinate defers each periodic tick once, however many workers there are.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

QUEUE = "evidence"
HEARTBEAT_S = 10.0  # procrastinate's default heartbeat
STALLED_AFTER_S = 30.0  # silent this long: its jobs go back to the queue (3 missed heartbeats)
STALLED_CHECK_CRON = "*/5 * * * * *"  # every 5 s (the 6th field is seconds)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerOptions:
    """How one `modellake worker` runs: how often it heartbeats and when a silent peer's jobs are taken back."""

    concurrency: int = 1
    heartbeat_s: float = HEARTBEAT_S
    stalled_after_s: float = STALLED_AFTER_S
    name: str | None = None


def conninfo(url: str) -> str:
    """The libpq form of a lake's SQLAlchemy URL (procrastinate talks to psycopg directly)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def job_app(url: str, tasks: Callable[[], object]):
    """The procrastinate App for the lake at `url`, with the tasks of the blueprint `tasks()` builds (one App per process and lake)."""
    from sqlalchemy.engine import make_url

    return _app(make_url(url).render_as_string(hide_password=False), tasks)


@functools.cache
def _app(url: str, tasks: Callable[[], object]):
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))
    app.add_tasks_from(tasks(), namespace="lake")  # a fresh blueprint: adding one renames its tasks in place

    @app.periodic(cron=STALLED_CHECK_CRON)
    @app.task(name="lake:retry_stalled_jobs", queueing_lock="retry_stalled_jobs", queue=QUEUE, pass_context=True)
    async def retry_stalled_jobs(context, timestamp: int) -> None:
        """Put the jobs of workers silent for stalled_after_s back in the queue (procrastinate's recipe for stalled jobs)."""
        seconds = (context.additional_context or {}).get("stalled_after_s", STALLED_AFTER_S)
        for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds):
            logger.warning("job %s (%s) was running on a silent worker; back in the queue", job.id, job.task_name)
            await app.job_manager.retry_job(job)

    return app


def defer_in(session: Session, app, task_name: str, **kwargs) -> int:
    """Enqueue `task_name(**kwargs)` in `session`'s transaction: the job exists if and only if the transaction commits."""
    connection = session.connection().connection.driver_connection  # the psycopg connection under the session
    return app.configure_task(name=task_name, connection=connection).defer(**kwargs)


def run_worker(app, options: WorkerOptions, context: dict) -> None:
    """Drain the lake's queue until SIGINT/SIGTERM (which finish the running job first)."""
    app.run_worker(queues=[QUEUE], concurrency=options.concurrency, name=options.name, update_heartbeat_interval=options.heartbeat_s,
                   stalled_worker_timeout=options.stalled_after_s, additional_context=context | {"stalled_after_s": options.stalled_after_s})
