"""Harnesses that exist only for tests; registered per test with engine.evals.registered_harness."""
from __future__ import annotations

import os
import time

from engine.evals.harness import PROPORTION, Harness, HarnessResult, HarnessTask, ReportProgress


class EchoHarness(Harness):
    """Reports `args.value` on `args.samples` samples: drives the comparison without loading a model."""

    metrics = {"accuracy": PROPORTION}

    def run(self, task: HarnessTask, report: ReportProgress) -> HarnessResult:
        report(1, 1)
        return HarnessResult(metrics={"accuracy": float(task.args["value"])}, samples=int(task.args["samples"]), data_sha256="0" * 64)


class HangingHarness(EchoHarness):
    def run(self, task: HarnessTask, report: ReportProgress) -> HarnessResult:
        report(0, 1)
        time.sleep(3600)


class RaisingHarness(EchoHarness):
    def run(self, task: HarnessTask, report: ReportProgress) -> HarnessResult:
        raise RuntimeError("tokenizer file is missing")


class CrashingHarness(EchoHarness):
    def run(self, task: HarnessTask, report: ReportProgress) -> HarnessResult:
        os._exit(3)  # like a segfaulting extension: no exception, no result


class GreedyHarness(EchoHarness):
    def run(self, task: HarnessTask, report: ReportProgress) -> HarnessResult:
        bytearray(2 << 30)  # 2 GiB, above the test's 512 MiB address-space limit
        return super().run(task, report)
