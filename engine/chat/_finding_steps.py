"""Extraction steps for review findings: "failed the parameter check", "a false quantization claim", "waived",
"unverified", "rejected and why". Rules are named by their own words: the policy packs' rule ids and titles
(policies/*.yaml), read once, so a new rule is understood without a phrase list."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from engine.chat.lexicon import tokenize
from engine.chat.spans import match
from engine.search.dsl import VERIFIED_PREFIX

WINDOW_BEFORE, WINDOW_AFTER = 3, 6  # how far from its failure word a rule's words may stand
_GENERIC_RULES = 6  # a word in this many rules (or more) names none of them ("matches", "weights")


def stem(word: str) -> str:
    """Crude but enough to meet a rule's words: 'parameter'/'parameters' -> 'param', 'quantized'/'quantization' -> 'quant'."""
    return word[:5]


@dataclass(frozen=True)
class RuleWords:
    rule_id: str
    pack: str
    id_words: frozenset[str]
    title_words: frozenset[str]


@lru_cache(maxsize=1)
def rule_words() -> tuple[tuple[RuleWords, ...], frozenset[str]]:
    """(every policy rule with the stems of its id and title, the stems too common to name a rule)."""
    from engine.policy.packs import load_policies

    rules = []
    for pack in load_policies():
        for rule in pack.rules:
            ids = {stem(w) for w in rule.id.replace(".", " ").replace("-", " ").split() if len(w) >= 3}
            title = {stem(t.text) for t in tokenize(rule.title) if len(t.text) >= 4}
            rules.append(RuleWords(rule.id, pack.name, frozenset(ids - {stem(pack.name)}) | ({stem(pack.name)} if pack.name != "claims" else set()),
                                   frozenset(title)))
    counts = Counter(w for r in rules for w in r.id_words | r.title_words)
    # "claim" names the claims pack as a whole (rules_named), never the other rules whose titles mention claims
    return tuple(rules), frozenset(w for w, n in counts.items() if n >= _GENERIC_RULES) | {stem("claims")}


def rules_named(words: list[str], stopwords: frozenset[str] = frozenset()) -> tuple[list[str], set[int]]:
    """The rule ids the words name best (ties all kept) and the positions of the words that named them."""
    rules, generic = rule_words()
    id_stems = {s for r in rules for s in r.id_words}
    # A stopword counts only when it is part of a rule's id ("license"); "with" in a title names nothing.
    stems = [stem(w) if len(w) >= 4 and (w not in stopwords or stem(w) in id_stems) and stem(w) != "model" else "" for w in words]
    best, chosen, used = 0, [], set()
    for rule in rules:
        hits = {i for i, s in enumerate(stems) if s and s not in generic and (s in rule.id_words or s in rule.title_words)}
        score = sum(2 if stems[i] in rule.id_words else 1 for i in hits)
        if score > best:
            best, chosen, used = score, [rule.rule_id], hits
        elif score == best and score > 0:
            chosen.append(rule.rule_id)
            used |= hits
    if not chosen and any(s == stem("claims") for s in stems):  # "a false claim": any claim check
        chosen = [r.rule_id for r in rules if r.pack == "claims"]
        used = {i for i, s in enumerate(stems) if s == stem("claims")}
    return chosen, used


class FindingSteps:
    """Mixed into the extractor: uses its question state (x, texts, lexicon, add)."""

    def findings(self) -> None:
        lex = self.lexicon
        fields = (("failed_rule", lex.failure_words), ("waived_rule", lex.waived_words), ("unverified_rule", lex.unverified_words))
        for i, word in enumerate(self.texts):
            if not self.x.free(i, i + 1):
                continue
            field_name = next((name for name, cues in fields if word in cues), None)
            if word in lex.verified_words and self._verified_metric(i):
                continue
            if field_name is None:
                if word in lex.why_words:
                    self.x.why = True
                    self.x.take(i, i + 1)
                continue
            low, high = max(0, i - WINDOW_BEFORE), min(len(self.texts), i + 1 + WINDOW_AFTER)
            window = [j for j in range(low, high) if j != i and self.x.free(j, j + 1)]
            chosen, used = rules_named([self.texts[j] for j in window], lex.stopwords)
            positions = [window[k] for k in used] + [i]
            nouns = [j for j in window if self.texts[j] in lex.finding_nouns]
            if not chosen and (field_name == "failed_rule" and not nouns or word in ("because", "due")):
                continue  # "failed" alone may be a status ("failed review" is rejected or changes requested): not a finding
            start, end = min(positions + nouns), max(positions + nouns) + 1
            if chosen:
                self.add(start, end, field_name, "eq" if len(chosen) == 1 else "in", chosen[0] if len(chosen) == 1 else sorted(chosen), "findings")
            else:
                self.add(start, end, field_name, "exists", True, "findings")

    def _verified_metric(self, i: int) -> bool:
        """'whose spearman was confirmed by a rerun', 'verified accuracy': the metric has a rerun-agreed value."""
        for j in range(max(0, i - WINDOW_BEFORE), min(len(self.texts), i + 3)):
            hit = match(self.metrics, self.texts, j) if self.x.free(j, j + 1) else None
            if hit:
                start, end = min(i, j), max(i + 1, j + hit[0])
                self.add(start, end, VERIFIED_PREFIX + hit[1], "exists", True, "findings")
                for k in range(end, min(len(self.texts), end + 3)):  # "by a rerun"
                    if self.texts[k] in ("by", "a", "the", "rerun", "reruns", "re-run") and self.x.free(k, k + 1):
                        self.x.take(k, k + 1)
                    else:
                        break
                return True
        return False
