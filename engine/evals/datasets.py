"""Evaluation data: the sets shipped with the lake (one table), reading a split, and input digests.

A card names its dataset; a shipped name resolves to a file under engine/evals/data/ (or to a set
generated from a seed), and `harness.args.data` (relative to the card) points at a local copy of anything
else. Harnesses read rows through `read_split` so every format selects its split the same way.
"""
from __future__ import annotations

import csv
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from engine.errors import UsageError
from engine.facts.digest import sha256_file  # the one streamed digest (harnesses import it from here)

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class ShippedDataset:
    """An evaluation set that ships with the lake; `file` None means generated at run time from a seed."""

    name: str
    file: str | None
    splits: tuple[str, ...]
    description: str


SHIPPED_DATASETS = {
    dataset.name: dataset
    for dataset in (
        ShippedDataset("modellake/sts-pairs", "sts-pairs.jsonl", ("test", "validation"),
                       "Sentence pairs with 0-5 similarity grades built from paraphrase templates (engine/evals/authoring.py)."),
        ShippedDataset("modellake/reviews", "reviews.csv", ("train", "test"),
                       "Product reviews labelled positive/negative; the test split uses phrasings unseen in train."),
        ShippedDataset("modellake/english-prose", "english-prose.txt", ("test",),
                       "About 420 words of plain English prose written for the lake, for perplexity."),
        ShippedDataset("modellake/shapes", None, ("test",),
                       "Coloured shapes drawn with Pillow from a seed, each captioned 'a photo of a <size> <colour> <shape>'."),
    )
}


def shipped_dataset(name: str | None) -> ShippedDataset | None:
    return SHIPPED_DATASETS.get(name or "")


def dataset_file(dataset: str | None, data_arg: str | None, card_dir: Path) -> Path | None:
    """The file to read: harness.args.data (relative to the card) first, else the shipped file, else None."""
    if data_arg:
        return (card_dir / data_arg).resolve()
    shipped = shipped_dataset(dataset)
    return DATA_DIR / shipped.file if shipped and shipped.file else None


def read_split(path: Path, split: str) -> list[dict]:
    """Rows of one split from a JSONL or CSV file with a `split` column; a plain text file is one row, split 'test'."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
    elif suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    elif suffix == ".txt":
        rows = [{"split": "test", "text": path.read_text(encoding="utf-8")}]
    else:
        raise UsageError(f"{path}: evaluation data must be .jsonl, .csv or .txt")
    chosen = [row for row in rows if row.get("split") == split]
    if not chosen:
        present = sorted({str(row.get("split")) for row in rows})
        raise UsageError(f"{path}: no rows in split {split!r} (splits present: {', '.join(present)})")
    return chosen


def sha256_path(path: Path) -> str:
    """sha256 of a file; for a directory, of the sorted (relative path, file sha256) list of its files."""
    if path.is_file():
        return sha256_file(path, progress=False)  # reruns draw their own progress
    listing = [f"{file.relative_to(path).as_posix()}\t{sha256_file(file, progress=False)}\n" for file in sorted(path.rglob("*")) if file.is_file()]
    return hashlib.sha256("".join(listing).encode()).hexdigest()


SHAPES = ("circle", "square", "triangle", "diamond", "cross")
COLOURS = {"red": (220, 30, 30), "green": (30, 160, 60), "blue": (30, 70, 220), "yellow": (235, 200, 20), "purple": (130, 40, 170), "orange": (245, 130, 20)}
SIZES = {"small": 0.22, "large": 0.42}  # radius as a fraction of the image side


def draw_shapes(seed: int, image_size: int = 224) -> tuple[list, list[str], str]:
    """(images, captions, sha256 of pixels+captions): one image per size x colour x shape, jittered by the seed."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    images, captions, digest = [], [], hashlib.sha256()
    for size_name, fraction in SIZES.items():
        for colour_name, rgb in COLOURS.items():
            for shape in SHAPES:
                image = Image.new("RGB", (image_size, image_size), (245, 245, 240))
                radius = fraction * image_size
                cx = rng.uniform(radius, image_size - radius)
                cy = rng.uniform(radius, image_size - radius)
                _draw_shape(ImageDraw.Draw(image), shape, cx, cy, radius, rgb)
                caption = f"a photo of a {size_name} {colour_name} {shape}"
                images.append(image)
                captions.append(caption)
                digest.update(image.tobytes())
                digest.update(caption.encode())
    return images, captions, digest.hexdigest()


def _draw_shape(draw, shape: str, cx: float, cy: float, r: float, rgb: tuple[int, int, int]) -> None:
    outlines = {
        "circle": None,
        "square": [(cx - r, cy - r), (cx + r, cy - r), (cx + r, cy + r), (cx - r, cy + r)],
        "triangle": [(cx, cy - r), (cx + r, cy + r), (cx - r, cy + r)],
        "diamond": [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)],
        "cross": [(cx - r / 3, cy - r), (cx + r / 3, cy - r), (cx + r / 3, cy - r / 3), (cx + r, cy - r / 3), (cx + r, cy + r / 3),
                  (cx + r / 3, cy + r / 3), (cx + r / 3, cy + r), (cx - r / 3, cy + r), (cx - r / 3, cy + r / 3), (cx - r, cy + r / 3),
                  (cx - r, cy - r / 3), (cx - r / 3, cy - r / 3)],
    }
    if outlines[shape] is None:
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=rgb)
    else:
        draw.polygon(outlines[shape], fill=rgb)
