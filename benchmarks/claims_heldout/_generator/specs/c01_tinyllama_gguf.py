from gen import Card
c = Card("tinyllama-1.1b-chat-v1.0-gguf", header=[
 "Style model: TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF (TheBloke GGUF template: HTML header, Provided files table, <details>).",
 "Size units: GB = 10^9 bytes (\"0.67 GB\" -> 670000000). \"Max RAM required\" is RAM, not a file size, and is not a claim.",
])
c.claim("base_model", "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "base_model: TinyLlama/TinyLlama-1.1B-Chat-v1.0")
for d in ["cerebras/SlimPajama-627B", "bigcode/starcoderdata", "HuggingFaceH4/ultrachat_200k", "HuggingFaceH4/ultrafeedback_binarized"]:
    c.claim("datasets", [d], "- " + d)
c.claim("license", "apache-2.0", "license: apache-2.0")
c.claim("base_model", "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "Original model: [Tinyllama 1.1B Chat v1.0](https://huggingface.co/TinyLlama/TinyLlama-1.1B-Chat-v1.0)")
files = [("Q2_K","0.48 GB"),("Q3_K_S","0.50 GB"),("Q3_K_M","0.55 GB"),("Q3_K_L","0.59 GB"),("Q4_0","0.64 GB"),("Q4_K_S","0.64 GB"),
         ("Q4_K_M","0.67 GB"),("Q5_0","0.77 GB"),("Q5_K_S","0.77 GB"),("Q5_K_M","0.78 GB"),("Q6_K","0.90 GB"),("Q8_0","1.17 GB")]
for qn, sz in files:
    fn = f"tinyllama-1.1b-chat-v1.0.{qn}.gguf"
    c.variant(fn, anchor="| [" + fn, quantization=qn, size_bytes=int(round(float(sz.split()[0]) * 1e9)),
              spans={"quantization": qn, "size_bytes": sz})
c.claim("parameters", 1100000000, "1.1B Llama model", unit="params")
c.claim("architecture", "llama", "exactly the same architecture and tokenizer as Llama 2")
c.claim("parameters", 1100000000, "only 1.1B parameters", unit="params")
c.claim("base_model", "TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T", "finetuned on top of [TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T]",
        note="ancestor: parent of the original chat model, quoted from the original card")
c.claim("datasets", ["stingning/ultrachat"], "[`UltraChat`](https://huggingface.co/datasets/stingning/ultrachat)")
c.claim("datasets", ["openbmb/UltraFeedback"], "[openbmb/UltraFeedback](https://huggingface.co/datasets/openbmb/UltraFeedback)")

c.nc("AWQ model(s) for GPU inference.", "another repository (AWQ), not this GGUF repo's quantization")
c.nc("GPTQ models for GPU inference", "another repository (GPTQ)")
c.nc("2, 3, 4, 5, 6 and 8-bit GGUF models", "list of repositories; not a per-file claim")
c.nc("original unquantised fp16 model", "dtype of the original repository, not of these GGUF files")
c.nc("2.5625 bits per weight", "describes the Q2_K method in general")
c.nc("super-blocks containing 8 blocks, each block having 32 weights", "describes the Q4_K method, not layers or heads")
c.nc("2.98 GB", "Max RAM required column: RAM estimate, not a file size")
c.nc("3.17 GB", "Max RAM required column: RAM estimate, not a file size")
c.nc("-ngl 35", "code: GPU layers to offload, not the layer count")
c.nc("Change `-ngl 32`", "instruction about GPU offload, not the layer count")
c.nc("--color -c 2048", "code: runtime context setting")
c.nc("Change `-c 2048` to the desired sequence length", "instruction about a runtime setting, not the model's context window")
c.nc("eg 8K, 16K, 32K", "other (extended sequence) models")
c.nc("n_ctx=2048", "code: runtime setting")
c.nc("n_gpu_layers=35", "code: GPU offload setting")
c.nc("16 A100-40G GPUs", "training hardware")
c.nc("HF's Zephyr", "training recipe source (zephyr-7b-alpha), not the base model")
c.nc("64k prompts", "dataset size, not a context window")
c.write()
