"""License ids a card may use: any SPDX id (case-insensitive, the SPDX list shipped by cyclonedx-python-lib),
plus the Hugging Face license ids that are not SPDX ids."""
from __future__ import annotations

from functools import cache

# Hugging Face's license vocabulary beyond SPDX (huggingface.co/docs/hub/repositories-licenses).
HF_ONLY_LICENSES = frozenset({
    "openrail", "openrail++", "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m", "bsd", "cc", "gfdl", "gpl", "lgpl", "lgpl-lr", "c-uda", "h-research", "intel-research",
    "apple-ascl", "apple-amlr", "openmdw-1.0", "deepfloyd-if-license", "fair-noncommercial-research-license",
    "llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "gemma", "unknown", "other",
})


@cache
def _spdx_ids_lower() -> frozenset[str]:
    import json
    from importlib.resources import files

    schema = json.loads(files("cyclonedx.schema._res").joinpath("spdx.SNAPSHOT.schema.json").read_text())
    return frozenset(license_id.lower() for license_id in schema["enum"])


def is_known_license(license_id: str) -> bool:
    """True for an SPDX id (any case) or a Hugging Face license id."""
    lowered = license_id.lower()
    return lowered in HF_ONLY_LICENSES or lowered in _spdx_ids_lower()
