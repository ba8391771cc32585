"""The pickle gate against maintained scanners, over the hostile corpus of tests/facts/hostile_pickles.py.

For every probe: the severity of the lake's own scan (opcode walk, no scanner findings), each scanner's
verdict (picklescan, fickling, modelscan in their static modes, as engine.facts.scanners runs them), and the
lake's final severity (its own findings joined with the scanners'). Prints the table and the catch counts:
a probe is caught when its verdict fails `audit --fail-on high` (lake: critical or high; a scanner: `unsafe`).
Nothing is ever unpickled. Usage: python benchmarks/pickle_gate.py
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from engine.facts import extract_facts
from engine.facts.record import SEVERITY_ORDER
from tests.facts.hostile_pickles import build_corpus

SCANNERS = ("picklescan", "fickling", "modelscan")
GATE = ("critical", "high")


def worst(findings: list[dict]) -> str:
    return min((f["severity"] for f in findings), key=SEVERITY_ORDER.index, default="none")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pickle-gate-") as folder:
        root = Path(folder)
        marker = root / "MARKER"
        probes = build_corpus(root / "corpus", marker)
        rows, started = [], time.perf_counter()
        for probe, path in probes:
            facts = extract_facts(path, digest=False).to_dict()["security"]
            own = worst([f for f in facts["findings"] if f["kind"] != "scanner"])
            verdicts = {name: facts["scanners"][probe.name][name]["verdict"] for name in SCANNERS}
            rows.append((probe.name, own, worst(facts["findings"]), verdicts))
        seconds = time.perf_counter() - started
        assert not marker.exists(), "a probe was executed"
    width = max(len(name) for name, *_ in rows)
    print(f"{'probe':{width}}  {'lake (own)':10}  {'lake':8}  " + "  ".join(f"{name:11}" for name in SCANNERS))
    for name, own, final, verdicts in rows:
        print(f"{name:{width}}  {own:10}  {final:8}  " + "  ".join(f"{verdicts[s]:11}" for s in SCANNERS))
    total = len(rows)
    caught = {"lake (own scan)": sum(own in GATE for _, own, _, _ in rows), "lake (with scanners)": sum(final in GATE for _, _, final, _ in rows)}
    caught |= {scanner: sum(v[scanner] == "unsafe" for *_, v in rows) for scanner in SCANNERS}
    caught["union of the three scanners"] = sum(any(v[s] == "unsafe" for s in SCANNERS) for *_, v in rows)
    print()
    for who, count in caught.items():
        print(f"caught by {who:28}: {count:2} of {total}")
    print(f"(facts and the three scanners over {total} files: {seconds:.1f} s)")


if __name__ == "__main__":
    main()
