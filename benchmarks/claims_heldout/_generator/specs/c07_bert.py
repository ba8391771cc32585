from gen import Card
c = Card("bert-base-uncased", header=[
 "Style model: google-bert/bert-base-uncased README (HF-written card: Model variations table, GLUE table, exbert badge).",
 "True card. 'a vocabulary size of 30,000' is the card's rounded figure (config vocab_size is 30522): listed as a claim",
 "  with value 30000; a checker should treat it as approximate (2 significant figures at most) and must not fail it.",
 "'110M' is the published rounded count (109,482,240 with pooler).",
])
c.claim("license", "apache-2.0", "license: apache-2.0")
c.claim("datasets", ["bookcorpus"], "- bookcorpus")
c.claim("datasets", ["wikipedia"], "- wikipedia")
c.claim("architecture", "bert", "BERT is a transformers model")
c.claim("parameters", 110000000, "110M", unit="params", after="[`bert-base-uncased`](")
c.claim("uses_intended", "masked language modeling / next sentence prediction; mostly intended to be fine-tuned on downstream tasks", "it's mostly intended to")
c.claim("out_of_scope", "text generation (use a model like GPT2)", "For tasks such as text")
c.claim("limitations", "can have biased predictions, inherited by fine-tuned versions", "this model can have biased")
c.claim("datasets", ["bookcorpus", "wikipedia"], "pretrained on [BookCorpus](https://yknzhu.wixsite.com/mbweb)")
c.claim("vocab_size", 30000, "vocabulary size of 30,000", note="rounded in the card; config says 30522; approximate, must not fail")
c.claim("max_sequence_length", 512, "combined length of less than 512 tokens", unit="tokens")
row = "84.6/83.4"
for m, v, t in [("MNLI-m", 84.6, "84.6/83.4"), ("MNLI-mm", 83.4, "84.6/83.4"), ("QQP", 71.2, "71.2"), ("QNLI", 90.5, "90.5"),
                ("SST-2", 93.5, "93.5"), ("CoLA", 52.1, "52.1"), ("STS-B", 85.8, "85.8"), ("MRPC", 88.9, "88.9"),
                ("RTE", 66.4, "66.4"), ("GLUE average", 79.6, "79.6")]:
    c.claim("evaluations", {"metric": "score", "value": v, "dataset": "GLUE " + m if m != "GLUE average" else m}, t, after=row)

c.nc("340M", "another model (bert-large-uncased)", after="[`bert-large-uncased`](")
c.nc("110M", "another model (bert-base-cased)", after="[`bert-base-cased`](")
c.nc("110M", "another model (bert-base-chinese)", after="[`bert-base-chinese`](")
c.nc("Other 24 smaller models", "count of other released models")
c.nc("masks 15% of the words", "pretraining objective detail")
c.nc("like GPT2", "another model, named as an alternative")
c.nc("'score': 0.1073106899857521", "code output of a usage example")
c.nc("11,038", "size of the BookCorpus dataset")
c.nc("limited to 128 tokens for 90% of the steps", "pretraining sequence-length schedule, not the model's maximum")
c.nc("warmup for 10,000 steps", "training hyperparameter")
c.write()
