"""Held-out sets stay held out: no phrase the parser or the LLM is given may share three consecutive words with a
held-out question. Reads the held-out files only to enforce this; the failure names the offending entry, not the
question."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from engine.chat.lexicon import PROMPTS_DIR, tokenize
from tests.conftest import REPO

HELD_OUT = [REPO / "benchmarks" / "nlq_heldout.jsonl", REPO / "benchmarks" / "nlq_holdout.jsonl"]
# Every file the chat reads words from: the lexicon, prompts and few-shot examples, the task descriptions.
PHRASE_FILES = sorted(PROMPTS_DIR.glob("*.yaml")) + sorted(PROMPTS_DIR.glob("*.txt"))


def trigrams(text: str) -> set[tuple[str, ...]]:
    words = [t.text for t in tokenize(text) if any(c.isalnum() for c in t.text)]
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def entries(path: Path) -> list[str]:
    """Each string of a data file (keys and values) is one entry; a text prompt is one entry per line."""
    if path.suffix == ".txt":
        return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(key)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.append(node)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def test_the_held_out_files_and_phrase_files_exist():
    assert all(path.exists() for path in HELD_OUT)
    assert {p.name for p in PHRASE_FILES} >= {"lexicon.yaml", "examples.yaml", "system.txt", "tasks.yaml"}


def test_no_lexicon_entry_shares_three_words_with_a_held_out_question():
    held_out = set()
    for path in HELD_OUT:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                held_out |= trigrams(json.loads(line)["question"])
    offending = [f"{path.name}: {entry!r}" for path in PHRASE_FILES for entry in entries(path) if trigrams(entry) & held_out]
    assert offending == []
