"""What the review page shows a reviewer, built from a version's detail, its Review and who is looking.

Findings are grouped by what the reviewer must do (FINDING_GROUPS: failures first, passes folded away), the card is
split into numbered lines that findings link to, and no server path is shown: every path is made relative to the card's
folder or the artifacts' folder, and any other absolute path keeps only its file name.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from engine.policy.severity import rank

DIGEST = re.compile(r"(?<![0-9a-f])(?:sha256:)?[0-9a-f]{64}(?![0-9a-f])")
# an absolute path inside text: a slash not glued to a word, a dot, a colon or another slash (so not text/plain, n/a, https://)
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/-])/[^\s:'\"(),;]+")


@dataclass(frozen=True)
class FindingGroup:
    id: str
    title: str
    outcomes: tuple[str, ...]
    empty: str = ""  # said when the group is empty; a group without it is left out


# In reading order. Passed and not-applicable findings are not a group: they fold into one closed <details>.
FINDING_GROUPS = (
    FindingGroup("failed", "Failed", ("error", "fail"), empty="No rule failed."),
    FindingGroup("warnings", "Warnings", ("warn",)),
    FindingGroup("unverified", "Not checked", ("unverified",), empty="Every rule that applies was checked."),
    FindingGroup("waived", "Waived", ("waived",)),
)
SETTLED = ("pass", "not_applicable")
FLAGGING = ("error", "fail", "warn", "unverified")  # outcomes whose card line is marked


@dataclass(frozen=True)
class CardLine:
    number: int
    text: str
    findings: list[str] = field(default_factory=list)  # rule ids citing this line


def short_digest(digest: str) -> str:
    return f"{digest[:8]}…{digest[-6:]}"


def is_digest(value: object) -> bool:
    return isinstance(value, str) and DIGEST.fullmatch(value) is not None


def digest_parts(text: str) -> list[tuple[bool, str]]:
    """`text` cut around the digests it holds: (is a digest, piece), so a template can shorten each one."""
    parts, start = [], 0
    for match in DIGEST.finditer(text):
        parts += [(False, text[start:match.start()]), (True, match.group(0))]
        start = match.end()
    return [part for part in parts + [(False, text[start:])] if part[1]]


def shown_paths(data: object, roots: tuple[str, ...]) -> object:
    """`data` (JSON-like) with each absolute path in its strings relative to the first of `roots` holding it, or reduced
    to its file name when no root holds it."""
    if isinstance(data, dict):
        return {key: shown_paths(value, roots) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [shown_paths(value, roots) for value in data]
    if isinstance(data, str) and "/" in data:
        return ABSOLUTE_PATH.sub(lambda match: _relative(match.group(0), roots), data)
    return data


def _relative(path: str, roots: tuple[str, ...]) -> str:
    for root in roots:
        if path == root:
            return "."
        if path.startswith(root.rstrip("/") + "/"):
            return path[len(root.rstrip("/")) + 1:]
    return PurePosixPath(path).name


def path_roots(card_source: str | None, card: dict) -> tuple[str, ...]:
    """The card's folder, then the folders of its local artifacts, each as written and as resolved (symlinks followed)."""
    if not card_source or not os.path.isabs(card_source):
        return ()
    folder = os.path.dirname(card_source)
    artifact_dirs = [os.path.dirname(os.path.join(folder, artifact["path"])) for artifact in card.get("artifacts") or []
                     if isinstance(artifact, dict) and isinstance(artifact.get("path"), str)]
    roots = []
    for root in [folder, *artifact_dirs]:
        for spelling in (os.path.normpath(root), os.path.realpath(root)):
            if spelling not in roots and spelling != "/":
                roots.append(spelling)
    return tuple(roots)


def grouped_findings(review: dict) -> tuple[list[tuple[FindingGroup, list[dict]]], list[dict]]:
    """(each shown group with its findings, most severe first; the passed and not-applicable findings)."""
    findings = review["findings"] + review["waived"]
    groups = []
    for group in FINDING_GROUPS:
        members = sorted((f for f in findings if f["outcome"] in group.outcomes), key=lambda f: (-rank(f["severity"]), f["rule_id"]))
        if members or group.empty:
            groups.append((group, members))
    settled = sorted((f for f in findings if f["outcome"] in SETTLED), key=lambda f: (f["outcome"], f["rule_id"]))
    return groups, settled


def card_lines(text: str, cited: dict[int, list[str]]) -> list[CardLine]:
    return [CardLine(number, line, cited.get(number, [])) for number, line in enumerate(text.splitlines(), start=1)]


def cited_lines(review: dict) -> dict[int, list[str]]:
    """card line -> the rules that failed, warned or went unchecked there."""
    cited: dict[int, list[str]] = {}
    for finding in review["findings"]:
        line = ((finding["evidence"] or {}).get("source") or {}).get("line")
        if finding["outcome"] in FLAGGING and line:
            cited.setdefault(line, []).append(finding["rule_id"])
    return cited


def compare_targets(ref: str, versions: list[str], name: str, graph) -> list[tuple[str, str]]:
    """(label, other ref) to diff this version against: the version before it, then each parent that is in the lake."""
    version = ref.rpartition("@")[2]
    targets = []
    position = versions.index(version) if version in versions else 0
    if position > 0:
        targets.append((f"previous version {versions[position - 1]}", f"{name}@{versions[position - 1]}"))
    for edge in graph.edges:
        parent = graph.nodes.get(edge.parent)
        if edge.child == ref and edge.relation != "version" and parent is not None and parent.status is not None:
            targets.append((f"parent {edge.parent}", edge.parent))
    return targets


def decision_refusal(user, submitted_by: str | None) -> str | None:
    """Why `user` is not offered the decision buttons, or None when they may decide (the engine checks again on submit)."""
    from engine.governance.decisions import decides_own_submission

    if not user.may("decide"):
        return f"{user.name} ({user.role}) may not decide: reviewers and admins decide."
    if decides_own_submission(submitted_by, user.name):
        return f"You ({user.name}) submitted this version. Separation of duties: another reviewer decides on it."
    return None
