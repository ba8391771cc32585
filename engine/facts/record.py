"""Facts: what the model's files say about it, each value with the place it was read from."""
from __future__ import annotations

from dataclasses import dataclass, field

# The scalar facts, in output order; every one is null until a file states it.
FACT_NAMES = ("architecture", "parameters", "layers", "hidden_size", "intermediate_size", "attention_heads", "kv_heads", "vocab_size",
              "context_length", "embedding_dim", "max_sequence_length", "tied_embeddings", "quantization", "dtype", "size_bytes")
SEVERITY_ORDER = ("critical", "high", "medium", "low")


@dataclass
class Facts:
    format: str | None = None
    values: dict = field(default_factory=lambda: dict.fromkeys(FACT_NAMES))
    sources: dict[str, str] = field(default_factory=dict)
    dtype_elements: dict[str, int] = field(default_factory=dict)
    adapter: dict | None = None
    files: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    scanners: dict[str, dict] = field(default_factory=dict)  # pickle-based file -> scanner -> verdict
    conflicts: list[dict] = field(default_factory=list)  # declared (config.json, GGUF header) vs proven from the tensors
    integrity: list[dict] = field(default_factory=list)  # sharded checkpoints: the index and the shards disagree
    quantization_details: dict | None = None  # {scheme, bits, group_size, ...} read from the packed tensors or GGUF types
    metadata: dict = field(default_factory=dict)
    # declared values no fact holds, which the tensor derivations need (head_dim, architectures, the quantization config); not stored
    hints: dict = field(default_factory=dict, repr=False)

    def record(self, name: str, value: object, source: str) -> None:
        """Declare a fact unless it is already known or `value` is None: the first, most direct source wins."""
        if value is None or self.values.get(name) is not None:
            return
        self.values[name] = value
        self.sources[name] = source

    def prove(self, name: str, value: object, source: str) -> None:
        """Set a fact the tensors prove, over any declared value; a declared value that differs becomes a conflict."""
        declared, where = self.values.get(name), self.sources.get(name)
        if declared is not None and declared != value:
            self.conflicts.append({"fact": name, "config": declared, "config_source": where, "tensors": value, "tensors_source": source,
                                   "config_says": f"{name} = {declared} ({where})", "tensors_say": f"{name} = {value} ({source})"})
        self.values[name] = value
        self.sources[name] = source

    def record_adapter(self, name: str, value: object, source: str) -> None:
        if value is None or value == []:
            return
        self.adapter = self.adapter or dict.fromkeys(("type", "rank", "alpha", "target_modules", "base_model"))
        if self.adapter.get(name) is None:
            self.adapter[name] = value
            self.sources[f"adapter.{name}"] = source

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    def to_dict(self) -> dict:
        """JSON-native: format, the scalar facts, quantization details, dtype_elements, adapter, files, security, conflicts, integrity,
        sources, metadata."""
        findings = sorted(self.findings, key=lambda f: (SEVERITY_ORDER.index(f["severity"]), f["file"], f["global"] or "", f["kind"]))
        return {"format": self.format, **self.values, "quantization_details": self.quantization_details, "dtype_elements": self.dtype_elements,
                "adapter": self.adapter, "files": self.files, "security": {"findings": findings, "scanners": self.scanners},
                "conflicts": sorted(self.conflicts, key=lambda c: c["fact"]), "integrity": self.integrity, "sources": self.sources,
                "metadata": self.metadata}
