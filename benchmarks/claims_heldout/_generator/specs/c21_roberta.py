from gen import Card
c = Card("roberta-base", header=[
 "Style model: FacebookAI/roberta-base README (HF-written card, five training datasets, GLUE table, exbert badge).",
 "True card. 'a vocabulary size of 50,000' is rounded (config vocab_size 50265): a claim with value 50000 that a checker",
 "  must treat as approximate and must not fail. 'batch size of 8K' is a batch size, not a context window; '160GB of text'",
 "  is the corpus size, not a file size. 'features produced by the BERT model' is a copy-paste slip, not the architecture.",
])
c.claim("license", "mit", "license: mit")
c.claim("datasets", ["bookcorpus"], "- bookcorpus")
c.claim("datasets", ["wikipedia"], "- wikipedia")
c.claim("architecture", "roberta", "RoBERTa is a transformers model")
c.claim("uses_intended", "masked language modeling; mostly intended to be fine-tuned on whole-sentence tasks", "it's mostly intended to be fine-tuned on a downstream task")
c.claim("out_of_scope", "text generation (use a model like GPT2)", "For tasks such as text")
c.claim("limitations", "unfiltered internet training data; biased predictions inherited by fine-tunes", "the model can have biased predictions")
for name, anchor in [("BookCorpus", "- [BookCorpus]"), ("English Wikipedia", "- [English Wikipedia]"), ("CC-News", "- [CC-News]"),
                     ("OpenWebText", "- [OpenWebText]"), ("Stories", "- [Stories]")]:
    c.claim("datasets", [name], anchor[2:], after=anchor)
c.claim("vocab_size", 50000, "vocabulary size of 50,000", note="rounded in the card; config says 50265; approximate, must not fail")
c.claim("max_sequence_length", 512, "pieces of 512 contiguous tokens", unit="tokens")
row = "|      | 87.6 |"
for m, v in [("MNLI", 87.6), ("QQP", 91.9), ("QNLI", 92.8), ("SST-2", 94.8), ("CoLA", 63.6), ("STS-B", 91.2), ("MRPC", 90.2), ("RTE", 78.7)]:
    c.claim("evaluations", {"metric": "score", "value": v, "dataset": "GLUE " + m}, str(v), after=row)

c.nc("masks 15% of the words", "pretraining objective detail")
c.nc("features produced by the BERT model", "copy-paste slip from the BERT card; not this model's architecture")
c.nc("like GPT2", "another model named as an alternative")
c.nc("'score': 0.3306540250778198", "code output of a usage example")
c.nc("11,038 unpublished books", "dataset size")
c.nc("63 millions English news", "dataset size")
c.nc("WebText dataset used to", "dataset used for another model (GPT-2)")
c.nc("weigh 160GB of text", "corpus size, not a file size")
c.nc("1024 V100 GPUs", "training hardware")
c.nc("batch size of 8K", "batch size, not a context window")
c.nc("sequence length of 512. The", "pretraining sequence length (consistent with, but not, the model limit stated above)")
c.nc("warmup for 24,000 steps", "training hyperparameter")
c.write()
