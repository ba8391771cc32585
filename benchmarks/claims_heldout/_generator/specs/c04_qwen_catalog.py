from gen import Card
c = Card("qwen2.5-0.5b-catalog", header=[
 "Style model: third-party model-catalog pages (e.g. apxml.com/models/qwen2-5-0-5b, fitmygpu.com/models/qwen-2.5-0.5b):",
 "  label/value pairs on separate lines, a VRAM table, generated prose. The real apxml page contradicts itself the same way.",
 "FALSE CARD. Ground truth: the published Qwen/Qwen2.5-0.5B config.json (hidden_size 896, num_hidden_layers 24,",
 "  num_attention_heads 14, num_key_value_heads 2, vocab_size 151936, max_position_embeddings 32768, torch_dtype bfloat16)",
 "  and its model.safetensors (494,032,768 parameters, tied embeddings).",
 "'32.768K' is the catalog's way of writing 32,768 tokens (value 32768).",
])
c.claim("parameters", 490000000, "0.49B", unit="params")
c.claim("context_length", 32768, "32.768K", unit="tokens")
c.claim("license", "apache-2.0", "Apache 2.0")
L_h = c.claim("hidden_size", 768, "768", after="Hidden Dimension Size", false=True)
c.claim("layers", 24, "24", after="Number of Layers")
L_a = c.claim("attention_heads", 16, "16", after="Attention Heads", false=True)
L_kv = c.claim("kv_heads", 8, "8", after="Key-Value Heads", false=True)
c.claim("vocab_size", 151936, "151,936")
c.claim("dtype", "bfloat16", "BF16", after="Tensor Type")
c.claim("attention_heads", 14, "14 query heads")
c.claim("kv_heads", 2, "2 key-value heads")
c.claim("layers", 24, "24 layers")
c.claim("context_length", 32768, "full context length of 32,768 tokens", unit="tokens")

c.nc("| INT4 |", "VRAM estimate for a hypothetical quantization; the published model is not quantized")
c.nc("| INT8 |", "VRAM estimate for a hypothetical quantization")
c.nc("32K context", "column header of a VRAM estimate table")
c.nc("2.1 GB", "VRAM estimate, not a file size")
c.nc("approximately 0.49 billion parameters", "hedged ('approximately'); the exact figure is claimed in the header")
c.nc("up to 128,000 tokens", "the broader Qwen2.5 series, not this model")
c.nc("up to 8,000 tokens", "generation length of the series, not a context window")
c.nc("Qwen2.5-1.5B · 1.5B parameters", "another model")
c.nc("Qwen2.5-72B · 72B parameters", "another model")
c.gt = {
 "source": "Qwen/Qwen2.5-0.5B config.json and model.safetensors as published on the Hugging Face Hub",
 "parameters": 494032768,
 "context_length": 32768,
 "hidden_size": 896,
 "layers": 24,
 "attention_heads": 14,
 "kv_heads": 2,
 "vocab_size": 151936,
 "dtype": "bfloat16",
 "architecture": "qwen2",
 "false_claims": [f"line {L_h}: hidden size 768 claimed; config says 896",
                  f"line {L_a}: 16 attention heads claimed; config says 14",
                  f"line {L_kv}: 8 key-value heads claimed; config says 2"],
}
c.write()
