"""A sample of the corpus through the real `modellake` executable: exit 1 or 2, a message, and never a Python traceback
on stderr (the in-process runs cannot see what the interpreter itself would print)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.hostile.corpus import CARD, CASES, card_text

MODELLAKE = str(Path(sys.executable).parent / "modellake")
SAMPLE = ["yaml/merge-int", "yaml/tag-python-name", "yaml/int-5000-digits", "date/feb-30", "enc/utf16-le-bom", "file/card-fifo",
          "st/shape-infinity", "st/metadata-string", "pkl/list-as-dict-key", "cfg/adapter-config-list", "cfg/modules-json-ints", "file/weights-fifo",
          "gguf/tensor-count-huge"]
BY_ID = {c.id: c for c in CASES}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("case_id", SAMPLE)
def test_no_traceback_from_the_real_entry_point(case_id):
    item = BY_ID[case_id]
    directory = Path(tempfile.mkdtemp(prefix="mlh-", dir="/tmp"))
    try:
        built = item.build(directory)
        if item.area == CARD:
            commands = [["validate", str(built)], ["audit", str(built)]]
        else:
            (directory / "card.yaml").write_text(card_text())
            commands = [["inspect", str(built)], ["audit", str(directory / "card.yaml"), "--weights", str(built)]]
        for command in commands:
            run = subprocess.run([MODELLAKE, *command], capture_output=True, text=True, timeout=120, cwd=directory,
                                 env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"HF_HUB_OFFLINE": "1"})
            assert run.returncode in (1, 2), (command, run.returncode, run.stdout[-1000:], run.stderr[-2000:])
            assert "Traceback" not in run.stderr, run.stderr[-3000:]
            assert run.stderr.strip(), f"{command}: refused without saying why"
    finally:
        shutil.rmtree(directory, ignore_errors=True)
