from gen import Card
c = Card("all-mpnet-base-v2", header=[
 "Style model: sentence-transformers/all-mpnet-base-v2 README (long datasets list in front matter, Background, training-data table).",
 "True card. 'The sequence length was limited to 128 tokens' is the fine-tuning length; the model truncates at 384 word pieces.",
 "Training-tuple counts in the data table are dataset sizes, never parameter counts.",
])
c.claim("license", "apache-2.0", "license: apache-2.0")
ds = ["s2orc","flax-sentence-embeddings/stackexchange_xml","ms_marco","gooaq","yahoo_answers_topics","code_search_net","search_qa","eli5","snli","multi_nli","wikihow","natural_questions","trivia_qa","embedding-data/sentence-compression","embedding-data/flickr30k-captions","embedding-data/altlex","embedding-data/simple-wiki","embedding-data/QQP","embedding-data/SPECTER","embedding-data/PAQ_pairs","embedding-data/WikiAnswers"]
for d in ds:
    c.claim("datasets", [d], "- " + d, line=c.lines.index("- " + d) + 1)
c.claim("embedding_dim", 768, "768 dimensional dense vector space")
c.claim("base_model", "microsoft/mpnet-base", "We used the pretrained [`microsoft/mpnet-base`]")
c.claim("architecture", "mpnet", "We used the pretrained [`microsoft/mpnet-base`]")
c.claim("uses_intended", "sentence and short paragraph encoder for retrieval, clustering, sentence similarity", "intented to be used as a sentence and short paragraph encoder")
c.claim("max_sequence_length", 384, "input text longer than 384 word pieces is truncated", unit="tokens")
c.claim("base_model", "microsoft/mpnet-base", "We use the pretrained [`microsoft/mpnet-base`]")
for name, anchor in [("Reddit comments (2015-2018)", "[Reddit comments"), ("S2ORC", "| [S2ORC]"), ("WikiAnswers", "| [WikiAnswers]"), ("PAQ", "| [PAQ]"),
                     ("MS MARCO", "| [MS MARCO]"), ("flax-sentence-embeddings/stackexchange_xml", "| [Stack Exchange]"), ("SNLI", "| [SNLI]"), ("MultiNLI", "[MultiNLI]")]:
    c.claim("datasets", [name], anchor.lstrip("| "), after=anchor)

c.nc("max_length=128", "code: tokenizer argument in a usage example")
c.nc("1B sentence pairs dataset", "training-set size")
c.nc("7 TPUs v3-8", "training hardware")
c.nc("during 100k steps", "training length")
c.nc("batch size of 1024", "training hyperparameter")
c.nc("The sequence length was limited to 128 tokens", "fine-tuning sequence length, not the model's maximum (384)")
c.nc("726,484,430", "number of training tuples in a dataset")
c.nc("**1,170,060,424**", "total number of training tuples")
c.write()
