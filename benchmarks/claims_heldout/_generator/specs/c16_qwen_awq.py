from gen import Card
c = Card("qwen2.5-7b-instruct-awq", header=[
 "Style model: Qwen/Qwen2.5-7B-Instruct-AWQ README (Qwen feature list incl. the 'Paramaters' typo, YaRN section, badges).",
 "True card. Two context figures are both true: 131,072 with YaRN rope scaling, and 32,768 as the shipped config.json sets it.",
 "  A checker comparing 131072 with config.json max_position_embeddings (32768) must not raise a failure: the card explains it.",
 "'Non-Embedding: 6.53B' is not the total parameter count; 'generation 8192 tokens' is an output length, not a context window.",
 "AWQ packs eight 4-bit weights per int32 (qweight/qzeros/scales), so a naive element count of the AWQ safetensors is far below",
 "  7.61B; a checker must unpack before comparing parameter counts.",
])
c.claim("base_model", "Qwen/Qwen2.5-7B-Instruct", "base_model: Qwen/Qwen2.5-7B-Instruct")
c.claim("license", "apache-2.0", "license: apache-2.0")
c.claim("quantization", "awq-4bit", "AWQ-quantized 4-bit")
c.claim("parameters", 7610000000, "Number of Parameters: 7.61B", unit="params")
c.claim("layers", 28, "Number of Layers: 28")
c.claim("attention_heads", 28, "28 for Q")
c.claim("kv_heads", 4, "4 for KV")
c.claim("context_length", 131072, "Full 131,072 tokens", unit="tokens", note="with YaRN rope scaling; config.json ships 32768")
c.claim("quantization", "awq-4bit", "Quantization: AWQ 4-bit")
c.claim("context_length", 32768, "set for context length up to 32,768 tokens", unit="tokens", note="as configured in the shipped config.json")

c.nc("ranging from 0.5 to 72 billion parameters", "the whole Qwen2.5 series")
c.nc("(over 8K tokens)", "generated-text length")
c.nc("up to 128K tokens and can generate up to 8K tokens", "hedged series-level feature list ('up to')")
c.nc("over 29 languages", "language count")
c.nc("Number of Paramaters (Non-Embedding): 6.53B", "non-embedding parameter count, not the total")
c.nc("generation 8192 tokens", "maximum generation length, not the context window")
c.nc("`transformers<4.37.0`", "software version")
c.nc("KeyError: 'qwen2'", "error message in a code block")
c.nc("max_new_tokens=512", "code: generation argument")
c.nc('"factor": 4.0', "code: YaRN configuration snippet")
c.nc('"original_max_position_embeddings": 32768', "code: YaRN configuration snippet")
c.nc("original bfloat16 models", "dtype of the unquantized originals, not of this AWQ repo")
c.write()
