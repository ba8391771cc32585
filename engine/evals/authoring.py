"""How the shipped evaluation sets in engine/evals/data/ were written: templates with a known structure.

`python -m engine.evals.authoring` rewrites them byte for byte (a test checks that), so every gold label
can be traced to the rule that produced it:

- sts-pairs.jsonl: sentence pairs graded 0-5 by construction. Paraphrase (synonymous subject, reworded
  action) = 5; paraphrase plus an extra detail = 4; same action by a different person = 3; same person,
  different action of the same kind = 2; same person, unrelated action = 1; nothing shared = 0.
- reviews.csv: product reviews labelled positive/negative, including negated and hedged phrasings
  ("not worth the money", "hardly disappointing") so that a bag-of-words model does not score 100%.
The English prose for perplexity (english-prose.txt) was written by hand and is not generated.
"""
from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
SEED = 20260501

PEOPLE = [
    ("A man", "A guy"), ("A woman", "A lady"), ("A child", "A kid"), ("The chef", "The cook"),
    ("A doctor", "A physician"), ("The teacher", "The instructor"), ("An old man", "An elderly man"),
    ("A girl", "A young girl"), ("A boy", "A young boy"), ("The student", "The pupil"),
]
# kind -> [(action, reworded action, extra detail)]
ACTIONS = {
    "kitchen": [
        ("is slicing an onion", "is cutting an onion into pieces", "on a wooden board"),
        ("is cooking pasta", "is preparing spaghetti", "for dinner"),
        ("is washing the dishes", "is cleaning the plates", "in the sink"),
        ("is baking bread", "is making a loaf of bread", "in a hot oven"),
    ],
    "music": [
        ("is playing the guitar", "is strumming a guitar", "on a small stage"),
        ("is singing a song", "is performing a song", "in front of a crowd"),
        ("is playing the piano", "is playing a piano", "in a quiet hall"),
        ("is playing the drums", "is drumming", "in a garage"),
    ],
    "sport": [
        ("is riding a bicycle", "is cycling on a bike", "down a steep hill"),
        ("is swimming in the lake", "is taking a swim in the lake", "early in the morning"),
        ("is running in the park", "is jogging through the park", "with a friend"),
        ("is climbing a mountain", "is hiking up a mountain", "in the snow"),
    ],
    "home": [
        ("is painting a fence", "is putting paint on a fence", "in the back yard"),
        ("is reading a book", "is looking through a novel", "by the window"),
        ("is feeding the cat", "is giving food to the cat", "in the kitchen"),
        ("is fixing a computer", "is repairing a laptop", "at the desk"),
    ],
}
LEVELS = (5.0, 4.0, 3.0, 2.0, 1.0, 0.0)
SPLIT_SIZES = {"test": 34, "validation": 8}  # pairs per level: 6 levels -> 204 test, 48 validation pairs


def _sentence(person: str, action: str, detail: str = "") -> str:
    return f"{person} {action}{' ' + detail if detail else ''}."


def _pair_at_level(rng: random.Random, level: float) -> tuple[str, str]:
    kinds = list(ACTIONS)
    kind = rng.choice(kinds)
    person, person_alt = rng.choice(PEOPLE)
    action, reworded, detail = rng.choice(ACTIONS[kind])
    other_person = rng.choice([p for p in PEOPLE if p[0] != person])[0]
    same_kind = rng.choice([a for a in ACTIONS[kind] if a[0] != action])[0]
    other_kind = rng.choice(ACTIONS[rng.choice([k for k in kinds if k != kind])])[0]
    pairs = {
        5.0: (_sentence(person, action), _sentence(person_alt, reworded)),
        4.0: (_sentence(person, action, detail), _sentence(person_alt, reworded)),
        3.0: (_sentence(person, action), _sentence(other_person, reworded)),
        2.0: (_sentence(person, action), _sentence(person, same_kind)),
        1.0: (_sentence(person, action), _sentence(person, other_kind)),
        0.0: (_sentence(person, action), _sentence(other_person, other_kind)),
    }
    return pairs[level]


def sts_pairs_jsonl() -> str:
    """The sentence-pair set: {split, sentence1, sentence2, score} per line, levels balanced per split."""
    rng = random.Random(SEED)
    lines = []
    for split, per_level in SPLIT_SIZES.items():
        rows = [(level, _pair_at_level(rng, level)) for level in LEVELS for _ in range(per_level)]
        rng.shuffle(rows)
        for level, (first, second) in rows:
            lines.append(json.dumps({"split": split, "sentence1": first, "sentence2": second, "score": level}))
    return "\n".join(lines) + "\n"


PRODUCTS = ["headphones", "blender", "backpack", "desk lamp", "kettle", "keyboard", "tent", "phone case", "vacuum cleaner", "rain jacket"]
POSITIVE = [
    "The {p} works perfectly and I use it every day.", "Great {p}, sturdy and well made.",
    "I love this {p}; it was worth every penny.", "The {p} is not bad at all for the price.",
    "Hardly disappointing: the {p} does exactly what it promises.", "Setup took two minutes and the {p} has been flawless since.",
    "My old {p} broke, and this one is far better.", "I was sceptical, but the {p} exceeded my expectations.",
    "Would happily buy this {p} again.", "The {p} arrived early and feels premium.",
    "Quiet, reliable and easy to clean: a lovely {p}.", "I can't find anything wrong with this {p}.",
]
NEGATIVE = [
    "The {p} stopped working after a week.", "Cheap {p}, flimsy and badly made.",
    "I regret buying this {p}; it was not worth the money.", "The {p} is not good, even for the price.",
    "Hardly usable: the {p} does nothing it promises.", "Setup took an hour and the {p} still fails.",
    "My old {p} was far better than this one.", "I had high hopes, but the {p} let me down.",
    "Would never buy this {p} again.", "The {p} arrived scratched and feels cheap.",
    "Noisy, unreliable and hard to clean: an awful {p}.", "I can't recommend this {p} to anyone.",
]


def reviews_csv() -> str:
    """The labelled review set: columns split,text,label; balanced labels.

    Split by template, not by row: the 40 test rows per label use phrasings never seen in training
    (the last four templates of each list), so the score measures generalisation, not recall.
    """
    rng = random.Random(SEED + 1)
    rows = [
        ("train" if index < 8 else "test", template.format(p=product), label)
        for label, templates in (("positive", POSITIVE), ("negative", NEGATIVE))
        for index, template in enumerate(templates) for product in PRODUCTS
    ]
    rng.shuffle(rows)
    rows.sort(key=lambda row: row[0] != "train")  # stable: train rows first, each split still shuffled
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["split", "text", "label"])
    writer.writerows(rows)
    return out.getvalue()


GENERATED_FILES = {"sts-pairs.jsonl": sts_pairs_jsonl, "reviews.csv": reviews_csv}


def main() -> None:
    for name, build in GENERATED_FILES.items():
        (DATA_DIR / name).write_text(build(), encoding="utf-8")
        print(f"wrote {DATA_DIR / name}")


if __name__ == "__main__":
    main()
