from gen import Card
c = Card("distilbert-base-uncased-finetuned-sst-2-english", header=[
 "Style model: distilbert/distilbert-base-uncased-finetuned-sst-2-english README (model-index in front matter, Table of Contents,",
 "  bias map <img>, copy-pasted 'Direct Use' paragraph). True card; the prose accuracy (91.3) and the model-index value",
 "  (0.9105...) differ as they do in the published card: both are claims, on different lines.",
 "max_seq_length = 128 is a fine-tuning hyperparameter, not the model's maximum sequence length (512 positions).",
])
c.claim("license", "apache-2.0", "license: apache-2.0")
c.claim("datasets", ["sst2"], "- sst2")
c.claim("datasets", ["glue"], "- glue")
for t, v, n in [("accuracy", 0.9105504587155964, 1), ("precision", 0.8978260869565218, 1), ("recall", 0.9301801801801802, 1), ("f1", 0.9137168141592922, 1)]:
    c.claim("evaluations", {"metric": t, "value": v, "dataset": "glue/sst2 validation"}, f"value: {v}")
c.claim("base_model", "distilbert-base-uncased", "fine-tune checkpoint of [DistilBERT-base-uncased](https://huggingface.co/distilbert-base-uncased)")
c.claim("datasets", ["sst2"], "fine-tuned on SST-2")
c.claim("evaluations", {"metric": "accuracy", "value": 91.3, "dataset": "SST-2 dev"}, "accuracy of 91.3 on the dev set")
c.claim("license", "apache-2.0", "**License:** Apache-2.0")
c.claim("architecture", "distilbert", "fine-tune checkpoint of [DistilBERT-base-uncased]")
c.claim("uses_intended", "classification (card says topic classification); fine-tuning on downstream tasks", "This model can be used for  topic classification.")
c.claim("out_of_scope", "creating hostile environments; generating factual representations of people or events", "using the model to generate such content is out-of-scope")
c.claim("limitations", "biased predictions targeting underrepresented populations (e.g. country names)", "this model could produce biased predictions")
c.claim("datasets", ["sst2"], "([sst2](https://huggingface.co/datasets/sst2))")

c.nc("reaches an accuracy of 92.7", "score of another model (bert-base-uncased)")
c.nc("0.89 if the country is France", "probability in a bias example")
c.nc("[WinoBias](https://huggingface.co/datasets/wino_bias)", "suggested bias-evaluation dataset, not a training dataset")
c.nc("[Stereoset](https://huggingface.co/datasets/stereoset)", "suggested bias-evaluation dataset, not a training dataset")
c.nc("max_seq_length = 128", "fine-tuning hyperparameter, not the model's maximum sequence length")
c.nc("batch_size = 32", "fine-tuning hyperparameter")
c.nc('DistilBertTokenizer.from_pretrained("distilbert-base-uncased")', "code: tokenizer of the parent model")
c.write()
