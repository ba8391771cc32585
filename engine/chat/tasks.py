"""Task and modality words -> Hugging Face tasks, by embedding similarity against a description of each task.

The taxonomy (prompts/nlq/tasks.yaml: per pipeline tag its input and output modalities and one plain description)
is embedded once per process with the search's MiniLM. A span of question words ("text embeddings", "find objects
in photos") is embedded and compared with every description; it names the tasks whose descriptions are closest
when the best is close enough. A stated direction narrows the candidates first: "accepts images" keeps the tasks
that take images, "speech to text" those that take audio and give text (each word's modality is itself its
nearest modality description). What no task explains stays free text.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from engine.chat.lexicon import PROMPTS_DIR, Lexicon, tokenize

TASKS_FILE = PROMPTS_DIR / "tasks.yaml"
MIN_SIMILARITY = 0.41  # cosine (MiniLM) a span needs to its best task description (tuned on benchmarks/nlq_dev.jsonl)
MIN_DIRECTED_SIMILARITY = 0.4  # with a stated direction the modality already narrowed the candidates
MIN_MODALITY_SIMILARITY = 0.35
TIE_MARGIN = 0.04  # tasks within this of the best are named too: "text embeddings" fits two descriptions equally
MAX_TASKS = 3


@dataclass(frozen=True)
class Task:
    name: str
    inputs: frozenset[str]
    outputs: frozenset[str]
    description: str


@dataclass(frozen=True)
class TaskMatch:
    tasks: tuple[str, ...]
    similarity: float
    direction: tuple[str | None, str | None] = (None, None)  # (input modality, output modality) the span stated


@lru_cache(maxsize=1)
def taxonomy() -> tuple[tuple[Task, ...], dict[str, str]]:
    """(the tasks, {modality: description}) as the data file says."""
    data = yaml.safe_load(TASKS_FILE.read_text(encoding="utf-8"))
    modalities = data.pop("modalities")
    tasks = tuple(Task(name, frozenset(row["input"]), frozenset(row["output"]), row["description"]) for name, row in data.items())
    return tasks, modalities


@lru_cache(maxsize=1)
def _vectors():
    from engine.search.embeddings import embed_texts

    tasks, modalities = taxonomy()
    return embed_texts([t.description for t in tasks]), list(modalities), embed_texts(list(modalities.values()))


def _modality(word_vectors, index: int) -> str | None:
    _, names, vectors = _vectors()
    scores = vectors @ word_vectors[index]
    best = int(scores.argmax())
    return names[best] if float(scores[best]) >= MIN_MODALITY_SIMILARITY else None


def direction_of(span: str, lexicon: Lexicon) -> tuple[str | None, str | None, list[str]]:
    """(input word, output word, the words that stated them) of "accepts images" / "speech to text" spans."""
    words = [t.text for t in tokenize(span.replace("-", " "))]
    for i, word in enumerate(words):
        if word in lexicon.modality_input_words and i + 1 < len(words):
            return words[i + 1], None, [word, words[i + 1]]
        if word in lexicon.modality_output_words and i + 1 < len(words):
            return None, words[i + 1], [word, words[i + 1]]
        if word in lexicon.modality_output_links and 0 < i < len(words) - 1:
            before, after = words[i - 1], words[i + 1]
            return (after, before, words[i - 1:i + 2]) if word == "from" else (before, after, words[i - 1:i + 2])
    return None, None, []


def match_tasks(spans: list[str], lexicon: Lexicon) -> list[TaskMatch | None]:
    """For each span, the tasks it names (best first) or None."""
    if not spans:
        return []
    from engine.search.embeddings import embed_texts

    tasks, _ = taxonomy()
    description_vectors, _, _ = _vectors()
    directions = [direction_of(span, lexicon) for span in spans]
    direction_words = sorted({w for d in directions for w in d[:2] if w})
    word_vectors = embed_texts(direction_words) if direction_words else None
    modality_of = {w: _modality(word_vectors, i) for i, w in enumerate(direction_words)}
    matches: list[TaskMatch | None] = []
    for span_scores, (source, target, _) in zip(embed_texts([span.replace("-", " ") for span in spans]) @ description_vectors.T, directions):
        wanted = (modality_of.get(source), modality_of.get(target))
        allowed = [i for i, task in enumerate(tasks) if (not wanted[0] or wanted[0] in task.inputs) and (not wanted[1] or wanted[1] in task.outputs)]
        if (source and not wanted[0]) or (target and not wanted[1]) or not allowed:
            allowed = list(range(len(tasks))) if not (wanted[0] or wanted[1]) else allowed
        ranked = sorted(allowed, key=lambda i: -float(span_scores[i]))
        best = float(span_scores[ranked[0]]) if ranked else 0.0
        floor = MIN_DIRECTED_SIMILARITY if any(wanted) else MIN_SIMILARITY
        if not ranked or best < floor:
            matches.append(None)
            continue
        chosen = tuple(tasks[i].name for i in ranked[:MAX_TASKS] if float(span_scores[i]) >= best - TIE_MARGIN)
        matches.append(TaskMatch(chosen, round(best, 3), wanted))
    return matches
