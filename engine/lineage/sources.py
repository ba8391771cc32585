"""One view of a model for lineage: its files when they are reachable, else its stored sketch.

Verification and recovery ask the same questions of either (tensor table, parameter count, float width,
config, per-tensor values or samples), so every check is written once and runs on files when both sides
have them (exact) and on sketches otherwise (estimated; the result says which basis it used).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from engine.errors import UsageError
from engine.facts.configs import read_json
from engine.lineage.sketch import is_sketch, sample_positions, weight_sketch
from engine.lineage.tensors import WeightFiles, open_weights

ADAPTER_CONFIG = "adapter_config.json"


@dataclass
class ModelSource:
    """A model as lineage sees it. `label` names it in evidence (a lake ref or a path)."""

    label: str
    files: WeightFiles | None = None  # or GGUFWeights: the same questions, answered from sampled blocks
    stored_sketch: dict | None = field(default=None, repr=False)
    config: dict = field(default_factory=dict)
    aliases: dict[str, str] | None = field(default=None, repr=False)  # name shown -> own name, when viewed in another format's names

    @classmethod
    def of(cls, value: ModelSource | str | Path | dict, label: str | None = None) -> ModelSource:
        """A path to a model file or directory, a weight sketch, or an existing source."""
        if isinstance(value, ModelSource):
            return value
        if is_sketch(value):
            return cls(label or "<sketch>", stored_sketch=value, config=value.get("config") or {})
        if isinstance(value, (str, Path)):
            path = Path(value)
            return cls(label or str(path), files=open_weights(path), config=_read_config(path))
        raise UsageError("a model is given as a path to its files or as a weight sketch")

    @cached_property
    def sketch(self) -> dict:
        return self.stored_sketch if self.stored_sketch is not None else weight_sketch(self.files.path)

    @property
    def naming(self) -> dict | None:
        """How the tensors are named when not as their training library wrote them ({"scheme": "gguf", ...})."""
        if self.aliases is not None:
            return None
        return self.files.naming if self.files is not None else self.sketch.get("naming")

    def in_names_of(self, naming: dict) -> ModelSource:
        """This model viewed in another format's tensor names (engine.lineage.naming)."""
        from engine.lineage.naming import gguf_aliases

        own = self.files.tensors if self.files is not None else self.sketch["tensors"]
        return ModelSource(self.label, self.files, self.stored_sketch, self.config, aliases=gguf_aliases(own, naming))

    @property
    def own_names(self) -> list[str]:
        """The tensor names as the checkpoint writes them."""
        return list(self.files.tensors if self.files is not None else self.sketch["tensors"])

    def without_prefix(self, prefix: str) -> ModelSource:
        """This model with `prefix.` dropped from its tensor names (a task-head checkpoint seen as its base model)."""
        aliases = {name[len(prefix) + 1:]: name for name in self.own_names if name.startswith(prefix + ".")}
        return ModelSource(self.label, self.files, self.stored_sketch, self.config, aliases=aliases)

    def _own(self, name: str) -> str:
        return self.aliases.get(name, name) if self.aliases is not None else name

    def _shown(self, table: dict) -> dict:
        if self.aliases is None:
            return table
        return {shown: table[own] for shown, own in self.aliases.items() if own in table}

    @property
    def table(self) -> dict[str, tuple[tuple[int, ...], str]]:
        """Sampled tensors: name -> (shape, dtype)."""
        if self.files is not None:
            return self._shown({name: (info.shape, info.dtype) for name, info in self.files.tensors.items() if self.files.samplable(info)})
        return self._shown({name: (tuple(t["shape"]), t["dtype"]) for name, t in self.sketch["tensors"].items()})

    @property
    def sketch_tensors(self) -> dict[str, dict]:
        return self._shown(self.sketch["tensors"])

    @cached_property  # recovery asks for every pair; counting walks the whole tensor table
    def parameters(self) -> int:
        return self.files.parameters if self.files is not None else self.sketch["parameters"]

    @cached_property
    def float_bits(self) -> int | None:
        return self.files.float_bits if self.files is not None else self.sketch["float_bits"]

    @cached_property
    def bits_per_weight(self) -> float | None:
        """Stored bits per value of the weight matrices (sketches stored before this knew it: their widest float)."""
        if self.files is not None:
            return self.files.bits_per_weight
        return self.sketch.get("bits_per_weight", self.sketch["float_bits"])

    @property
    def exact(self) -> bool:
        """Whole tensors can be compared (safetensors files); otherwise the sampled values are."""
        return self.files is not None and self.files.exact

    @property
    def is_adapter(self) -> bool:
        return bool(self.config.get("peft_type")) or any(".lora_" in name for name in self.table)

    def values(self, name: str) -> np.ndarray:
        """The whole tensor (exact files only)."""
        return self.files.read(self._own(name))

    def samples(self, name: str) -> np.ndarray:
        """The tensor's values at the sketch positions (read from the file when there is one)."""
        own = self._own(name)
        if self.files is not None:
            sample, _ = self.files.read_samples(own, sample_positions(self.files.tensors[own].numel))
            return np.asarray(sample, dtype=np.float64)
        return np.asarray(self.sketch["tensors"][own]["sample"], dtype=np.float64)

    def moments(self, name: str) -> dict:
        return self.sketch["tensors"][self._own(name)]


def _read_config(path: Path) -> dict:
    """config.json (or a PEFT adapter_config.json) next to the weights, when there is one; read as facts reads it
    (strict JSON, an object, else CorruptFile naming the file)."""
    folder = path if path.is_dir() else path.parent
    for candidate in (ADAPTER_CONFIG, "config.json"):
        if (folder / candidate).is_file():
            return read_json(folder / candidate)
    return {}
