from gen import Card
c = Card("llama-3.2-3b-instruct-bnb-4bit", header=[
 "Style model: unsloth/Llama-3.2-3B-Instruct-bnb-4bit README (Unsloth banner, notebook table, Meta's Llama 3.2 model information table).",
 "True card. Only the '3B (3.21B)' row of Meta's table is about this model; '128k' there means 131072 tokens",
 "  (max_position_embeddings 131072). bitsandbytes 4-bit safetensors pack two weights per uint8, so a parameter count taken",
 "  naively from the stored tensor shapes is about half of 3.21B; a checker must account for the packing.",
])
c.claim("base_model", "meta-llama/Llama-3.2-3B-Instruct", "base_model: meta-llama/Llama-3.2-3B-Instruct")
c.claim("license", "llama3.2", "license: llama3.2")
c.claim("quantization", "bnb-4bit", "This is a 4bit [bitsandbytes](https://github.com/bitsandbytes-foundation/bitsandbytes) pre-quantized upload")
c.claim("base_model", "meta-llama/Llama-3.2-3B-Instruct", "(NF4, double quantization) of `meta-llama/Llama-3.2-3B-Instruct`")
c.claim("architecture", "llama", "Llama 3.2 is an auto-regressive language model that uses an optimized transformer architecture.")
row = "|  |  | 3B (3.21B) |"
c.claim("parameters", 3210000000, "3B (3.21B)", unit="params", after=row)
c.claim("context_length", 131072, "128k", unit="tokens", after=row)
c.claim("license", "llama3.2", "[Llama 3.2 Community License](https://github.com/meta-llama/llama-models/blob/main/models/llama3_2/LICENSE)", after="**License:**")
c.claim("uses_intended", "commercial and research use in multiple languages; assistant-like chat, agentic retrieval and summarization", "Llama 3.2 is intended for commercial and research use in multiple languages.")
c.claim("out_of_scope", "illegal use; uses prohibited by the Acceptable Use Policy; unsupported languages", "Use in any manner that violates applicable laws or regulations")

c.nc("2-5x faster with 70% less memory", "marketing claim about the Unsloth library")
c.nc("~4x faster", "hedged download-speed claim")
c.nc("| **Llama-3.1 (8B)**", "another model in the notebook table")
c.nc("| **Mistral (7B)**", "another model in the notebook table")
c.nc("| 2.4x faster | 58% less |", "library speed/memory figures", after="| **Llama-3.2 (3B)**")
c.nc("1B (1.23B)", "another model (Llama 3.2 1B)")
c.nc("Up to 9T tokens", "hedged training-data size", after=row)
c.nc("these 8 supported languages", "language count")
c.nc("1x T4 is 5x faster", "library speed figure")
c.write()
