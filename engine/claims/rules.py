"""The claim rules: ONE table, a row per claim pattern, each with an example the docs show and a test runs.

Kinds: `prose` (a regex over one sentence, group `value` holds the value), `label` (a table key, a table column
header, or the label of a "Label: value" line, matched whole), `section` (a heading whose paragraphs and list
items become the field), `table` (a table whose header says what its rows are). `when` limits a rule to
embedding models or to the rest, because "embedding size" means the output dimension of one and the hidden
size of the other. Run `python -m engine.claims.rules` to print the reference table for docs/claims.md.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.claims.values import FAMILY_WORD, GGUF_TYPE, NUMBER

N = rf"(?:{NUMBER})"
SCALE = r"(?:\s*(?:billion|million|trillion|[BMK])(?![a-z]))"
MODEL = r"(?P<value>\S+?)"  # a model reference; the extractor widens it to the link it starts


@dataclass(frozen=True)
class ClaimRule:
    id: str
    field: str
    kind: str  # prose | label | section | table
    pattern: str
    parser: str
    example: str  # markdown the rule extracts from
    expect: object  # the value it extracts
    when: str | None = None  # embedding | not-embedding


CLAIM_RULES = (
    # parameters
    ClaimRule("parameters.prose", "parameters", "prose", rf"(?P<value>{N}{SCALE}?)[\s-]*(?:total\s+)?(?:parameters?|params)\b", "count",
              "TinyLlama is compact with only 1.1B parameters.", 1_100_000_000),
    ClaimRule("parameters.this-version", "parameters", "prose",
              rf"\bthis (?:model(?: card)?|repo(?:sitory)?|checkpoint) (?:corresponds to|contains|is|holds) (?:the |an? )?(?:[\w-]+ ){{0,2}}?"
              rf"(?P<value>{N}\s?[BM])\b(?: [\w.-]+){{0,3}}? (?:version|model|variant|checkpoint)\b", "count",
              "This model card corresponds to the 2B base version of the Gemma model.", 2_000_000_000),
    ClaimRule("parameters.label", "parameters", "label", r"(?:number of |#\s*)?(?:total )?param(?:eter)?s?(?: count)?", "count",
              "| Property | Value |\n| --- | --- |\n| Parameters | 3.43B |", 3_430_000_000),
    # context window (what the model can attend to), not the input length an embedding model truncates to
    ClaimRule("context_length.prose", "context_length", "prose",
              rf"context (?:length|window|size)(?: \(in tokens\))?(?: of| is| up to)*:? (?P<value>{N}\s*[Kk]?)(?:\s*tokens)?", "tokens",
              "The model supports a context length of 8,192 tokens.", 8192),
    ClaimRule("context_length.tokens-context", "context_length", "prose", rf"(?P<value>{N}\s*[Kk]?)[\s-]*(?:tokens?[\s-]+)?context\b", "tokens",
              "It supports a 128K token context window.", 131072),
    ClaimRule("context_length.label", "context_length", "label", r"(?:max(?:imum)? )?context(?: length| window| size)?(?: \(tokens\))?", "tokens",
              "- Context Length: Full 32,768 tokens and generation 8192 tokens", 32768),
    ClaimRule("context_length.sequence-label", "context_length", "label", r"(?:max(?:imum)? )?sequence length", "tokens",
              "| Parameters | Sequence Length |\n| --- | --- |\n| 1,644,417,024 | 4096 |", 4096, when="not-embedding"),
    # maximum input length of an embedding model (sentence-transformers' max_seq_length)
    ClaimRule("max_sequence_length.truncated", "max_sequence_length", "prose",
              rf"(?:inputs?|texts?|sequences?) (?:text )?(?:longer than|exceeding) (?P<value>{N}) (?:word ?pieces|tokens)", "integer",
              "By default, input text longer than 256 word pieces is truncated.", 256),
    ClaimRule("max_sequence_length.truncated-to", "max_sequence_length", "prose",
              rf"truncated to (?:at most |a maximum of )?(?P<value>{N}) tokens", "integer",
              "Long texts will be truncated to at most 512 tokens.", 512),
    ClaimRule("max_sequence_length.prose", "max_sequence_length", "prose", rf"max(?:imum)? sequence length (?:of |is )?(?P<value>{N})", "integer",
              "The maximum sequence length is 512.", 512),
    ClaimRule("max_sequence_length.supports", "max_sequence_length", "prose",
              rf"support(?:s|ing)? (?:an? )?(?:input )?(?:of )?(?P<value>{N}) (?:tokens? )?(?:sequence|input) length", "integer",
              "---\npipeline_tag: sentence-similarity\n---\nAn English embedding model supporting 8192 sequence length.", 8192, when="embedding"),
    ClaimRule("max_sequence_length.label", "max_sequence_length", "label", r"(?:max(?:imum)? )?(?:sequence|input) length|max_seq_length", "tokens",
              "---\npipeline_tag: sentence-similarity\n---\n- **Maximum Sequence Length:** 384 tokens", 384, when="embedding"),
    # quantization
    ClaimRule("quantization.quantized-to", "quantization", "prose", rf"quantized (?:to|as|with|in(?:to)?) (?P<value>{GGUF_TYPE})", "quantization",
              "The weights are quantized to Q8_0.", "Q8_0"),
    # bits alone are said of many things (block scales are "quantized with 6 bits"): only of the weights or the model
    ClaimRule("quantization.weights-to-bits", "quantization", "prose",
              r"\b(?:weights|model|checkpoint)s? (?:are|is|was|were|have been|has been) quantized to (?P<value>\d[- ]?bits?)\b", "quantization",
              "The weights are quantized to 4 bits with a group size of 64.", "int4"),
    ClaimRule("quantization.stored-as", "quantization", "prose", rf"stored (?:as|in) (?P<value>{GGUF_TYPE})", "quantization",
              "Weights are stored as MOSTLY_Q4_K_M.", "Q4_K_M"),
    ClaimRule("quantization.model-files", "quantization", "prose", r"contains (?P<value>GPTQ|AWQ) model files", "quantization",
              "This repo contains AWQ model files for Zephyr 7B Beta.", "awq"),
    ClaimRule("quantization.bits-method", "quantization", "prose", r"(?P<value>\d[- ]?bits? (?:bitsandbytes|bnb|GPTQ|AWQ))\b", "quantization",
              "This is a 4bit bitsandbytes quantized version of Llama.", "bnb-4bit"),
    ClaimRule("quantization.bits-with-method", "quantization", "prose",
              r"(?P<value>\d[- ]?bits?) (?:quantized |quantised )?(?:model|weights|version|checkpoint)s? (?:with|using|via|through) `?(?P<method>bitsandbytes|bnb|GPTQ|AWQ)\b",
              "quantization", "Directly quantized 4bit model with `bitsandbytes`.", "bnb-4bit"),
    ClaimRule("quantization.label", "quantization", "label", r"quant(?:ization)?(?: method| type| format)?", "quantization",
              "| Name | Quant method | Size |\n| --- | --- | --- |\n| m.Q4_K_M.gguf | Q4_K_M | 4.08 GB |", "Q4_K_M"),
    ClaimRule("quantization.method-bits", "quantization", "label", r"bits", "quantization",
              "This repo contains GPTQ model files.\n\n| Branch | Bits | Size |\n| --- | --- | --- |\n| main | 4 | 4.16 GB |", "gptq-4bit"),
    ClaimRule("parameters.size-label", "parameters", "label", r"(?:model )?size", "count",
              "| Model | Size | MT-Bench |\n| --- | --- | --- |\n| Zephyr-7B | 7B | 7.34 |", 7_000_000_000),
    # file size
    ClaimRule("size_bytes.prose", "size_bytes", "prose", r"(?:the|model) file is (?P<value>\d+(?:\.\d+)?\s*[KMGT]i?B)\b", "size",
              "Weights are stored as Q4_K_M; the file is 2.39 GB.", 2_390_000_000),
    ClaimRule("size_bytes.label", "size_bytes", "label", r"(?:file )?size", "size",
              "| File | Size |\n| --- | --- |\n| m.Q8_0.gguf | 7.16 GB |", 7_160_000_000),
    # architecture
    ClaimRule("architecture.same-as", "architecture", "prose", rf"same architecture (?:and tokenizer )?as (?P<value>(?:{FAMILY_WORD})(?: \d(?:\.\d)?)?)\b",
              "architecture", "We adopted exactly the same architecture and tokenizer as Llama 2.", "llama"),
    ClaimRule("architecture.family-architecture", "architecture", "prose",
              rf"(?:uses|on|to|based on) (?:the |an? )(?P<value>{FAMILY_WORD}) architecture", "architecture",
              "The model is a decoder-only transformer similar to the LLaMA architecture.", "llama"),
    ClaimRule("architecture.subject", "architecture", "prose",
              rf"^(?:The )?(?P<value>(?:{FAMILY_WORD})(?:[- ][\w.-]+)?)(?: \([^)]*\))? is an? (?:[\w-]+ ){{0,3}}(?:transformers?|language) model", "architecture",
              "BERT is a transformers model pretrained on a large corpus of English data.", "bert"),
    ClaimRule("architecture.clip", "architecture", "prose", r"\bCLIP (?P<value>ViT-[BLHSMg]/-?\d+)", "architecture",
              "A CLIP ViT-B/32 model trained with the LAION-2B English subset of LAION-5B.", "ViT-B-32"),
    ClaimRule("architecture.uses-vit", "architecture", "prose", r"\b(?:uses|using|with) an? (?P<value>ViT-[BLHSMg]/-?\d+) (?:Transformer )?architecture",
              "architecture", "The base model uses a ViT-L/14 Transformer architecture as an image encoder.", "ViT-L-14"),
    ClaimRule("architecture.label", "architecture", "label", r"(?:network |model )?architecture|model type|model_type|arch", "architecture",
              "**Network Architecture:** Mistral-NeMo", "mistral"),
    # shape
    ClaimRule("layers.prose", "layers", "prose", r"(?P<value>\d+)[\s-]*(?:transformer |hidden |decoder |encoder )?layers\b", "integer",
              "This model has 12 layers and the embedding size is 384.", 12),
    ClaimRule("layers.n-layer", "layers", "prose", r"\b(?P<value>\d+)-layer (?:[\w-]+ )?(?:model|transformer|encoder|decoder|network)\b", "integer",
              "A 12-layer BERT model where all input is lowercased.", 12),
    ClaimRule("layers.label", "layers", "label", r"(?:number of |num(?:ber)?_|#\s*)?(?:hidden |transformer )?layers|block count|n_layers?", "integer",
              "- Number of Layers: 24", 24),
    ClaimRule("hidden_size.prose", "hidden_size", "prose", rf"hidden (?:size|dimension|dim)(?: of| is|:)? (?P<value>{N})", "integer",
              "It uses a hidden size of 2048.", 2048),
    ClaimRule("hidden_size.embedding-size", "hidden_size", "prose", rf"embedding (?:size|dimension)(?: of| is)? (?P<value>{N})", "integer",
              "The model uses a model embedding size of 4096 and 40 layers.", 4096, when="not-embedding"),
    ClaimRule("hidden_size.dimension", "hidden_size", "prose", r"(?P<value>\d+) dimension\b(?!al)", "integer",
              "The model has 6 layers, 768 dimension and 12 heads.", 768, when="not-embedding"),
    ClaimRule("hidden_size.label", "hidden_size", "label", r"hidden(?: size|_size| dimension| dim)|d_model|embedding length|model dim(?:ension)?", "integer",
              "| Property | Value |\n| --- | --- |\n| Hidden size | 3200 |", 3200),
    ClaimRule("attention_heads.prose", "attention_heads", "prose", r"(?P<value>\d+) (?:attention |query )?heads\b", "integer",
              "The model has 6 layers, 768 dimension and 12 heads.", 12),
    ClaimRule("attention_heads.label", "attention_heads", "label",
              r"(?:number of |num_)?(?:attention |query )?heads(?: \(gqa\))?|number of attention heads(?: \(gqa\))?|attention heads(?: \(gqa\))?", "integer",
              "- Number of Attention Heads (GQA): 14 for Q and 2 for KV", 14),
    ClaimRule("kv_heads.prose", "kv_heads", "prose", r"(?P<value>\d+) (?:key[-/ ]value|kv) heads\b", "integer",
              "Grouped-query attention with 8 key-value heads.", 8),
    ClaimRule("kv_heads.label", "kv_heads", "label", r"(?:number of |num_)?(?:kv|key[- ]value) heads", "integer",
              "| Property | Value |\n| --- | --- |\n| KV heads | 32 |", 32),
    ClaimRule("vocab_size.prose", "vocab_size", "prose", rf"vocab(?:ulary)?(?: size)?(?: of| is|:)? (?P<value>{N})(?!\s*(?:[KMB]\b|%|million|billion))", "integer",
              "The texts are tokenized using WordPiece and a vocabulary size of 30,000.", 30000),
    ClaimRule("vocab_size.label", "vocab_size", "label", r"vocab(?:ulary)?(?: size|_size)?", "integer", "| Property | Value |\n| --- | --- |\n| Vocabulary size | 32,000 |", 32000),
    # embedding models
    ClaimRule("embedding_dim.dimensional", "embedding_dim", "prose", rf"(?P<value>{N})[\s-]*dimensional (?:dense )?(?:vector|embedding)", "integer",
              "It maps sentences & paragraphs to a 384 dimensional dense vector space.", 384),
    ClaimRule("embedding_dim.embedding-size", "embedding_dim", "prose", rf"embedding (?:size|dimension|dim)(?:ality)?(?: of| is)? (?P<value>{N})", "integer",
              "---\npipeline_tag: sentence-similarity\n---\nThis model has 12 layers and the embedding size is 384.", 384, when="embedding"),
    ClaimRule("embedding_dim.label", "embedding_dim", "label", r"(?:output |embedding )?dimension(?:s|ality)?|embedding dim(?:ension)?s?", "integer",
              "---\npipeline_tag: sentence-similarity\n---\n- **Output Dimensionality:** 768 dimensions", 768, when="embedding"),
    ClaimRule("dtype.label", "dtype", "label", r"precision|dtype|torch_dtype|tensor type", "dtype", "- **Precision:** bfloat16", "bfloat16"),
    # lineage
    ClaimRule("base_model.derived-from", "base_model", "prose",
              rf"(?:fine-?tuned|trained|distilled|pruned|quantized|converted)(?: to \w+(?: format)?)?(?: version)? (?:on top of|from|of) (?:the )?{MODEL}(?:[\s,.;)]|$)",
              "model_id", "This model is a fine-tuned version of [distilbert-base-uncased](https://huggingface.co/distilbert-base-uncased) on imdb.",
              "distilbert-base-uncased"),
    ClaimRule("base_model.pretrained", "base_model", "prose", rf"use(?:d)? the pretrained {MODEL} model", "model_id",
              "We use the pretrained [`nreimers/MiniLM-L6-H384-uncased`](https://huggingface.co/nreimers/MiniLM-L6-H384-uncased) model.",
              "nreimers/MiniLM-L6-H384-uncased"),
    ClaimRule("base_model.files-for", "base_model", "prose", rf"files for {MODEL}(?:[\s,.;)]|$)", "model_id",
              "This repo contains GGUF format model files for [Llama 2 7B Chat](https://huggingface.co/meta-llama/Llama-2-7b-chat-hf).",
              "meta-llama/Llama-2-7b-chat-hf"),
    ClaimRule("base_model.as-llm", "base_model", "prose",
              rf"(?:leverag(?:es|ing)|built on|based on|uses|using) {MODEL} as (?:the |its )?(?:LLM|language model|base model|backbone|text decoder)\b", "model_id",
              "# LLaVa-Next, leveraging [mistralai/Mistral-7B-Instruct-v0.2](https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.2) as LLM",
              "mistralai/Mistral-7B-Instruct-v0.2"),
    ClaimRule("base_model.label", "base_model", "label", r"(?:original|base|parent) model|fine-?tuned from(?: model)?(?: \[optional\])?", "model_id",
              "Original model: https://huggingface.co/Qwen/Qwen2.5-Coder-1.5B-Instruct", "Qwen/Qwen2.5-Coder-1.5B-Instruct"),
    # training data
    ClaimRule("dataset.trained-on", "dataset", "prose",
              r"(?:pre-?trained|fine-?tuned|trained) (?:on|with) (?:(?:a |the )?(?:variant|subset|mix(?:ture)?) of )?"
              rf"(?:{N}\s*(?:[KMGT]i?B|[KMBT]|billion|trillion|million)?(?: tokens| hours)? of (?:(?:filtered|deduplicated|cleaned|the) )*)?(?:the |a |an )?(?P<value>\S+)", "dataset",
              "The BERT model was pretrained on [BookCorpus](https://yknzhu.wixsite.com/mbweb), a dataset of books.", "BookCorpus"),
    ClaimRule("dataset.the-x-dataset", "dataset", "prose", r"(?:on|from|of) the (?P<value>(?-i:(?:[A-Z0-9][\w.-]* ){0,3})[\w./-]+) dataset\b", "dataset",
              "This model is a fine-tuned version of distilbert on the imdb dataset.", "imdb"),
    ClaimRule("dataset.data-from", "dataset", "prose", r"\bdata (?:from|of) (?P<value>(?-i:[A-Z][\w-]*(?: [A-Z][\w-]*){0,2}))(?=,| and | or |\.|$)", "dataset",
              "Filtered web data from Falcon RefinedWeb and SlimPajama.", "Falcon RefinedWeb"),
    ClaimRule("dataset.called", "dataset", "prose", r"dataset \(called (?P<value>[\w-]+)\)", "dataset",
              "The resulting dataset (called WebText) weights 40GB of texts.", "WebText"),
    ClaimRule("dataset.list", "dataset", "prose", r"dataset (?:combination|mix(?:ture)?|list)s?: (?P<value>.+?)(?:,? along with|\.|$)", "dataset",
              "The model was trained using a diverse dataset combination: FineWeb-Edu, DCLM, The Stack, along with new data.", "FineWeb-Edu"),
    ClaimRule("dataset.label", "dataset", "label", r"(?:training|sft|fine-?tuning|pre-?training) (?:datasets?|data)|datasets(?: used)?", "dataset",
              "- **Training Dataset:**\n    - [all-nli](https://huggingface.co/datasets/sentence-transformers/all-nli)",
              "sentence-transformers/all-nli"),
    ClaimRule("dataset.table", "dataset", "table", r"(?:training )?(?:datasets?|data sources?|corpus|corpora)", "dataset",
              "## Training data\n\n| Dataset | Number of training tuples |\n| --- | --- |\n| [S2ORC](https://github.com/allenai/s2orc) | 116,288,806 |",
              "S2ORC"),
    ClaimRule("dataset.training-section", "dataset", "section", r".*training data.*|(?:training |pre-?training )?data(?:sets?)?|training", "dataset",
              "## Training data\n\nDistilBERT pretrained on the same data as BERT, which is [BookCorpus](https://example.com/bc), a dataset of books.",
              "BookCorpus"),
    # license stated in text
    ClaimRule("license.licensed-under", "license", "prose", r"(?:licensed|released|made available|distributed) under (?:the )?(?P<value>.+?)(?:\.|,|$)", "license",
              "The model weights are licensed under the [MIT License](https://example.com/LICENSE).", "mit"),
    ClaimRule("license.label", "license", "label", r"licen[cs]e", "license", "- **License:** Apache 2.0", "apache-2.0"),
    # sections: the card's uses and limitations
    ClaimRule("intended_uses.section", "intended_uses", "section",
              r".*\b(?:intended|direct|primary|evaluated|downstream) (?:uses?|usage)\b.*|.*\buses\b.*|.*\buse cases\b.*|what it is for",
              "text", "## Intended uses\n\nShort chat turns on a laptop CPU.", "Short chat turns on a laptop CPU."),
    ClaimRule("out_of_scope_uses.section", "out_of_scope_uses", "section", r".*(?:out[- ]of[- ]scope|misuse|not for|prohibited).*", "text",
              "## Out-of-Scope Use\n\nGiving legal advice.", "Giving legal advice."),
    ClaimRule("limitations.section", "limitations", "section", r".*(?:limitation|bias|risks|caveat|known issues|responsible ai).*", "text",
              "## Limitations\n\nThis model only works for English texts.", "This model only works for English texts."),
    # results
    ClaimRule("evaluation.benchmark-table", "evaluation", "table", r"benchmarks?|tasks?|metrics?|datasets?|evaluation|category", "score",
              "| Benchmark | Score |\n| --- | --- |\n| MMLU (5-shot) | 26.79 |", 26.79),
    ClaimRule("evaluation.model-row", "evaluation", "table", r"model(?: name)?|task|", "score",
              "| Task | QQP | RTE |\n| --- | --- | --- |\n|      | 71.2 | 66.4 |", 71.2),
    ClaimRule("evaluation.results-list", "evaluation", "label", r"[a-z][\w -]{1,30}", "score",
              "It achieves the following results on the evaluation set:\n- Loss: 0.2301\n- Accuracy: 0.9316", 0.9316),
    ClaimRule("evaluation.achieves", "evaluation", "prose",
              r"achieves an? (?P<value>\d+(?:\.\d+)?)%? (?P<metric>[\w -]*?(?:accuracy|f1|recall|precision|score)) on (?P<dataset>[\w.-]+)", "score",
              "The model achieves a 66.6 zero-shot top-1 accuracy on ImageNet-1k.", 66.6),
    ClaimRule("evaluation.metric-named-of", "evaluation", "prose",
              r"(?:achieves|reaches|obtains|scores) an? (?P<metric>[A-Za-z][\w@.-]{0,20}(?: [A-Za-z][\w@-]*)?)(?: \([^)]*\))? (?:score )?of (?P<value>\d+(?:\.\d+)?)%?"
              r"(?: on (?:the )?(?P<dataset>[\w.-]+(?: (?:\d{4}|[A-Z][\w-]*|val(?:idation)?|test|dev))*))?", "score",
              "This model achieves an AP (average precision) of 42.0 on COCO 2017 validation.", 42.0),
    ClaimRule("evaluation.metric-value", "evaluation", "prose",
              r"(?:reaches|scores?|achieves) (?:an? )?(?P<metric>ROUGE-?[L12]?|BLEU|F1|accuracy|MRR|NDCG@?\d*) (?:of )?(?P<value>\d*\.\d+|\d+)", "score",
              "On our held-out set the model reaches ROUGE-L 0.412.", 0.412),
    ClaimRule("evaluation.metric-of", "evaluation", "prose",
              r"an? (?P<metric>[a-z]+ (?:recall|precision|accuracy|f1)) of (?P<value>\d*\.\d+)", "score",
              "The model reaches ROUGE-L 0.412 and a clause recall of 0.87.", 0.87),
)
RULES_BY_ID = {rule.id: rule for rule in CLAIM_RULES}


@dataclass(frozen=True)
class ProposalField:
    """A field the local LLM may propose for a sentence no rule read (engine/claims/proposals.py): the words that
    must stand near the number for the sentence to support the field, the units the number may carry, the parser."""

    field: str
    words: str
    units: tuple[str, ...]
    parser: str


PROPOSAL_FIELDS = (
    ProposalField("parameters", r"param(?:eter)?s?", (" billion", " million", "B", "M", " B", " M"), "count"),
    ProposalField("context_length", r"context|window|attend", ("K", "k", " tokens", "K tokens", "k tokens", "-token"), "tokens"),
    ProposalField("max_sequence_length", r"sequence|truncat\w*|word ?pieces|input length", (" tokens", " word pieces", " wordpieces"), "tokens"),
    ProposalField("layers", r"layers?|depth", (" layers", "-layer"), "integer"),
    ProposalField("hidden_size", r"hidden|d_model|width|model dim(?:ension)?", (), "integer"),
    ProposalField("attention_heads", r"(?:attention |query )?heads?", (" heads",), "integer"),
    ProposalField("kv_heads", r"key[- ]value|kv|grouped[- ]query", (" key-value heads", " KV heads"), "integer"),
    ProposalField("vocab_size", r"vocab\w*|tokenizer|entries", ("K", "k"), "tokens"),
    ProposalField("embedding_dim", r"embeddings?|dimensions?|dimensional|vectors?", ("-dimensional", " dimensions"), "integer"),
    ProposalField("size_bytes", r"files?|size|download|weighs|disk", (" GB", " MB", "GB", "MB", " GiB", " MiB", "GiB", "MiB"), "size"),
    ProposalField("quantization", r"quanti[sz]\w*|bits?|precision", ("-bit", " bit", " bits", "bit"), "quantization"),
)
PROPOSALS_BY_FIELD = {proposal.field: proposal for proposal in PROPOSAL_FIELDS}


def rules_of(kind: str) -> list[ClaimRule]:
    return [rule for rule in CLAIM_RULES if rule.kind == kind]


def rule_reference() -> str:
    """The markdown table of every rule, for docs/claims.md."""
    lines = ["| rule | field | kind | example | extracts |", "| --- | --- | --- | --- | --- |"]
    for rule in CLAIM_RULES:
        example = rule.example.replace("\n", " ⏎ ").replace("|", "\\|")
        condition = f" ({rule.when} models)" if rule.when else ""
        lines.append(f"| `{rule.id}` | `{rule.field}`{condition} | {rule.kind} | {example} | `{rule.expect!r}` |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(rule_reference())
