from gen import Card
c = Card("bge-small-en-v1.5", header=[
 "Style model: BAAI/bge-small-en-v1.5 README (FlagEmbedding <h1 align=center> header, Model List, <details> FAQ, MTEB table).",
 "True card. Only the bge-small-en-v1.5 row of the MTEB table is about this model; the other rows are other models.",
 "The card never names the architecture or parameter count of this model.",
])
c.claim("license", "mit", "license: mit")
row = "| [BAAI/bge-small-en-v1.5](https://huggingface.co/BAAI/bge-small-en-v1.5) | 384"
c.claim("embedding_dim", 384, "| 384 |", after=row)
c.claim("max_sequence_length", 512, "| 512 |", unit="tokens", after=row)
for name, v in [("Average (56)", 62.17), ("Retrieval (15)", 51.68), ("Clustering (11)", 43.82), ("Pair Classification (3)", 84.92),
                ("Reranking (4)", 58.36), ("STS (10)", 81.59), ("Summarization (1)", 30.12), ("Classification (12)", 74.14)]:
    c.claim("evaluations", {"metric": "score", "value": v, "dataset": "MTEB " + name}, str(v), after=row)
c.claim("license", "mit", "[MIT License](https://github.com/FlagOpen/FlagEmbedding/blob/master/LICENSE)")

c.nc("Multi-Granularity(8192 tokens)", "another model (BAAI/bge-m3)")
c.nc("input length up to 8192", "another model (BGE-M3), in the News section")
c.nc("100+ languages", "another model (BGE-M3)")
c.nc("temperature of 0.01", "training hyperparameter")
c.nc("interval \\[0.6, 1\\]", "similarity-score range, not a claim field")
c.nc("use_fp16=True", "code: inference option, not the stored dtype")
c.nc("| 1024 | 512 |", "another model (bge-large-en-v1.5)")
c.nc("64.23", "score of another model (bge-large-en-v1.5)")
c.nc("|  768 | 512 |", "another model (bge-base-en-v1.5)")
c.nc("| 1536 | 8192 |", "another model (text-embedding-ada-002)")
c.write()
