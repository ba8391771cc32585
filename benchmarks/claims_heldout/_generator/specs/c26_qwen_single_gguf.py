from gen import Card
c = Card("qwen2.5-0.5b-instruct-q4_k_m-gguf", header=[
 "Style model: individual single-file GGUF uploads (first-person prose, bullet facts, llama.cpp load log in <details>).",
 "True card (values match Qwen/Qwen2.5-0.5B-Instruct: 494,032,768 params, 24 layers, 14/2 heads, hidden 896, vocab 151936,",
 "  context 32768). Size units: MiB = 2^20 bytes ('380 MiB' -> 398458880). 'MOSTLY_Q4_K_M' and 'Q4_K - Medium' -> Q4_K_M.",
 "The load log is llama.cpp's printout of the file's own metadata and is counted as claims, except n_ctx (a runtime setting).",
 "Hedges ('roughly half a billion', 'works up to 64k ... YMMV') are not claims.",
])
F = "qwen2.5-0.5b-instruct-q4_k_m.gguf"
c.claim("license", "apache-2.0", "license: apache-2.0")
c.claim("base_model", "Qwen/Qwen2.5-0.5B-Instruct", "base_model: Qwen/Qwen2.5-0.5B-Instruct")
c.claim("size_bytes", 398458880, "(380 MiB)", unit="bytes", variant=F)
c.claim("quantization", "Q4_K_M", "MOSTLY_Q4_K_M", variant=F)
c.claim("parameters", 494000000, "494M to be exact", unit="params")
c.claim("architecture", "qwen2", "qwen2 architecture")
c.claim("layers", 24, "24 layers")
c.claim("attention_heads", 14, "14 attention heads")
c.claim("kv_heads", 2, "2 KV heads")
c.claim("hidden_size", 896, "hidden size 896")
c.claim("vocab_size", 151936, "vocab of 151,936 tokens")
c.claim("context_length", 32768, "32,768 tokens natively", unit="tokens")
c.claim("architecture", "qwen2", "arch             = qwen2")
c.claim("vocab_size", 151936, "n_vocab          = 151936")
c.claim("context_length", 32768, "n_ctx_train      = 32768", unit="tokens")
c.claim("hidden_size", 896, "n_embd           = 896")
c.claim("layers", 24, "n_layer          = 24")
c.claim("attention_heads", 14, "n_head           = 14")
c.claim("kv_heads", 2, "n_head_kv        = 2")
c.claim("quantization", "Q4_K_M", "model ftype      = Q4_K - Medium", variant=F)
c.claim("parameters", 494030000, "model params     = 494.03 M", unit="params")
c.claim("license", "apache-2.0", "License: Apache 2.0")

c.nc("Raspberry Pi 5", "hardware")
c.nc("official bf16 safetensors", "dtype of the source checkpoint, not of this file")
c.nc("roughly half a billion parameters", "hedged ('roughly')")
c.nc("works\" up to 64k with rope scaling, YMMV", "hedged and untested ('YMMV')")
c.nc("with a 4k window", "the author's runtime choice")
c.nc("-c 4096", "code: runtime context option")
c.nc("n_ctx      = 4096", "runtime context of that run, not the trained context")
c.nc("about 20 tok/s", "speed measurement")
c.nc("the Q8_0 from the official repo", "another file, not in this repo")
c.write()
