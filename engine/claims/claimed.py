"""What a card claims about the one file a review audits: the `claimed` and `variant` roots of the review context.

Card-declared claims (`claims.*`) come with their card path. A README's claims come with their span, README
line and rule, and the range their rounding allows. When the README has a variant table and a file was read,
the row of that file is chosen (by file name, else quantization type, else size) and its claims win; the
choice and its reason are the `variant` record. A README field stated with two different values is not checked.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

CHECKED_FIELDS = ("architecture", "parameters", "layers", "hidden_size", "attention_heads", "kv_heads", "vocab_size", "context_length",
                  "dtype", "quantization", "embedding_dim", "max_sequence_length", "size_bytes")


def claimed_for(card: dict, facts: dict | None) -> tuple[dict, dict | None]:
    """(claimed: field -> entry, variant record or None) for `card` audited against `facts`."""
    entries = {field: {"value": value, "path": ["card", "claims", field]} for field, value in (card.get("claims") or {}).items()
               if field in CHECKED_FIELDS}
    readme = card.get("readme")
    if not isinstance(readme, dict):
        return entries, None
    source = readme.get("file")
    claims = [c for c in readme.get("claims") or [] if c.get("field") in CHECKED_FIELDS]
    for field in CHECKED_FIELDS:
        stated = [c for c in claims if c["field"] == field and not c.get("variant")]
        if stated and _agree(stated) and not _unchecked(field, facts):
            entries[field] = _entry(stated[0], source)
        elif len(stated) > 1:
            entries.pop(field, None)  # the README contradicts itself: nothing to check it by
    variant = choose_variant(readme, claims, facts) if readme.get("variants") else None
    if variant and variant.get("file"):
        for claim in claims:
            if claim.get("variant") == variant["file"] and not _unchecked(claim["field"], facts):
                entries[claim["field"]] = _entry(claim, source) | {"variant": variant["file"], "chosen_by": variant["why"]}
    return entries, variant


def _entry(claim: dict, source: str) -> dict:
    keys = ("value", "low", "high", "accepts", "span", "line", "rule", "unit")
    return {key: claim[key] for key in keys if key in claim} | {"file": source}


def _agree(claims: list[dict]) -> bool:
    return len({str(c["value"]).lower() for c in claims}) == 1


def _unchecked(field: str, facts: dict | None) -> bool:
    """A README's precision is how the model was trained; a GGUF file stores ggml block types, not that dtype."""
    return field == "dtype" and (facts or {}).get("format") == "gguf"


def _canonical(value: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(value).lower().removeprefix("mostly_"))


def choose_variant(readme: dict, claims: list[dict], facts: dict | None) -> dict:
    """The variant row of the audited file and why: its file name, else its quantization type, else its size."""
    rows = readme.get("variants") or []
    if not facts or not facts.get("files"):
        return {"file": None, "why": "no model file was read", "candidates": len(rows)}
    names = {PurePosixPath(record["path"]).name for record in facts["files"]}
    for row in rows:
        if row["file"] in names:
            return {"file": row["file"], "line": row.get("line"), "why": f"the file name {row['file']} is in its row"}

    def of(row, field):
        return next((c for c in claims if c.get("variant") == row["file"] and c["field"] == field), None)

    quantization = facts.get("quantization")
    matches = [row for row in rows if quantization and of(row, "quantization") and _canonical(of(row, "quantization")["value"]) == _canonical(quantization)]
    size = facts.get("size_bytes") or sum(record.get("size") or 0 for record in facts["files"])

    def fits(row):
        claim = of(row, "size_bytes")
        return claim is not None and claim.get("low", claim["value"]) <= size <= claim.get("high", claim["value"])

    if len(matches) > 1:
        matches = [row for row in matches if fits(row)] or matches
    if len(matches) == 1:
        return {"file": matches[0]["file"], "line": matches[0].get("line"), "why": f"its quantization {quantization} is the file's"}
    sized = [row for row in rows if fits(row)]
    if len(sized) == 1:
        return {"file": sized[0]["file"], "line": sized[0].get("line"), "why": f"its size matches the file's {size:,} bytes"}
    return {"file": None, "why": f"no row names {', '.join(sorted(names))}, lists quantization {quantization} or fits {size:,} bytes",
            "candidates": len(rows)}
