"""A sample of the corpus through the real `modellake` executable: exit 1 or 2, a message, and never a Python traceback
on stderr (the in-process runs cannot see what the interpreter itself would print). One `validate` takes every card of
the sample; each weights input gets its own `inspect`; `audit` runs on a FIFO card and FIFO weights (the old hangs)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.hostile.corpus import CASES, card_text

MODELLAKE = str(Path(sys.executable).parent / "modellake")
CARD_SAMPLE = ["yaml/merge-int", "yaml/tag-python-name", "yaml/int-5000-digits", "date/feb-30", "enc/utf16-le-bom", "file/card-fifo"]
WEIGHTS_SAMPLE = ["st/shape-infinity", "pkl/list-as-dict-key", "cfg/adapter-config-list", "gguf/tensor-count-huge", "file/weights-fifo"]
BY_ID = {c.id: c for c in CASES}


@pytest.fixture
def directory():
    path = Path(tempfile.mkdtemp(prefix="mlh-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run(directory: Path, *command: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"HF_HUB_OFFLINE": "1"}
    done = subprocess.run([MODELLAKE, *command], capture_output=True, text=True, timeout=120, cwd=directory, env=env)
    assert done.returncode in (1, 2), (command, done.returncode, done.stdout[-1000:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


def build(case_id: str, directory: Path) -> Path:
    folder = directory / case_id.replace("/", "__")
    folder.mkdir()
    return BY_ID[case_id].build(folder)


@pytest.mark.timeout(600)
def test_no_traceback_from_the_real_entry_point(directory):
    cards = [build(case_id, directory) for case_id in CARD_SAMPLE]
    validated = run(directory, "validate", *map(str, cards))
    for card in cards:
        assert str(card) in validated.stderr, f"validate said nothing about {card}: {validated.stderr[-2000:]}"
    (directory / "card.yaml").write_text(card_text())
    weights = {case_id: build(case_id, directory) for case_id in WEIGHTS_SAMPLE}
    for path in weights.values():
        assert str(path) in run(directory, "inspect", str(path)).stderr
    assert "FIFO" in run(directory, "audit", str(cards[CARD_SAMPLE.index("file/card-fifo")])).stderr
    assert "FIFO" in run(directory, "audit", "card.yaml", "--weights", str(weights["file/weights-fifo"])).stderr
