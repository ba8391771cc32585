"""A job child that never finishes: run_limited must kill it at the deadline (tests/jobs/test_evidence_jobs.py)."""
import time

from engine.jobs.limits import serve_child

if __name__ == "__main__":
    serve_child(lambda request: time.sleep(request["seconds"]) or {"slept": request["seconds"]})
