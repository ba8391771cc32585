"""Typo correction before extraction: a word that is neither a lake or lexicon word nor an English word is read as the
lake or lexicon word one edit away ("finanse" -> finance, "leagl" -> legal; two edits for long words: "classifcation"),
with rapidfuzz's optimal-string-alignment distance, so every later step (values, tasks, findings) sees the intended
word. English words come from the whole words of the MiniLM tokenizer's vocabulary (shipped with the embedding model),
so "rate" is never "corrected" to "date"."""
from __future__ import annotations

import json
from functools import lru_cache

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from engine.chat.lexicon import PROMPTS_DIR, Lexicon, Token, tokenize

MIN_LENGTH = 4  # shorter words have too many neighbours to correct safely
LONG_WORD = 8  # from this length two edits are allowed
_INFLECTIONS = ("s", "es", "ed", "d", "ing", "er", "ers")  # "photos"/"photo" is another form, not a typo


@lru_cache(maxsize=8)
def _known_words(vocabulary_json: str) -> tuple[str, ...]:
    """Every word the chat could read: lake values and model names, the lexicon, prompts and the task taxonomy."""
    texts = [value for values in json.loads(vocabulary_json).values() for value in values]
    for path in sorted(PROMPTS_DIR.glob("*.yaml")):
        texts.append(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8"))))
    words = {t.text for text in texts for t in tokenize(text.replace("-", " ").replace("_", " ").replace("/", " "))}
    return tuple(sorted(w for w in words if w.isalpha()))


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole words (not '##' pieces) of the embedding model's WordPiece vocabulary: about 20,000 common English words."""
    from engine.search.embeddings import text_model_dir

    lines = (text_model_dir() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line.isalpha() and line.islower())


def correct(tokens: list[Token], vocabulary: dict[str, list[str]], lexicon: Lexicon) -> tuple[list[Token], dict[str, str]]:
    """The tokens with unknown words replaced by their known neighbour, and {typed: corrected}."""
    known = _known_words(json.dumps({k: sorted(v) for k, v in vocabulary.items()}, sort_keys=True))
    known_set, english = frozenset(known), english_words()
    corrected, changes = [], {}
    for token in tokens:
        word = token.text
        plain = word[:-1] if word.endswith("s") else word
        if len(word) < MIN_LENGTH or not word.isalpha() or word in known_set or word in english or plain in english or word in lexicon.stopwords:
            corrected.append(token)
            continue
        limit = 2 if len(word) >= LONG_WORD else 1
        hits = process.extract(word, known, scorer=OSA.distance, score_cutoff=limit, limit=5)
        nearest = min((h[1] for h in hits), default=0)
        # Among equally near words, a dropped or doubled letter is likelier than a changed one ("translaton": translation).
        # A typo keeps the first letter ("prescriptions" is not a misspelt "descriptions").
        best = sorted((Indel.distance(word, h[0]), h[0]) for h in hits if h[1] == nearest and h[0][0] == word[0])
        choice = best[0][1] if best and (len(best) == 1 or best[0][0] < best[1][0]) else None
        if choice and not any(choice == word + e or word == choice + e for e in _INFLECTIONS):
            corrected.append(Token(choice, token.start, token.end))
            changes[word] = choice
        else:
            corrected.append(token)
    return corrected, changes
