from gen import Card
c = Card("phi-3-mini-4k-instruct", header=[
 "Style model: microsoft/Phi-3-mini-4k-instruct README (June 2024 update: emoji resource list, family context table, Release Notes table).",
 "True card. '4K' means 4096 tokens here (config max_position_embeddings 4096). The 'Original' column is the earlier checkpoint,",
 "  not this one; the 128K/8K cells of the family table are other models. 'up to 32064' is the real vocab size (32064).",
])
c.claim("license", "mit", "license: mit")
c.claim("parameters", 3800000000, "3.8B parameters", unit="params")
c.claim("context_length", 4096, "[4K](https://huggingface.co/microsoft/Phi-3-mini-4k-instruct)", unit="tokens")
c.claim("context_length", 4096, "4K [[HF]](https://huggingface.co/microsoft/Phi-3-mini-4k-instruct)", unit="tokens")
c.claim("uses_intended", "broad commercial and research use in English; memory/latency constrained, reasoning-heavy applications", "intended for broad commercial and research use in English")
c.claim("out_of_scope", "not designed or evaluated for all downstream purposes; evaluate before high-risk use", "Our models are not specifically designed or evaluated for all downstream purposes.")
row_after = "| Benchmarks | Original | June 2024 Update |"
for name, v in [("Instruction Extra Hard", 6.0), ("Instruction Hard", 5.1), ("Instructions Challenge", 42.3), ("JSON Structure Output", 52.3),
                ("XML Structure Output", 49.8), ("GPQA", 30.6), ("MMLU", 70.9)]:
    c.claim("evaluations", {"metric": "score", "value": v, "dataset": name}, str(v), after="| " + name)
c.claim("evaluations", {"metric": "score", "value": 36.7, "dataset": "Average (release-notes benchmarks)"}, "**36.7**")
c.claim("vocab_size", 32064, "vocabulary size of up to `32064` tokens")
c.claim("limitations", "trained primarily on English; worse on other languages; stereotypes; fabricated content; limited code scope", "Languages other than English will experience worse performance.")
c.claim("architecture", "phi3", "Architecture: Phi-3 Mini-4K-Instruct")
c.claim("parameters", 3800000000, "has 3.8B parameters", unit="params")
c.claim("context_length", 4096, "Context length: 4K tokens", unit="tokens")
c.claim("evaluations", {"metric": "accuracy", "value": 70.9, "dataset": "MMLU 5-shot"}, "| 70.9 |", after="| Popular aggregated benchmark |")
c.claim("evaluations", {"metric": "accuracy", "value": 85.7, "dataset": "GSM8K CoT 8-shot"}, "| 85.7 |", after="| Math | GSM8K")
c.claim("license", "mit", "[MIT license](https://huggingface.co/microsoft/Phi-3-mini-4k-instruct/resolve/main/LICENSE)")

c.nc("[[mini-instruct]](https://huggingface.co/microsoft/Phi-3.5-mini-instruct)", "another model (Phi-3.5)")
c.nc("[128K](https://huggingface.co/microsoft/Phi-3-mini-128k-instruct)", "another model (Phi-3-mini-128k-instruct)")
c.nc("less than 13 billion parameters", "comparison class of other models")
c.nc("128K [[HF]](https://huggingface.co/microsoft/Phi-3-mini-128k-instruct)", "another model")
c.nc("8K [[HF]](https://huggingface.co/microsoft/Phi-3-small-8k-instruct)", "another model (Phi-3-small)")
c.nc("4K [[HF]](https://huggingface.co/microsoft/Phi-3-medium-4k-instruct)", "another model (Phi-3-medium)")
c.nc("| 68.8 |", "score of the original (earlier) checkpoint", after="| MMLU\t")
c.nc("| 23.7 |", "score of the original (earlier) checkpoint", after="| GPQA\t")
c.nc("`4.41.2` version", "software version")
c.nc('"max_new_tokens": 500', "code: generation argument")
c.nc("512 H100-80G", "training hardware")
c.nc("Training data: 4.9T tokens", "training-data size")
c.nc("| 63.6 |", "score of another model (Gemma-7B)")
c.nc("| 77.4 |", "score of another model (Llama-3-8B-Instruct)")
c.write()
