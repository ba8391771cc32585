from gen import Card
c = Card("hub-tinyllama-1.1b-chat-gguf", header=[
 "Style model: model-hub / registry catalog entries (LM Studio, Jan, LocalAI gallery style): facts table, per-file table with",
 "  Params | Quant | Context | Size columns, default runtime settings, comparison table. No front matter. True page.",
 "Size units: GiB = 2^30 bytes ('0.62 GiB' -> 665719930). The real Q4_K_M file is 668,788,096 bytes = 0.623 GiB.",
 "'Min RAM' is a requirement, not a size. Runtime defaults ('ctx_size: 2048', 'gpu_layers: 99') are settings, not claims.",
])
c.claim("base_model", "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "[TinyLlama/TinyLlama-1.1B-Chat-v1.0](https://huggingface.co/TinyLlama/TinyLlama-1.1B-Chat-v1.0)")
c.claim("architecture", "llama", "| Architecture | llama |")
c.claim("layers", 22, "| Layers | 22 |")
c.claim("hidden_size", 2048, "| Hidden size | 2048 |")
c.claim("attention_heads", 32, "| Attention heads | 32")
c.claim("kv_heads", 4, "4 KV heads")
c.claim("vocab_size", 32000, "| Vocabulary | 32,000 |")
c.claim("context_length", 2048, "2,048 tokens", unit="tokens")
c.claim("license", "apache-2.0", "| License | Apache-2.0 |")
GiB = 2 ** 30
for q, gib in [("Q2_K", "0.45"), ("Q4_K_M", "0.62"), ("Q5_K_M", "0.73"), ("Q8_0", "1.09")]:
    fn = f"tinyllama-1.1b-chat-v1.0.{q}.gguf"
    c.variant(fn, anchor="| `" + fn, parameters=1100000000, quantization=q, context_length=2048, size_bytes=int(round(float(gib) * GiB)),
              spans={"parameters": "1.1B", "quantization": q, "context_length": "| 2048 |", "size_bytes": gib + " GiB"})
c.claim("uses_intended", "testing pipelines, speculative-decoding drafts, low-RAM devices", "Good for testing pipelines, speculative decoding drafts and low-RAM devices")
c.claim("limitations", "weak at facts, maths and code; hallucinates; English only", "not good at facts, maths or code")
c.claim("out_of_scope", "medical, legal or financial advice", "Do not use for medical, legal or financial advice.")
c.claim("limitations", "hallucinates readily; English only", "Small models hallucinate readily.")

c.nc("llama.cpp ≥ b1500", "engine version")
c.nc("[TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF]", "source of the files (the quantizer's repo), not the base model")
c.nc("| 1 GB | lowest quality |", "Min RAM column: a requirement, not a size")
c.nc("`ctx_size: 2048`", "hub runtime default setting")
c.nc("`gpu_layers: 99`", "hub runtime default setting, not a layer count")
c.nc("| Llama-2-7B-Chat | 6.7B | 4096 |", "another model (comparison table)")
c.nc("| Phi-2 | 2.7B | 2048 |", "another model (comparison table)")
c.nc("| Qwen1.5-0.5B-Chat | 0.5B | 32768 |", "another model (comparison table)")
c.write()
