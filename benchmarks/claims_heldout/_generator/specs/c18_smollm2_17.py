from gen import Card
c = Card("smollm2-1.7b-instruct", header=[
 "Style model: HuggingFaceTB/SmolLM2-1.7B-Instruct README (family summary, instruct evaluation table with 4 models, Training bullets).",
 "True card. Only the SmolLM2-1.7B-Instruct column is about this model; 135M and 360M are other family members.",
 "base_model in front matter is a YAML list here.",
])
c.claim("license", "apache-2.0", "license: apache-2.0")
c.claim("base_model", "HuggingFaceTB/SmolLM2-1.7B", "- HuggingFaceTB/SmolLM2-1.7B")
c.claim("parameters", 1700000000, "1.7B parameters", unit="params")
c.claim("datasets", ["FineWeb-Edu", "DCLM", "The Stack"], "FineWeb-Edu, DCLM, The Stack")
c.claim("datasets", ["HuggingFaceH4/ultrafeedback_binarized"], "[UltraFeedback](https://huggingface.co/datasets/HuggingFaceH4/ultrafeedback_binarized)")
c.claim("datasets", ["argilla/Synth-APIGen-v0.1"], "[Synth-APIGen-v0.1](https://huggingface.co/datasets/argilla/Synth-APIGen-v0.1)")
c.claim("datasets", ["HuggingFaceTB/smoltalk"], "https://huggingface.co/datasets/HuggingFaceTB/smoltalk")
for name, v in [("IFEval (Average prompt/inst)", "**56.7**"), ("MT-Bench", "6.13"), ("OpenRewrite-Eval (micro_avg RougeL)", "44.9"), ("HellaSwag", "**66.1**"),
                ("ARC (Average)", "**51.7**"), ("PIQA", "**74.4**"), ("MMLU-Pro (MCF)", "19.3"), ("BBH (3-shot)", "32.2"), ("GSM8K (5-shot)", "**48.2**")]:
    c.claim("evaluations", {"metric": "score", "value": float(v.strip("*")), "dataset": name}, v, after="| " + name)
c.claim("limitations", "primarily English; may be factually inaccurate, inconsistent or biased; use as assistive tool", "SmolLM2 models primarily understand and generate content in English.")
c.claim("dtype", "bfloat16", "**Precision:** bfloat16")
c.claim("license", "apache-2.0", "[Apache 2.0](https://www.apache.org/licenses/LICENSE-2.0)")

c.nc("three size: 135M, 360M", "other members of the SmolLM2 family")
c.nc("over its predecessor SmolLM1-1.7B", "another model")
c.nc("11 trillion tokens", "training-data size")
c.nc("max_new_tokens=50", "code: generation argument", after="#### Transformers")
c.nc("53.5", "score of another model (Llama-1B-Instruct)")
c.nc("**6.52**", "score of another model (Qwen2.5-1.5B-Instruct)")
c.nc("**Pretraining tokens:** 11T", "training-data size, not a context window")
c.nc("**GPUs:** 256 H100", "training hardware")
c.write()
