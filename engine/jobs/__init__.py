"""Heavy work as jobs on procrastinate, a Postgres-based distributed task queue whose broker is the lake's own Postgres.

`queue` builds the procrastinate App for a lake and defers jobs inside the caller's transaction (a submission and
its jobs commit together or not at all); `limits` runs one job's work in a child process it can kill at the job's
time limit. The jobs themselves (facts, behaviour signatures, reruns, lineage) are governance's:
engine/governance/evidence_jobs.py. This package never imports engine.governance.
"""
