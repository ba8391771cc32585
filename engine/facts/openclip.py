"""OpenCLIP checkpoints: the architecture is named by matching the tensor shapes against open_clip's model configs.

open_clip ships one JSON file per architecture (open_clip/model_configs/ViT-B-32.json, ...). They are read
as data, without importing open_clip (and torch). Shapes fix widths, depths, patch size, image size,
vocabulary, context and embedding size, but not the activation (the `-quickgelu` variants): configs that
differ only there are the same architecture, named by the shortest name they share.
"""
from __future__ import annotations

import importlib.util
import json
import math
import re
from functools import lru_cache
from pathlib import Path

from engine.facts.record import Facts
from engine.facts.tensors import TensorInfo

# open_clip's CLIPVisionCfg / CLIPTextCfg defaults, for keys a config leaves out
VISION_DEFAULTS = {"width": 768, "layers": 12, "patch_size": 16, "image_size": 224}
TEXT_DEFAULTS = {"width": 512, "layers": 12, "vocab_size": 49408, "context_length": 77}
_BLOCK = re.compile(r"^(visual\.)?transformer\.resblocks\.(\d+)\.")


def config_dir() -> Path | None:
    spec = importlib.util.find_spec("open_clip")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "model_configs"
    return folder if folder.is_dir() else None


@lru_cache(maxsize=1)
def config_signatures() -> dict[str, dict]:
    """Config name -> the shape signature its weights would have (plain ViT + text transformer configs only)."""
    folder = config_dir()
    signatures = {}
    for file in sorted(folder.glob("*.json")) if folder else []:
        config = json.loads(file.read_text())
        vision, text = config.get("vision_cfg", {}), config.get("text_cfg", {})
        if "timm_model_name" in vision or "hf_model_name" in text or not isinstance(vision.get("layers", 12), int):
            continue
        vision, text = VISION_DEFAULTS | vision, TEXT_DEFAULTS | text
        image = vision["image_size"]
        signatures[file.stem] = {
            "embed_dim": config.get("embed_dim"), "vision.width": vision["width"], "vision.layers": vision["layers"],
            "vision.patch_size": vision["patch_size"], "vision.image_size": image[0] if isinstance(image, list) else image,
            "text.width": text["width"], "text.layers": text["layers"], "text.vocab_size": text["vocab_size"],
            "text.context_length": text["context_length"],
        }
    return signatures


def observed_signature(tensors: list[TensorInfo]) -> dict | None:
    """The same signature read from a CLIP tensor table, or None when it is not an OpenCLIP ViT checkpoint."""
    table = {info.name: info.shape for info in tensors}
    needed = ("visual.conv1.weight", "visual.positional_embedding", "token_embedding.weight", "positional_embedding", "text_projection")
    if any(name not in table for name in needed):
        return None
    blocks = {"visual.": set(), "": set()}
    for name in table:
        match = _BLOCK.match(name)
        if match:
            blocks[match.group(1) or ""].add(int(match.group(2)))
    conv, patches = table["visual.conv1.weight"], table["visual.positional_embedding"][0] - 1
    return {
        "embed_dim": table["text_projection"][-1], "vision.width": conv[0], "vision.layers": len(blocks["visual."]),
        "vision.patch_size": conv[-1], "vision.image_size": conv[-1] * math.isqrt(max(patches, 0)),
        "text.width": table["token_embedding.weight"][1], "text.layers": len(blocks[""]),
        "text.vocab_size": table["token_embedding.weight"][0], "text.context_length": table["positional_embedding"][0],
    }


def apply_openclip(tensors: list[TensorInfo], facts: Facts) -> bool:
    """Record CLIP facts when the table is an OpenCLIP ViT; True when it was one."""
    observed = observed_signature(tensors)
    if observed is None:
        return False
    candidates = sorted(name for name, signature in config_signatures().items() if signature == observed)
    shortest = min(candidates, key=len) if candidates else None
    name = shortest if shortest and all(c.startswith(shortest) for c in candidates) else None
    facts.metadata["openclip"] = {"signature": observed, "matching_configs": candidates}
    facts.record("architecture", name, f"tensor shapes match open_clip model_configs/{name}.json" +
                 (f" (same weights layout: {', '.join(c for c in candidates if c != name)})" if len(candidates) > 1 else ""))
    facts.record("embedding_dim", observed["embed_dim"], "text_projection shape[1]")
    facts.record("context_length", observed["text.context_length"], "positional_embedding shape[0]")
    facts.record("vocab_size", observed["text.vocab_size"], "token_embedding.weight shape[0]")
    return True
