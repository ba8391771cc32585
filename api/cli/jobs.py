"""Job commands: `worker` (drain the evidence queue) and `jobs` (what the queue holds)."""
from __future__ import annotations

import click
from rich.table import Table

from api.cli._output import console, json_option, print_json
from engine.jobs.queue import HEARTBEAT_S, STALLED_AFTER_S

JOB_STATES = ("todo", "doing", "succeeded", "failed", "cancelled", "aborted")


@click.command()
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 64), help="Jobs run at once by this worker.")
@click.option("--heartbeat", default=HEARTBEAT_S, show_default=True, type=click.FloatRange(0.1, 3600), help="Seconds between heartbeats.")
@click.option("--stalled-after", default=STALLED_AFTER_S, show_default=True, type=click.FloatRange(0.5, 86400),
              help="Seconds of silence after which another worker's running jobs are taken back and run again.")
@click.option("--name", help="A name for this worker in the queue's records (default: procrastinate's).")
def worker(concurrency: int, heartbeat: float, stalled_after: float, name: str | None) -> None:
    """Run evidence jobs (facts and digests, behaviour signatures, reruns, lineage) until SIGINT/SIGTERM.

    Any number of workers, on any machines with the same DATABASE_URL, share the queue in the lake's Postgres.
    """
    from engine.governance.evidence_jobs import evidence_app
    from engine.jobs.queue import WorkerOptions, run_worker
    from engine.store.database import open_lake

    lake = open_lake()
    try:
        run_worker(evidence_app(lake.url), WorkerOptions(concurrency, heartbeat, stalled_after, name), {"lake": lake})
    finally:
        lake.dispose()


@click.command()
@click.option("--state", type=click.Choice(JOB_STATES), help="Only jobs in this state (failed: retries spent or bad input).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="How many, newest first.")
@json_option
def jobs(state: str | None, limit: int, as_json: bool) -> None:
    """List evidence jobs, newest first: task, state, attempts and the version each is for."""
    from engine.governance.evidence_jobs import list_jobs
    from engine.store.database import open_lake

    rows = list_jobs(open_lake(), status=state, limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "task", "state", "attempts", "version", "scheduled")
    for row in rows:
        table.add_row(str(row["id"]), row["task_name"], row["status"], str(row["attempts"]), row["ref"] or f"#{row['version_id']}",
                      (row["scheduled_at"] or "")[:19])
    console.print(table)


COMMANDS = [worker, jobs]
