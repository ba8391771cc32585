"""Scoring extracted claims against an expected-claims file (docs/claims.md): precision, recall, variant recovery.

Used by benchmarks/claims.py and the corpus tests, for tests/cards/readmes/ and benchmarks/claims_heldout/ alike.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CLAIM_FIELDS = ("parameters", "context_length", "max_sequence_length", "quantization", "architecture", "layers", "hidden_size",
                "attention_heads", "kv_heads", "vocab_size", "embedding_dim", "dtype", "size_bytes", "base_model", "dataset", "license",
                "intended_uses", "out_of_scope_uses", "limitations", "evaluation")
VARIANT_FIELDS = ("parameters", "quantization", "context_length", "size_bytes")
TEXT_FIELDS = frozenset({"intended_uses", "out_of_scope_uses", "limitations"})
# spellings another writer may use for the same field
FIELD_ALIASES = {"params": "parameters", "parameter_count": "parameters", "context": "context_length", "context_window": "context_length",
                 "max_seq_length": "max_sequence_length", "sequence_length": "max_sequence_length", "quant": "quantization",
                 "num_layers": "layers", "heads": "attention_heads", "num_attention_heads": "attention_heads", "num_kv_heads": "kv_heads",
                 "vocabulary_size": "vocab_size", "embedding_dimension": "embedding_dim", "size": "size_bytes", "datasets": "dataset",
                 "training_dataset": "dataset", "evaluations": "evaluation", "benchmark": "evaluation", "intended_use": "intended_uses",
                 "uses.intended": "intended_uses", "uses_intended": "intended_uses", "out_of_scope": "out_of_scope_uses", "uses.out_of_scope": "out_of_scope_uses",
                 "limitation": "limitations"}


@dataclass(frozen=True)
class Expected:
    field: str
    value: object
    line: int | None
    variant: str | None = None
    metric: str | None = None
    dataset: str | None = None
    quote: str | None = None  # a text field's words as the README writes them (`span` or `text`), its value may paraphrase


@dataclass
class ExpectedCard:
    claims: list[Expected]
    variants: list[dict]
    unverifiable_ok: bool


def canonical_field(name: str) -> str:
    name = str(name).strip().lower().removeprefix("claims.")
    return FIELD_ALIASES.get(name, name)


def load_expected(path: Path) -> ExpectedCard:
    """Expected claims; a list value is one claim per element, and an evaluation may be written {metric, value, dataset}."""
    data = yaml.safe_load(path.read_text()) or {}
    claims = []
    for c in data.get("claims") or []:
        values = c.get("value") if isinstance(c.get("value"), list) else [c.get("value")]
        for value in values:
            metric, dataset = c.get("metric"), c.get("dataset")
            if isinstance(value, dict):
                metric, dataset, value = value.get("metric", metric), value.get("dataset", dataset), value.get("value")
            claims.append(Expected(canonical_field(c["field"]), value, c.get("line"), c.get("variant"), metric, dataset,
                                   c.get("span") or c.get("text")))
    return ExpectedCard(claims, list(data.get("variants") or []), bool(data.get("unverifiable_ok", False)))


def _name(value: object) -> str:
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\s+datasets?$", "", str(value).lower().removeprefix("mostly_")))


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    from engine.claims.values import count, size, tokens

    for parser in (count, tokens, size):
        parsed = parser(str(value))
        if parsed is not None:
            return float(parsed.value)
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return None


def values_match(field_name: str, expected: object, claim) -> bool:
    """Numbers within the statement's rounding (or 0.5%), names without case or separators, texts by containment."""
    if field_name in TEXT_FIELDS:
        a, b = " ".join(str(expected).split()).lower(), " ".join(str(claim.value).split()).lower()
        return a in b or b in a
    number = _number(expected)
    if number is not None and isinstance(claim.value, (int, float)) and not isinstance(claim.value, bool):
        low = claim.low if claim.low is not None else claim.value
        high = claim.high if claim.high is not None else claim.value
        return low - abs(number) * 0.005 <= number <= high + abs(number) * 0.005
    a, b = _name(expected), _name(claim.value)
    if field_name in ("dataset", "base_model"):
        spellings = [claim.value, *(getattr(claim, "accepts", ()) or ())]
        return any(a == _name(s) or _name(str(expected).rsplit("/", 1)[-1]) == _name(str(s).rsplit("/", 1)[-1]) for s in spellings)
    if field_name == "quantization":
        return a == b or (bool(a) and bool(b) and (a.startswith(b) or b.startswith(a)))
    return a == b or any(_name(accepted) == a for accepted in getattr(claim, "accepts", ()) or ())


def _text_match(expected: Expected, claim) -> bool:
    """A text field matches by its value, or by the README's own words for it standing in the extracted text."""
    if values_match(expected.field, expected.value, claim):
        return True
    quote = " ".join(str(expected.quote or "").lstrip("> ").split()).lower()
    return bool(quote) and quote in " ".join(str(claim.value).split()).lower()


def _claim_match(expected: Expected, claim) -> bool:
    if expected.field == "evaluation":
        return _evaluation_match(expected, claim)
    return _text_match(expected, claim) if expected.field in TEXT_FIELDS else values_match(expected.field, expected.value, claim)


def _evaluation_match(expected: Expected, claim) -> bool:
    if not values_match("evaluation", expected.value, claim):
        return False
    if expected.metric and claim.metric and _name(expected.metric) not in _name(claim.metric) and _name(claim.metric) not in _name(expected.metric):
        return False
    return True


