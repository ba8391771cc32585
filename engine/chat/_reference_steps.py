"""Extraction steps for questions naming a model: lineage ("quantized versions of X", "descendants of X", "what was X
fine-tuned from", "siblings of X") and similarity ("like X", "similar to X")."""
from __future__ import annotations

from dataclasses import dataclass

from engine.chat.spans import match, match_ending

_ARTICLES = ("the", "a", "an", "to", "with", "model", "models", "all", "everything", "anything", "any")
_AUXILIARIES = ("does", "do", "did", "has", "have", "had", "is", "are", "was", "were")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str  # the lake's spelling of the model, or the base model as cards declare it


def model_index(vocabulary: dict[str, list[str]]) -> dict[str, str]:
    """Lowercase spellings -> model name: the full name and the part after the owner ("minilm-sts" -> family/minilm-sts)."""
    names = list(vocabulary.get("model", [])) + list(vocabulary.get("base_model", []))
    index: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for name in names:
        index.setdefault(name.lower(), name)
        short.setdefault(name.lower().rsplit("/", 1)[-1], set()).add(name)
    for spelling, owners in short.items():
        lake = [n for n in owners if n in vocabulary.get("model", [])] or sorted(owners)
        if len(lake) == 1:
            index.setdefault(spelling, lake[0])
    return index


class ReferenceSteps:
    """Mixed into the extractor: uses its question state (x, texts, lexicon, vocabulary, models, add)."""

    def mention_at(self, i: int) -> Mention | None:
        """The model named at token i: an exact spelling, else the one model whose short name starts with the word."""
        if i >= len(self.texts) or not self.x.free(i, i + 1):
            return None
        word = self.texts[i].strip("?.,!'\"")
        if word in self.models:
            return Mention(i, i + 1, self.models[word])
        if len(word) >= 4:
            candidates = {name for spelling, name in self.models.items() if spelling.startswith(word + "-") or spelling.startswith(word + "/")}
            if len(candidates) == 1:
                return Mention(i, i + 1, candidates.pop())
        return None

    def references(self) -> None:
        for i in range(len(self.texts)):
            mention = self.mention_at(i)
            if mention and self.x.lineage is None and self.x.similar_to is None:
                self._refer(mention)

    def _refer(self, mention: Mention) -> None:
        start = mention.start
        while start > 0 and self.texts[start - 1] in _ARTICLES and self.x.free(start - 1, start):
            start -= 1
        origin = self._origin_question(mention)
        if origin:
            return
        link = match_ending(self.lexicon.lineage_links, self.texts, start)
        link_start = start - link[0] if link else start
        cue_end = link_start
        while cue_end > 0 and self.texts[cue_end - 1] in self.lexicon.lineage_nouns and self.texts[cue_end - 1] not in self.lexicon.lineage_directions:
            cue_end -= 1
        relation_word = self.texts[cue_end - 1] if cue_end > 0 else None
        relation = self.lexicon.lineage_relations.get((relation_word,)) if relation_word else None
        direction = self.lexicon.lineage_directions.get(relation_word) if relation_word else None
        if direction is None and link_start > 0 and self.texts[link_start - 1] in self.lexicon.lineage_directions:
            direction, cue_end = self.lexicon.lineage_directions[self.texts[link_start - 1]], link_start
            relation_word = self.texts[link_start - 1]
        if (relation or direction) and (link or relation):
            cue_start = cue_end - 1
            lineage = {(direction or {"key": "descendant_of"})["key"]: mention.name}
            depth = (direction or {}).get("depth")
            while cue_start > 0 and (self.texts[cue_start - 1],) in self.lexicon.lineage_relations \
                    and relation in (None, self.lexicon.lineage_relations[(self.texts[cue_start - 1],)]):
                relation = self.lexicon.lineage_relations[(self.texts[cue_start - 1],)]  # "quantized descendants of X", "lora adapters"
                cue_start -= 1
            if cue_start > 0 and self.texts[cue_start - 1] in self.lexicon.lineage_direct:
                depth, cue_start = 1, cue_start - 1
            self.x.lineage = lineage | ({"relation": relation} if relation else {}) | ({"depth": depth} if depth else {})
            self.x.take(cue_start, mention.end)
            return
        asked = start - 1
        while asked > 0 and self.texts[asked] in _AUXILIARIES:
            asked -= 1
        if asked < start - 1 and asked >= 0 and self.texts[asked] in self.lexicon.lineage_directions and self.x.free(asked, start):
            direction = self.lexicon.lineage_directions[self.texts[asked]]  # "how many descendants does X have"
            self.x.lineage = {direction["key"]: mention.name} | ({"depth": direction["depth"]} if direction.get("depth") else {})
            end = mention.end + (mention.end < len(self.texts) and self.texts[mention.end] in _AUXILIARIES)
            self.x.take(asked, end)
            return
        parent = next((j for j in range(start - 1, max(start - 5, -1), -1) if self.texts[j] in ("parent", "parents", "base")), None)
        if parent is not None and any(self.texts[j] in self.lexicon.sibling_words for j in range(max(0, parent - 3), parent)):
            self.x.lineage = {"sibling_of": mention.name}  # "models that share a parent with X"
            self.x.take(next(j for j in range(max(0, parent - 3), parent) if self.texts[j] in self.lexicon.sibling_words), mention.end)
            return
        cue = next((j for j in range(start - 1, max(start - 4, -1), -1) if self.texts[j] in self.lexicon.similarity_cues), None)
        if cue is not None and self.x.free(cue, start):
            while cue > 0 and (self.texts[cue - 1] in self.lexicon.similarity_cues or self.texts[cue - 1] in ("most", "more", "that", "which")):
                cue -= 1  # "the models most similar to X", "anything that behaves like X"
            self.x.similar_to = mention.name
            self.x.take(cue, mention.end)

    def _origin_question(self, mention: Mention) -> bool:
        """'what was X fine-tuned from', 'what is X based on': X's direct parents, by that relation."""
        before, after = mention.start - 1, mention.end
        if before < 0 or self.texts[before] not in self.lexicon.lineage_origin_verbs or after >= len(self.texts):
            return False
        hit = match(self.lexicon.lineage_relations, self.texts, after) or (
            (1, None) if self.texts[after] in self.lexicon.lineage_directions else None)
        if hit is None:
            return False
        end = after + hit[0]
        link = match(self.lexicon.lineage_links, self.texts, end) if end < len(self.texts) else None
        if link is None:
            return False
        self.x.lineage = {"ancestor_of": mention.name, "depth": 1} | ({"relation": hit[1]} if hit[1] else {})
        self.x.take(before, end + link[0])
        return True

