from gen import Card
c = Card("distilbert-imdb-trainer", header=[
 "Style model: the transformers Trainer auto-generated card ('generated_from_trainer': results list, hyperparameters, Training",
 "  results table, Framework versions). A fictional fine-tune, internally consistent. True card.",
 "The epoch-1 row of the training-results table is an intermediate checkpoint, not this model; the final row (epoch 2.0)",
 "  repeats the reported results. 'Native AMP' is training-time mixed precision, not the stored dtype.",
 "base_model ids are kept as written ('distilbert-base-uncased' is the legacy alias of distilbert/distilbert-base-uncased).",
])
c.claim("license", "apache-2.0", "license: apache-2.0")
c.claim("base_model", "distilbert-base-uncased", "base_model: distilbert-base-uncased")
c.claim("datasets", ["imdb"], "- imdb")
c.claim("evaluations", {"metric": "accuracy", "value": 0.93124, "dataset": "imdb test"}, "value: 0.93124")
c.claim("base_model", "distilbert-base-uncased", "fine-tuned version of [distilbert-base-uncased](https://huggingface.co/distilbert-base-uncased)")
c.claim("architecture", "distilbert", "fine-tuned version of [distilbert-base-uncased]")
c.claim("datasets", ["imdb"], "on the imdb dataset")
c.claim("evaluations", {"metric": "loss", "value": 0.2183, "dataset": "imdb evaluation set"}, "- Loss: 0.2183")
c.claim("evaluations", {"metric": "accuracy", "value": 0.9312, "dataset": "imdb evaluation set"}, "- Accuracy: 0.9312")
c.claim("evaluations", {"metric": "accuracy", "value": 0.9312, "dataset": "imdb evaluation set (epoch 2.0, final)"}, "0.9312", after="| 0.1497        | 2.0")

c.nc("More information needed", "template placeholder: no intended-use or limitation is stated", after="## Intended uses & limitations")
c.nc("train_batch_size: 16", "training hyperparameter")
c.nc("seed: 42", "training hyperparameter")
c.nc("mixed_precision_training: Native AMP", "training-time mixed precision, not the stored dtype")
c.nc("0.9278", "accuracy of the intermediate epoch-1 checkpoint, not this model")
c.nc("| 1563 |", "training step count")
c.nc("Transformers 4.35.2", "software version")
c.write()
