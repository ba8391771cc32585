from gen import Card
c = Card("deepseek-r1-distill-qwen-1.5b", header=[
 "Style model: deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B README (shared DeepSeek-R1 card: centered HTML logo and badges, family",
 "  download tables, distilled-model evaluation table, usage recommendations). True card.",
 "Only the DeepSeek-R1-Distill-Qwen-1.5B rows are about this model. 'maximum generation length ... 32,768 tokens' is an",
 "  evaluation setting for generation, not the context window. The Apache-2.0 mention is the license of the Qwen base.",
])
c.claim("license", "mit", "license: mit")
c.claim("base_model", "deepseek-ai/DeepSeek-R1", "six dense models distilled from DeepSeek-R1", note="teacher model ('distilled from'); the fine-tuning base is Qwen/Qwen2.5-Math-1.5B")
c.claim("base_model", "Qwen/Qwen2.5-Math-1.5B", "[Qwen2.5-Math-1.5B](https://huggingface.co/Qwen/Qwen2.5-Math-1.5B)")
row = "| DeepSeek-R1-Distill-Qwen-1.5B       |"
for name, v in [("AIME 2024 pass@1", 28.9), ("AIME 2024 cons@64", 52.7), ("MATH-500 pass@1", 83.9), ("GPQA Diamond pass@1", 33.8),
                ("LiveCodeBench pass@1", 16.9), ("CodeForces rating", 954)]:
    c.claim("evaluations", {"metric": name.split()[-1] if name != "CodeForces rating" else "rating", "value": v, "dataset": name.rsplit(" ", 1)[0] if name != "CodeForces rating" else "CodeForces"},
            str(v), after=row)
c.claim("license", "mit", "licensed under the [MIT License](https://github.com/deepseek-ai/DeepSeek-R1/blob/main/LICENSE)")

c.nc("DeepSeek-R1-Distill-Qwen-32B outperforms OpenAI-o1-mini", "other models")
c.nc("distilled 1.5B, 7B, 8B, 14B, 32B, and 70B checkpoints", "list of the whole distilled family")
c.nc("| DeepSeek-R1-Zero | 671B | 37B | 128K", "another model")
c.nc("| DeepSeek-R1   | 671B | 37B |  128K", "another model (the teacher)")
c.nc("[Qwen2.5-Math-7B](https://huggingface.co/Qwen/Qwen2.5-Math-7B)", "base of another distilled model")
c.nc("| 9.3              |", "score of another model (GPT-4o-0513)")
c.nc("**1820**", "score of another model (o1-mini)")
c.nc("| 55.5             |", "score of another model (DeepSeek-R1-Distill-Qwen-7B)")
c.nc("maximum generation length is set to 32,768 tokens", "generation length used in evaluation, not the context window")
c.nc("temperature of $0.6$", "sampling setting")
c.nc("--max-model-len 32768", "code: vLLM option for another model (32B)")
c.nc("range of 0.5-0.7 (0.6 is recommended)", "sampling recommendation")
c.nc("[Apache 2.0 License](https://huggingface.co/Qwen/Qwen2.5-1.5B/blob/main/LICENSE)", "license of the Qwen base models, not of this repo")
c.nc("800k samples curated with DeepSeek-R1", "fine-tuning sample count")
c.nc("[llama3.1 license]", "license of another model's base")
c.write()
