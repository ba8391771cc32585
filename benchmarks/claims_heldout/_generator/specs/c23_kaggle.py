from gen import Card
c = Card("kaggle-gemma-keras-gemma_2b_en", header=[
 "Style model: Kaggle model page google/gemma (Keras variation gemma_2b_en) as rendered text: variation box, Gemma model card",
 "  sections, KerasNLP presets table. Registry catalog page, no front matter. True page for the gemma_2b_en variation.",
 "'2 billion parameter' in the preset description is a size-class label; the count is 2.51B (2,506,172,416).",
 "Only the gemma_2b_en row and the '2B Params' column are about this variation.",
])
c.claim("license", "gemma", "| License | [Gemma](https://ai.google.dev/gemma/terms) |")
c.claim("architecture", "gemma", "Gemma is a family of lightweight, state-of-the-art open models from Google")
c.claim("parameters", 2510000000, "2.51B", unit="params", after="| `gemma_2b_en` |")
c.claim("layers", 18, "18-layer", after="| `gemma_2b_en` |")
c.claim("context_length", 8192, "context length of 8192 tokens", unit="tokens")
for name, v in [("MMLU", 42.3), ("HellaSwag", 71.4), ("PIQA", 77.3), ("GSM8K", 17.7), ("HumanEval", 22.0)]:
    c.claim("evaluations", {"metric": {"MMLU": "5-shot top-1", "HellaSwag": "0-shot", "PIQA": "0-shot", "GSM8K": "maj@1", "HumanEval": "pass@1"}[name], "value": v, "dataset": name},
            f"| {v:.1f} |", after=f"| [{name}](")
c.claim("uses_intended", "content creation and communication; research and education", "Content Creation and Communication")
c.claim("limitations", "training-data quality limits; may generate incorrect or outdated facts", "They may generate incorrect or outdated factual statements.")
c.claim("out_of_scope", "uses prohibited by the Gemma Prohibited Use Policy", "Prohibited uses of Gemma models are outlined")

c.nc("| Usability | 10.00 |", "Kaggle usability score")
c.nc("2 billion parameter, 18-layer, base", "size-class label in the description; the count is in the Parameters column")
c.nc("| `gemma_instruct_2b_en` | 2.51B |", "another preset (instruction-tuned variation)")
c.nc("| `gemma_7b_en` | 8.54B |", "another model (7B)")
c.nc("28-layer", "another model (7B)")
c.nc("max_length=64", "code: generation argument")
c.nc('keras.config.set_floatx("bfloat16")', "code comment: optional inference precision")
c.nc("totaling 6 trillion tokens", "training-data size")
c.nc("| 64.3 |", "score of another model (7B)")
c.write()
