"""The digest of JSON-native data: sha256 of its canonical JSON (sorted keys, no spaces; dates as text)."""
from __future__ import annotations

import hashlib
import json


def json_digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()
