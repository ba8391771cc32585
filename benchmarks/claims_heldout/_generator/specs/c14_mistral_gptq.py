from gen import Card
c = Card("mistral-7b-instruct-v0.2-gptq", header=[
 "Style model: TheBloke/Mistral-7B-Instruct-v0.2-GPTQ README (TheBloke GPTQ template: branch table with Bits/GS/Act Order/Damp/",
 "  GPTQ Dataset/Seq Len/Size/ExLlama, <details> explanation, TGI and Python examples, original card appended).",
 "True card. Variants are branches, not single files; 'file' holds the branch name. Size units: GB = 10^9 bytes.",
 "'Seq Len 4096' is the calibration sequence length (the card itself says it does not limit the model); the GPTQ dataset is",
 "  a calibration set, not training data. '32k context window' means 32768 tokens (max_position_embeddings 32768).",
])
c.claim("base_model", "mistralai/Mistral-7B-Instruct-v0.2", "base_model: mistralai/Mistral-7B-Instruct-v0.2")
c.claim("license", "apache-2.0", "license: apache-2.0")
c.claim("architecture", "mistral", "model_type: mistral")
c.claim("base_model", "mistralai/Mistral-7B-Instruct-v0.2", "Original model: [Mistral 7B Instruct v0.2](https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.2)")
c.claim("quantization", "gptq", "This repo contains GPTQ model files", note="repo-level claim; per-branch bit widths are in the variants")
rows = [("main", 4, 128, "4.16 GB"), ("gptq-4bit-32g-actorder_True", 4, 32, "4.57 GB"), ("gptq-8bit--1g-actorder_True", 8, None, "7.52 GB"),
        ("gptq-8bit-128g-actorder_True", 8, 128, "7.68 GB"), ("gptq-8bit-32g-actorder_True", 8, 32, "8.17 GB"), ("gptq-4bit-64g-actorder_True", 4, 64, "4.29 GB")]
for br, bits, gs, sz in rows:
    anchor = f"| [{br}](https://huggingface.co/TheBloke/Mistral-7B-Instruct-v0.2-GPTQ/tree/"
    vals = dict(quantization=f"gptq-{bits}bit", size_bytes=int(round(float(sz.split()[0]) * 1e9)))
    ln = c.variant(br, anchor=anchor, spans={"quantization": f"{bits}-bit, with", "size_bytes": sz}, **vals)
    c.variants[-1]["group_size"] = gs if gs is not None else "none"
    c.variants[-1]["line"] = c.variants[-1].pop("line")
c.claim("context_length", 32768, "32k context window", unit="tokens")
c.claim("limitations", "no moderation mechanisms", "It does not have any moderation mechanisms.")

c.nc("AWQ model(s) for GPU inference.", "another repository")
c.nc("2, 3, 4, 5, 6 and 8-bit GGUF models", "other repositories (GGUF)")
c.nc("original unquantised fp16 model", "dtype of the original repository")
c.nc("0.01 is default, but 0.1", "GPTQ damping explanation")
c.nc("very long sequence models (16+K)", "other models")
c.nc("| 4096 | 4.16 GB |", "Seq Len column: calibration sequence length, explicitly not the model's context window")
c.nc("[VMware Open Instruct](https://huggingface.co/datasets/VMware/open-instruct/viewer/)", "GPTQ calibration dataset, not a training dataset", after="| [main](")
c.nc("--max-total-tokens 4096", "code: TGI server option")
c.nc("max_new_tokens=512", "code: generation argument")
c.nc("TGI version 1.1.0", "software version")
c.nc("improved instruct fine-tuned version of [Mistral-7B-Instruct-v0.1]", "predecessor model, not the base model of this repo")
c.nc("vs 8k context in v0.1", "another model (v0.1)")
c.nc("Rope-theta = 1e6", "RoPE base, not a context window")
c.write()
