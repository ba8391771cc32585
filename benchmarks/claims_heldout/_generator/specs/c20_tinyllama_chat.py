from gen import Card
c = Card("tinyllama-1.1b-chat-v1.0", header=[
 "Style model: TinyLlama/TinyLlama-1.1B-Chat-v1.0 README (<div align=center> title, emoji, prose only, pipeline example).",
 "True card. torch_dtype=torch.bfloat16 in the usage code is a load option, not a dtype claim. The card states no context length.",
])
c.claim("license", "apache-2.0", "license: apache-2.0")
for d in ["cerebras/SlimPajama-627B", "bigcode/starcoderdata", "HuggingFaceH4/ultrachat_200k", "HuggingFaceH4/ultrafeedback_binarized"]:
    c.claim("datasets", [d], "- " + d)
c.claim("parameters", 1100000000, "1.1B Llama model", unit="params")
c.claim("architecture", "llama", "exactly the same architecture and tokenizer as Llama 2")
c.claim("parameters", 1100000000, "only 1.1B parameters", unit="params")
c.claim("base_model", "TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T", "finetuned on top of [TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T]")
c.claim("datasets", ["stingning/ultrachat"], "[`UltraChat`](https://huggingface.co/datasets/stingning/ultrachat)")
c.claim("datasets", ["openbmb/UltraFeedback"], "[openbmb/UltraFeedback](https://huggingface.co/datasets/openbmb/UltraFeedback)")

c.nc("first 10 digits of the fibonacci sequence", "widget example prompt")
c.nc("3 trillion tokens", "training-data size")
c.nc("just\" 90 days", "training duration")
c.nc("16 A100-40G GPUs", "training hardware")
c.nc("[HF's Zephyr](https://huggingface.co/HuggingFaceH4/zephyr-7b-alpha)", "training recipe of another model, not the base model")
c.nc("64k prompts", "dataset size, not a context window")
c.nc("ranked by GPT-4", "another model used for ranking")
c.nc("transformers>=4.34", "software version")
c.nc("torch_dtype=torch.bfloat16", "code: load option, not the stored dtype")
c.nc("max_new_tokens=256", "code: generation argument")
c.write()
