"""The generated model family (examples/derive_family.py), built once per session and cached.

Cached under $MODELLAKE_HOME/family when MODELLAKE_HOME is set (reused across runs), else in a session
temporary directory.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.cards import load_card
from engine.cards.artifacts import weights_path_for
from engine.governance.evidence import Evidence
from engine.governance.submission import submit


@pytest.fixture(scope="session")
def family_dir(tmp_path_factory) -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("peft")
    from examples.derive_family import build_family

    home = os.environ.get("MODELLAKE_HOME")
    root = Path(home).expanduser() / "family" if home else tmp_path_factory.mktemp("family")
    build_family(root)
    return root


@pytest.fixture
def submit_member(lake, family_dir):
    """Submit one family member's card (optionally edited: a None value removes the field) with its weights.

    With rerun=True the card's evaluations are rerun on the member's weights first (real worker) and stored.
    """

    def submit_one(name: str, rerun: bool = False, **changes):
        card = load_card(family_dir / name / "card.yaml")
        if changes:
            from engine.cards import card_from_dict

            data = {k: v for k, v in (card.data | changes).items() if v is not None}
            card = card_from_dict(data, source=card.source)
        weights = weights_path_for(card)
        evals = None
        if rerun:
            from engine.evals import rerun_evaluations

            evals = rerun_evaluations(card, weights, timeout=600)
        return submit(lake, card, Evidence(weights=weights, evals=evals))

    return submit_one
