from gen import Card
c = Card("gemma-2-2b-it-gguf", header=[
 "Style model: small community GGUF repos (hand-written README, emoji, typos, a short 'Files' table), cf. bartowski/gemma-2-2b-it-GGUF sizes.",
 "FALSE CARD. Ground truth: google/gemma-2-2b-it config.json (max_position_embeddings 8192, 26 layers, hidden 2304, 8 heads,",
 "  4 KV heads, vocab 256000; 2,614,341,888 parameters) and the file gemma-2-2b-it-Q5_K_M.gguf (general.file_type 17 = MOSTLY_Q5_K_M).",
 "Size units: GB = 10^9 bytes. '256k vocab' means 256,000 tokens here (Gemma's vocabulary is exactly 256000).",
])
c.claim("license", "gemma", "license: gemma")
c.claim("base_model", "google/gemma-2-2b-it", "base_model: google/gemma-2-2b-it")
c.claim("base_model", "google/gemma-2-2b-it", "GGUF quants of [google/gemma-2-2b-it]")
c.claim("architecture", "gemma2", "smallest Gemma 2 model")
c.claim("parameters", 2600000000, "2.6B paramters", unit="params")
c.claim("layers", 26, "26 layers")
c.claim("vocab_size", 256000, "256k vocab")
L_c = c.claim("context_length", 4096, "contex lenght of 4096 tokens", unit="tokens", false=True)
rows = [("Q8_0","Q8_0","2.78 GB"),("Q6_K","Q6_K","2.15 GB"),("Q5_K_M","Q5_K_S","1.92 GB"),("Q4_K_M","Q4_K_M","1.71 GB"),("Q3_K_L","Q3_K_L","1.55 GB"),("Q2_K","Q2_K","1.23 GB")]
for fq, colq, sz in rows:
    fn = f"gemma-2-2b-it-{fq}.gguf"
    ln = c.variant(fn, anchor="| [" + fn, quantization=colq, size_bytes=int(round(float(sz.split()[0]) * 1e9)),
                   spans={"quantization": colq, "size_bytes": sz}, false_fields=("quantization",) if fq != colq else ())
    if fq != colq: L_q = ln
c.claim("license", "gemma", "Gemma Terms of Use")

c.nc("b3496", "llama.cpp build number")
c.nc("July 31 2024", "date")
c.nc("-c 8192", "code: runtime context option")
c.nc("-ngl 99", "code: GPU offload option")
c.nc("PARAMETER num_ctx 4096", "code: Ollama Modelfile runtime option")
c.nc("| MMLU | 5-shot, top-1 | 51.3 |", "scores of the pretrained google/gemma-2-2b ('Gemma 2 PT 2B'), not of this instruction-tuned model")
c.nc("| HellaSwag | 10-shot | 73.0 |", "score of the pretrained google/gemma-2-2b, not of this model")
c.nc("71.3", "score of another model (Gemma 2 PT 9B)")
c.nc("75.2", "score of another model (Gemma 2 PT 27B)")
c.gt = {
 "source": "google/gemma-2-2b-it config.json and weights; GGUF header of gemma-2-2b-it-Q5_K_M.gguf",
 "file": "gemma-2-2b-it-Q5_K_M.gguf",
 "quantization": "Q5_K_M",
 "parameters": 2614341888,
 "context_length": 8192,
 "layers": 26,
 "hidden_size": 2304,
 "attention_heads": 8,
 "kv_heads": 4,
 "vocab_size": 256000,
 "architecture": "gemma2",
 "false_claims": [f"line {L_c}: context length 4096 claimed; config and GGUF say 8192",
                  f"line {L_q}: row for gemma-2-2b-it-Q5_K_M.gguf says Q5_K_S; the file is Q5_K_M (file name and GGUF header agree)"],
}
c.write()
