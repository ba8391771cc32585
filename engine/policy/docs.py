"""The operator and selector reference of docs/policies.md, rendered from the tables themselves.

`python -m engine.policy.docs` prints it; tests/policy/test_docs.py fails when the document and the
tables disagree, so an operator cannot exist undocumented.
"""
from __future__ import annotations

from engine.policy.operators import OPERATORS
from engine.policy.selectors import SELECTORS
from engine.policy.severity import SEVERITY_TABLE


def operator_reference() -> str:
    """One section per operator: what it means and an example condition."""
    sections = []
    for operator in OPERATORS.values():
        sections.append(f"### `{operator.name}`\n\n{operator.summary}\n\n```yaml\ncondition:\n  {operator.example}\n```\n")
    return "\n".join(sections)


def selector_reference() -> str:
    rows = ["| selector | matches |", "| --- | --- |"]
    rows += [f"| `{key}` | {description}" + (f" (`{path}`)" if path else "") + " |" for key, (path, description) in SELECTORS.items()]
    return "\n".join(rows) + "\n"


def severity_reference() -> str:
    rows = ["| severity | a failure is reported as | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{s.name}` | {s.failure_outcome} | {s.meaning} |" for s in SEVERITY_TABLE]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(severity_reference(), selector_reference(), operator_reference(), sep="\n")
