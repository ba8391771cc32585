"""Evidence about a card, gathered before any transaction opens: facts from its files, reruns, search vectors.

`file_facts` is the one way every door reads a card's files (the audit gate and a submission alike): the
explicit weights, else the card's own artifacts resolved relative to the card (engine.cards.artifacts). A
listed artifact that does not exist is recorded in the facts as `missing_artifacts`, so a rule fails on it.

With `defer=True` nothing heavy happens here: the evidence names the jobs that will gather it after the
submission (engine.governance.evidence_jobs), and only the text embedding is computed now.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.cards import Card
from engine.cards.artifacts import CardFiles, card_files


@dataclass
class Evidence:
    """What the lake learned about a submission before writing it."""

    weights: Path | str | None = None  # the files' root: a local path, or a URI
    facts: dict | None = None
    fingerprint: dict | None = None
    evals: list[dict] | None = None  # rerun results made before the transaction (None: no rerun was made)
    extra: dict = field(default_factory=dict)
    deferred: tuple[str, ...] = ()  # evidence jobs to enqueue with the submission (engine.governance.evidence_jobs)


def file_facts(card: Card, weights: str | Path | None = None) -> tuple[CardFiles, dict | None]:
    """The card's files and the facts read from them (None when there is nothing to read)."""
    files = card_files(card, weights)
    facts = None
    if files.root is not None:
        from engine.facts import extract_facts

        facts = extract_facts(files.root).to_dict()
    if files.explicit or len(files.listed) > len(files.unread):  # URIs left unread tell nothing, not even that they are missing
        facts = (facts or {}) | {"missing_artifacts": list(files.missing)}
    return files, facts


def card_with_facts(path: str | Path, weights: str | Path | None = None) -> tuple[Card, CardFiles, dict | None]:
    """The card at `path` (a YAML card, or a README imported as one), its files and their facts. A README names
    no files, so the files audited become its artifacts, with the digests the lake computed."""
    from engine.cards.hf_import import load_card_or_readme, with_audited_artifacts

    card = load_card_or_readme(path)
    files, facts = file_facts(card, weights)
    return with_audited_artifacts(card, facts, files.root), files, facts


def rerun_claims(card: Card, weights: Path | None, facts: dict | None, *, datasets=None, submitter: str | None = None,
                 progress=None) -> list[dict]:
    """Re-run the card's harness-backed claims on `weights`, after their scan (the security findings in `facts`; the
    rerun scans the files itself when `facts` is None).

    The rerun step of a submission, a plain function: the synchronous path calls it before the transaction,
    and the reruns evidence job calls it the same way. `datasets` resolves the card's dataset names (the
    lake's registry; default only the lake's own sets).
    """
    from engine.evals import rerun_evaluations
    from engine.evals.dataset_registry import SHIPPED_ONLY

    scan = ((facts or {}).get("security") or {}).get("findings") if facts and weights is not None else None
    return rerun_evaluations(card, weights, progress=progress, datasets=datasets or SHIPPED_ONLY, submitter=submitter, scan=scan)


def gather_evidence(card: Card, weights: str | Path | None = None, *, rerun: bool = True, defer: bool = False, progress=None,
                    datasets=None, submitter: str | None = None, known: tuple[CardFiles, dict | None] | None = None) -> Evidence:
    """Everything slow, before the transaction: facts and fingerprint from the model's files (the scan included),
    the reruns of the card's harness-backed claims (unless `rerun` is False), and the search vectors.
    `known`: the files and facts already read (card_with_facts). With `defer`, only the text embedding: jobs
    gather the rest after the submission (the reruns job when the card has harness-backed claims)."""
    from engine.search.index import search_vectors

    if defer and known is None:
        from engine.governance.evidence_jobs import jobs_wanted

        files = card_files(card, weights)
        from engine.evals.records import harness_claims

        deferred = jobs_wanted(files, rerun=rerun and bool(harness_claims(card.data)))
        if deferred:
            facts = {"missing_artifacts": list(files.missing)} if files.explicit or len(files.listed) > len(files.unread) else None
            return Evidence(weights=files.root, facts=facts, deferred=deferred, extra={"search": search_vectors(card.name, card.data, None)})
    files, facts = known or file_facts(card, weights)
    # reruns load the model from this disk (local_root): weights behind a URI leave harness-backed claims not comparable
    evals = rerun_claims(card, files.local_root, facts, datasets=datasets, submitter=submitter, progress=progress) if rerun else None
    fingerprint = None
    if files.root is not None:
        from engine.facts import compute_fingerprint

        fingerprint = compute_fingerprint(files.root)
    return Evidence(weights=files.root, facts=facts, fingerprint=fingerprint, evals=evals,
                    extra={"search": search_vectors(card.name, card.data, files.local_root)})