@dataclass
class CardScore:
    name: str
    expected: int = 0
    extracted: int = 0
    matched: int = 0
    line_right: int = 0
    variant_expected: int = 0
    variant_matched: int = 0
    unverifiable: int = 0
    missed: list = field(default_factory=list)
    spurious: list = field(default_factory=list)
    # per claim field: expected, extracted and matched (variant rows included), for precision and recall by field group
    expected_by_field: Counter = field(default_factory=Counter)
    extracted_by_field: Counter = field(default_factory=Counter)
    matched_by_field: Counter = field(default_factory=Counter)


def score_card(extraction, expected: ExpectedCard, name: str, front_end_line: int = 0) -> CardScore:
    score = CardScore(name, unverifiable=len(extraction.unverifiable))
    expected_claims = [c for c in expected.claims if not (c.line and c.line <= front_end_line)]
    extracted = [c for c in extraction.claims if c.line > front_end_line and c.field in CLAIM_FIELDS
                 and (c.variant is None or c.field in VARIANT_FIELDS)]
    variant_claims = [c for c in extracted if c.variant is not None]
    card_claims = [c for c in extracted if c.variant is None]
    # expected variant rows are claims too: one per (file, field)
    rows = [Expected(canonical_field(key), value, None, row.get("file")) for row in expected.variants for key, value in row.items()
            if key != "file" and canonical_field(key) in VARIANT_FIELDS]
    listed = {(_name(row.variant), row.field) for row in rows}
    rows += [c for c in expected_claims if c.variant and (_name(c.variant), c.field) not in listed]  # a cell listed both ways counts once
    score.variant_expected = len(rows)
    used: set[int] = set()
    for row in rows:
        hit = next((i for i, c in enumerate(variant_claims) if id(c) not in used and c.field == row.field
                    and _name(c.variant) == _name(row.variant) and values_match(row.field, row.value, c)), None)
        if hit is not None:
            used.add(id(variant_claims[hit]))
            score.variant_matched += 1
        else:
            score.missed.append(row)
    card_expected = [c for c in expected_claims if not c.variant]
    for claim in card_expected:
        candidates = [c for c in card_claims if id(c) not in used and canonical_field(c.field) == claim.field and _claim_match(claim, c)]
        candidates.sort(key=lambda c: abs(c.line - (claim.line or c.line)))
        if candidates:
            used.add(id(candidates[0]))
            score.matched += 1
            score.line_right += candidates[0].line == claim.line
        else:
            score.missed.append(claim)
    score.expected = len(card_expected)
    score.extracted = len(card_claims)
    score.spurious = [c for c in card_claims if id(c) not in used]
    score.spurious += [c for c in variant_claims if id(c) not in used]
    score.extracted += len(variant_claims)
    score.matched += score.variant_matched
    score.expected += score.variant_expected
    score.expected_by_field = Counter(c.field for c in card_expected) + Counter(row.field for row in rows)
    score.extracted_by_field = Counter(canonical_field(c.field) for c in card_claims + variant_claims)
    score.matched_by_field = score.expected_by_field - Counter(miss.field for miss in score.missed)
    return score


@dataclass
class CorpusScore:
    cards: int
    per_card: list[CardScore]

    def _sum(self, name: str) -> int:
        return sum(getattr(card, name) for card in self.per_card)

    @property
    def precision(self) -> float:
        return self._sum("matched") / max(1, self._sum("extracted"))

    @property
    def recall(self) -> float:
        return self._sum("matched") / max(1, self._sum("expected"))

    def by_fields(self, fields) -> tuple[float, float]:
        """(precision, recall) over the claims of these fields only."""
        def total(name):
            return sum(getattr(card, name)[f] for card in self.per_card for f in fields)
        matched = total("matched_by_field")
        return matched / max(1, total("extracted_by_field")), matched / max(1, total("expected_by_field"))

    @property
    def variant_recall(self) -> float:
        return self._sum("variant_matched") / max(1, self._sum("variant_expected"))

    @property
    def line_accuracy(self) -> float:
        matched = self._sum("matched") - self._sum("variant_matched")
        return self._sum("line_right") / max(1, matched)

    def report(self) -> str:
        lines = [f"precision {self.precision:.3f} recall {self.recall:.3f} variants {self.variant_recall:.3f}"]
        for card in self.per_card:
            for miss in card.missed:
                lines.append(f"  {card.name}: missed {miss.field}={miss.value!r} line {miss.line} {miss.variant or ''}")
            for extra in card.spurious:
                lines.append(f"  {card.name}: spurious {extra.field}={extra.value!r} line {extra.line} [{extra.rule}] {extra.span!r}")
        return "\n".join(lines)


def score_corpus(folder: Path, extract=None) -> CorpusScore:
    """Score every NAME.md with a NAME.expected.yaml in `folder` (`extract(text, source)` defaults to the rule extractor)."""
    from engine.claims import extract_claims
    from engine.claims.markdown import parse_readme

    extract = extract or extract_claims
    scores = []
    for readme in sorted(folder.glob("*.md")):
        expected_file = readme.with_suffix(".expected.yaml")
        if not expected_file.is_file():
            continue
        text = readme.read_text(encoding="utf-8")
        scores.append(score_card(extract(text, str(readme)), load_expected(expected_file), readme.stem, parse_readme(text).front_end_line))
    return CorpusScore(len(scores), scores)
