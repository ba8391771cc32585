"""README -> claims: the rule table applied to each sentence, "Label: value" line, table and section of a parsed
README. Every claim keeps its verbatim span, line and rule; what a rule matched but cannot be sure of is
kept as "unverifiable" with its text and never checked.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from engine.claims.markdown import Block, Passage, Readme, parse_readme
from engine.claims.rules import RULES_BY_ID, ClaimRule, rules_of
from engine.claims.values import PARSERS, Parsed

NUMERIC_FIELDS = frozenset({"parameters", "context_length", "max_sequence_length", "layers", "hidden_size", "attention_heads", "kv_heads",
                            "vocab_size", "embedding_dim"})
SECTION_FIELDS = ("intended_uses", "out_of_scope_uses", "limitations")
TITLE_FIELDS = frozenset({"base_model"})  # a title states lineage; its sizes and types name the repository, not a claim
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[(*`\"'])")
_LABEL = re.compile(r"^\s*([A-Za-z#][^:]{0,60}?)\s*:\s*(.*)$", re.DOTALL)
_FAMILY_STATEMENT = re.compile(r"\b(?:models|sizes|family|series|collection|variants|versions|checkpoints)\b", re.IGNORECASE)
_RANGE_BEFORE = re.compile(r"\d[\d.,]*\s*(?:[BMK]|billion|million)?\s*(?:to|-|–|/)\s*$|\d[\d.]*\s*(?:[BMK]|billion|million)\s*(?:,|and|or)\s*(?:and\s*)?$",
                           re.IGNORECASE)
_FILE_HEADER = re.compile(r"^(?:name|file ?name|files?|model file|branch|tag|download)$", re.IGNORECASE)
_FILE_CELL = re.compile(r"\.(?:gguf|safetensors|bin|pt|onnx)$|:[\w.-]+$|^main$|^gptq-|^awq-|^\w+-\d+bit", re.IGNORECASE)
_TRAINING_LOG = re.compile(r"\b(?:epoch|step|training loss)\b", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"^(?:TPU|GPU|A100|H100|V100|(?:English|This|These|Our|It|We|See|Here|Supervised|Direct|Reinforcement)\b)")
_ALL_SIZES = re.compile(r"\b(?:models? of all sizes|(?:all|every|each) (?:model )?sizes?)\b", re.IGNORECASE)  # includes this one
_PARTIAL_TENSORS = re.compile(r"\b(?:embed(?:ding)?s?|output weights|some of these)\b", re.IGNORECASE)
_BOILERPLATE = re.compile(r"more information needed|users \(both direct and downstream\) should be made aware", re.IGNORECASE)
_LINK_WORDS = re.compile(r"^(?:paper|here|this|link|blog|code|github|repo(?:sitory)?)$", re.IGNORECASE)
_DATA_WORDS = re.compile(r"\b(?:datasets?|corpus|corpora|data)\b", re.IGNORECASE)
_USE_CUE = re.compile(r"\b(?:use|used|intended|for)\b", re.IGNORECASE)
_SECTION_CUES = {"intended_uses": re.compile(r"\b(?:use[sd]?|useful|usage|intended|suited|designed for)\b", re.IGNORECASE),
                 "out_of_scope_uses": re.compile(r"\b(?:not|never|out[- ]of[- ]scope|prohibited|misuse)\b", re.IGNORECASE),
                 "limitations": re.compile(r"\b(?:limitations?|bias(?:es|ed)?|may not|cannot|can not|not be|risks?|fails?|struggles?)\b", re.IGNORECASE)}
_LIMIT_CUE = re.compile(r"\b(?:limitations?|bias(?:es|ed)?|may not|cannot|can not|not be)\b", re.IGNORECASE)
_HEDGE_BEFORE = re.compile(r"(?:roughly|approximately|approx\.?|about|around|nearly|almost|circa|over|more than|less than|under|up to|~|≈)\s*$",
                           re.IGNORECASE)
_HEDGE = re.compile(r"\b(?:we believe|we think|we estimate|estimated|might|probably|approx\.|not (?:yet )?(?:been )?(?:tested|measured|verified))", re.IGNORECASE)
_CODE_SUBJECT = re.compile(r"^(?!.*\b(?:weights|checkpoints?|models?)\b(?! code)).*\bcode\b", re.IGNORECASE)
_EMBEDDING_TAGS = frozenset({"sentence-similarity", "feature-extraction", "sentence-transformers", "sentence transformers"})


@dataclass
class Claim:
    """One statement of the README: field, normalised value, the verbatim span, its line and the rule that read it."""

    field: str | None
    value: object
    span: str
    line: int
    rule: str
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    accepts: tuple = ()
    variant: str | None = None
    metric: str | None = None
    dataset: str | None = None
    why: str | None = None  # unverifiable spans: why the rule was not sure

    def to_dict(self) -> dict:
        return {key: (list(value) if isinstance(value, tuple) else value) for key, value in asdict(self).items()
                if value not in (None, (), []) or key in ("field", "value")}


@dataclass
class Extraction:
    claims: list[Claim] = field(default_factory=list)
    unverifiable: list[Claim] = field(default_factory=list)
    variants: list[dict] = field(default_factory=list)  # {file, line}
    title: str | None = None
    llm: list[dict] = field(default_factory=list)  # what the local LLM was asked, its raw answer and what became of it


@dataclass
class _Context:
    readme: Readme
    identity: set[str]
    embedding: bool
    out: Extraction
    method: str | None = None  # gptq / awq when the README says its files are
    seen: set = field(default_factory=set)

    def span_of(self, passage: Passage, start: int, end: int) -> tuple[str, int]:
        raw_start, raw_end = passage.raw_range(start, end)
        span = self.readme.raw(raw_start, raw_end)
        return span.split("\n")[0] if "\n" in span else span, self.readme.line_of(raw_start)

    def add(self, rule: ClaimRule, parsed: Parsed, passage: Passage, start: int, end: int, **extra) -> Claim | None:
        span, line = self.span_of(passage, start, end)
        key = (rule.field, str(parsed.value).lower(), line, extra.get("variant"), extra.get("metric"))
        if key in self.seen:
            return None
        self.seen.add(key)
        claim = Claim(rule.field, parsed.value, span.strip(), line, rule.id, parsed.unit, parsed.low, parsed.high, parsed.accepts, **extra)
        self.out.claims.append(claim)
        return claim

    def unsure(self, rule: ClaimRule, passage: Passage, start: int, end: int, why: str) -> None:
        span, line = self.span_of(passage, start, end)
        if ("?", line, span) not in self.seen:
            self.seen.add(("?", line, span))
            self.out.unverifiable.append(Claim(rule.field, None, span.strip(), line, rule.id, why=why))


_FROM_SETTING = object()


def extract_claims(text: str, source: str = "README.md", *, front: dict | None = None, name: str | None = None,
                   llm=_FROM_SETTING) -> Extraction:
    """Every claim the README's prose and tables make (front matter is data, read by the importer).

    `llm`: a proposals.ClaimLlm that may type the sentences no rule read, None for the rules alone; by default the
    MODELLAKE_CLAIMS_LLM setting decides (off unless set)."""
    readme = parse_readme(text)
    front = _front_matter(readme, source) if front is None else front
    context = _Context(readme, _identity(readme, front, name, source), _is_embedding_model(front, readme), Extraction(title=readme.title))
    section_field: str | None = None
    current_section: tuple = ()
    for block in readme.blocks:
        if block.kind == "heading":
            if block.level == 1 and block.passage is not None and block.passage.text.strip() == readme.title:
                _prose_claims(block.passage, 0, context, fields=TITLE_FIELDS)  # "LLaVa-Next, leveraging X as LLM"
            continue
        if block.section != current_section:
            current_section, section_field = block.section, _section_field(block.section)
        if block.kind == "table":
            _table(block, context)
            continue
        if block.passage is None:
            continue
        pseudo = _pseudo_heading(block)
        if pseudo is not None:
            section_field = _heading_field(pseudo) or (section_field if section_field == "intended_uses" and "use" in pseudo.lower() else None)
            continue
        numeric = _passage_claims(block, context)
        _section_claim(block, section_field, numeric, context)
        _training_section_links(block, context)
    if llm is _FROM_SETTING:
        from engine.claims.proposals import configured_llm

        llm = configured_llm()
    if llm is not None:
        _llm_proposals(context, llm)
    return context.out


def _llm_proposals(context: _Context, llm) -> None:
    """Sentences with a number next to a claim word that no rule read go to the local LLM; the rules confirm its answer."""
    from engine.claims.proposals import unexplained_numbers

    by_line: dict[int, list[Claim]] = {}
    for claim in context.out.claims + context.out.unverifiable:
        by_line.setdefault(claim.line, []).append(claim)
    for block in context.readme.blocks:
        if block.kind not in ("paragraph", "item") or block.passage is None or any(_NOT_ABOUT_THE_WEIGHTS.search(h) for h in block.section):
            continue
        passage = block.passage
        for start, end in _sentences(passage.text, 0):
            sentence = passage.text[start:end]
            if not sentence.strip() or end > len(passage.offsets) or _HEDGE.search(sentence) or _RANGE_BEFORE.search(sentence) \
                    or (_FAMILY_STATEMENT.search(sentence) and not _ALL_SIZES.search(sentence)):
                continue  # the guards would refuse any proposal: a hedge, a range or list of sizes, a family of models
            raw_start, raw_end = passage.raw_range(start, end)
            lines = range(context.readme.line_of(raw_start), context.readme.line_of(raw_end - 1) + 1)
            nearby = [claim for line in lines for claim in by_line.get(line, [])]
            for candidate in unexplained_numbers(sentence, [claim.span for claim in nearby]):
                proposal = llm.propose(sentence, candidate.number)
                outcome = _confirm(proposal, candidate, passage, start, sentence, nearby, context)
                context.out.llm.append({"model": llm.name, "line": context.readme.line_of(passage.raw_range(start + candidate.start,
                                        start + candidate.end)[0]), "sentence": sentence, "number": candidate.number,
                                        "raw": proposal.raw, "outcome": outcome})


def _confirm(proposal, candidate, passage: Passage, offset: int, sentence: str, nearby: list[Claim], context: _Context) -> str:
    """The rules' verdict on a proposal: a claim (through the prose guards), or unverifiable with why; never a rule's field."""
    from engine.claims.proposals import UNSURE, drops_a_scale
    from engine.claims.rules import PROPOSALS_BY_FIELD

    spec = PROPOSALS_BY_FIELD.get(proposal.field)
    at, end = offset + candidate.start, offset + candidate.end
    if proposal.field == UNSURE or spec is None:
        context.unsure(ClaimRule("llm.unverifiable", None, "prose", "", "text", "", None), passage, at, end, "the local LLM was unsure")
        return "unsure"
    rule = ClaimRule(f"llm.{proposal.field}", proposal.field, "prose", "", spec.parser, "", None)
    if not sentence.startswith(proposal.value, candidate.start) or proposal.field not in candidate.fields:
        context.unsure(rule, passage, at, end, f"the local LLM proposed {proposal.field} = {proposal.value!r}; the value is not the sentence's "
                                               "or its words do not speak of that field")
        return "not confirmed"
    if drops_a_scale(sentence, candidate.start, proposal.value):
        context.unsure(rule, passage, at, end, f"the local LLM proposed {proposal.field} = {proposal.value!r}, leaving out the scale the "
                                               "sentence writes after it")
        return "not confirmed"
    if any(claim.field == proposal.field and claim in context.out.claims for claim in nearby):
        return "a rule read this field here"  # a rule's match is never overridden
    match = re.compile(rf"(?P<value>{re.escape(proposal.value)})").match(sentence, candidate.start)
    before = len(context.out.claims)
    _prose_match(rule, match, passage, offset, sentence, context)
    return "confirmed" if len(context.out.claims) > before else "not confirmed"


def _front_matter(readme: Readme, source: str) -> dict:
    from engine.cards.yaml_source import parse_yaml
    from engine.errors import InputInvalid

    if not readme.front_matter:
        return {}
    try:
        data = parse_yaml(readme.front_matter, source).data
    except InputInvalid:
        return {}
    return data if isinstance(data, dict) else {}


def _tokens(text: str) -> set[str]:
    return {token.strip(".") for token in re.split(r"[^a-z0-9.]+", text.lower()) if token.strip(".")}


def _identity(readme: Readme, front: dict, name: str | None, source: str) -> set[str]:
    """Words that name this model: the front matter's names, --name, the title and the file or folder name."""
    from pathlib import Path

    path = Path(source)
    stem = path.parent.name if path.name.lower() == "readme.md" else path.stem
    index = front.get("model-index")
    names = [name, readme.title, stem, front.get("model_name"),
             index[0].get("name") if isinstance(index, list) and index and isinstance(index[0], dict) else None]
    words = set()
    for text in names:
        if isinstance(text, str):
            words |= _tokens(text.rsplit("/", 1)[-1])
    return words - {"model", "card", "for", "the", "gguf", "of"}


def _is_embedding_model(front: dict, readme: Readme) -> bool:
    tags = front.get("tags") if isinstance(front.get("tags"), list) else []
    marks = {str(front.get("pipeline_tag", "")).lower(), str(front.get("library_name", "")).lower(), *(str(t).lower() for t in tags)}
    return bool(marks & _EMBEDDING_TAGS) or "dense vector space" in readme.text[:4000]


def _derivative_of(family: str, context: _Context) -> bool:
    """'RoBERTa is a transformers model' on the XLM-RoBERTa card: the title glues the family word to another name."""
    title = context.readme.title or ""
    word = re.escape(family.split()[0])
    return bool(re.search(rf"[A-Za-z]-?{word}", title, re.IGNORECASE)) and not re.match(rf"\W*{word}\b", title, re.IGNORECASE)


def _applies(rule: ClaimRule, context: _Context) -> bool:
    return rule.when is None or (rule.when == "embedding") == context.embedding


def _section_field(section: tuple[str, ...]) -> str | None:
    return _heading_field(section[-1]) if section else None


def _heading_field(heading: str) -> str | None:
    """The field a heading's content fills; a heading that names both uses and limitations is decided per paragraph."""
    text = heading.strip().strip("*:").lower()
    hits = [rule.field for rule in rules_of("section") if rule.field in SECTION_FIELDS and re.fullmatch(rule.pattern, text)]
    if "out_of_scope_uses" in hits:
        return "out_of_scope_uses"
    if len(hits) > 1:
        return "combined"
    parts = [part.strip() for part in re.split(r"&|\band\b|,|/", text) if part.strip()]
    if hits and len(parts) > 1 and not all(_heading_field(part) for part in parts):
        return f"mixed:{hits[0]}"  # 'Intended Usage & Model Info': only a paragraph that reads as a use is one
    return hits[0] if hits else None


def _pseudo_heading(block: Block) -> str | None:
    """A paragraph that is only bold text ('**Primary use cases**') acts as a sub-heading."""
    passage = block.passage
    if block.kind == "paragraph" and passage.bold_prefix and passage.bold_prefix >= len(passage.text.rstrip(" .:!")) \
            and len(passage.text.split()) <= 10 and not _SENTENCE_END.search(passage.text):
        return passage.text.strip(" :")
    return None  # a bold paragraph of sentences is emphasis, not a heading


def _split_label(passage: Passage) -> tuple[str, int] | None:
    """('Number of Layers', offset of the value) for 'Label: value' text or a bold lead-in ('**Out-of-scope** Use ...')."""
    if passage.bold_prefix and passage.bold_prefix < len(passage.text):
        label = passage.text[:passage.bold_prefix].strip().rstrip(":")
        start = passage.bold_prefix
        while start < len(passage.text) and passage.text[start] in " :":
            start += 1
        return label, start
    match = _LABEL.match(passage.text)
    if match and len(match[1].split()) <= 8:
        return match[1].strip(), match.start(2)
    return None


def _passage_claims(block: Block, context: _Context, passage: Passage | None = None) -> set[str]:
    """Label rules on a 'Label: value' line, then the prose rules on each sentence; returns the numeric fields found."""
    passage = passage or block.passage
    found: set[str] = set()
    segments = _segments(passage)
    about_other = _about_another_model(block, passage, context)
    for start, end in segments:
        piece = passage.sub(start, end)
        labelled = _split_label(piece) or (_segment_label(piece, context) if len(segments) > 1 else None)
        prose_from = 0
        if labelled:
            label, value_at = labelled
            if not about_other:
                found |= _label_claims(label, piece, value_at, block, context)
            prose_from = value_at
        elif len(segments) > 1:
            found |= _bare_segment(piece, context)
        found |= _prose_claims(piece, prose_from, context, about_other=about_other)
    return found


def _segment_label(piece: Passage, context: _Context) -> tuple[str, int] | None:
    """A catalog segment 'parameters 7.25B' or 'arch llama': its first words are a label when a label rule reads them."""
    words = list(re.finditer(r"\S+", piece.text))
    for count in range(min(3, len(words) - 1), 0, -1):
        label = piece.text[:words[count - 1].end()]
        if _label_rules(label, context):
            return label, words[count].start()
    return None


def _bare_segment(piece: Passage, context: _Context) -> set[str]:
    """A catalog segment that is wholly a license name ('Google · Updated 2024 · Apache 2.0')."""
    text = piece.text.strip()
    rule = RULES_BY_ID["license.label"]
    parsed = PARSERS["license"](text) if len(text.split()) <= 4 else None
    if parsed is not None and re.fullmatch(r"[\w .-]+", text):
        context.add(rule, parsed, piece, 0, len(piece.text.rstrip()))
        return {"license"}
    return set()


def _about_another_model(block: Block, passage: Passage, context: _Context) -> bool:
    """A list item that starts by naming a model ('[jina-embeddings-v2-base-en](...): 137 million parameters') is about
    that model; when it is not this one, its numbers are not claims about this card's model."""
    if block.kind != "item":
        return False
    link = next((l for l in passage.links if l.start <= 1), None)
    if link is None or not (link.hf_id and link.hf_id[0] == "model" or re.search(r"\w-\w", passage.text[link.start:link.end])):
        return False
    tokens = _tokens(passage.text[link.start:link.end].rsplit("/", 1)[-1])
    return bool(tokens - context.identity - _QUALIFIERS)


def _segments(passage: Passage) -> list[tuple[int, int]]:
    """Catalog pages put several 'Label: value' pairs on one line, separated by a middle dot."""
    if " · " not in passage.text:
        return [(0, len(passage.text))]
    segments, start = [], 0
    for match in re.finditer(r" · ", passage.text):
        segments.append((start, match.start()))
        start = match.end()
    return segments + [(start, len(passage.text))]


def _normal_label(label: str) -> str:
    return " ".join(label.lower().strip(" *`:").replace("_", " ").split()) if label else ""


def _label_rules(label: str, context: _Context) -> list[ClaimRule]:
    text = _normal_label(label)
    return [rule for rule in rules_of("label") if rule.id != "evaluation.results-list" and _applies(rule, context)
            and (re.fullmatch(rule.pattern, text) or re.fullmatch(rule.pattern, label.lower().strip(" *`:")))]


def _label_claims(label: str, passage: Passage, value_at: int, block: Block, context: _Context) -> set[str]:
    found = set()
    value_text = passage.text[value_at:]
    for rule in _label_rules(label, context):
        if rule.id == "quantization.method-bits":
            continue
        if rule.field == "dataset" and not value_text.strip():
            _child_datasets(block, rule, context)
            continue
        parsed, start, end = _parse_label_value(rule, passage, value_at, context)
        if parsed is None:
            if value_text.strip() and rule.field in NUMERIC_FIELDS | {"architecture", "license", "base_model"}:
                context.unsure(rule, passage, value_at, len(passage.text), "the value is not one the rule can read")
            continue
        context.add(rule, parsed, passage, start, end)
        found.add(rule.field)
        if rule.field == "attention_heads":
            kv = re.search(r"(\d+) for KV", value_text)
            if kv:
                context.add(RULES_BY_ID["kv_heads.label"], Parsed(int(kv[1])), passage, value_at + kv.start(1), value_at + kv.end(1))
                found.add("kv_heads")
    if not found and block.kind == "item" and block.parent is not None and re.search(r"\bresults?\b", block.parent.passage.text, re.IGNORECASE):
        parsed = PARSERS["score"](value_text)
        if parsed is not None:
            rule = RULES_BY_ID["evaluation.results-list"]
            context.add(rule, parsed, passage, value_at, len(passage.text), metric=_normal_label(label))
            found.add("evaluation")
    return found


_LEADING_VALUE = re.compile(r"(?:full\s+)?(\d[\d,.]*\s*(?:[KMGT]i?B|billion|million|[BMKk](?![a-z]))?)", re.IGNORECASE)


def _parse_label_value(rule: ClaimRule, passage: Passage, value_at: int, context: _Context):
    """The whole value, else its leading number ('Full 32,768 tokens and generation 8192' -> 32,768); links give ids."""
    parser = PARSERS[rule.parser]
    text = passage.text[value_at:]
    end = value_at + len(text.rstrip(" ."))
    if rule.field in ("base_model", "dataset"):
        return _reference(rule, passage, value_at, context)
    parsed = parser(text.rstrip(" ."))
    if parsed is not None:
        return parsed, value_at, end
    leading = _LEADING_VALUE.match(text.lstrip())
    if leading and rule.field in NUMERIC_FIELDS | {"size_bytes"}:
        skip = len(text) - len(text.lstrip())
        parsed = parser(leading[1].strip())
        if parsed is not None:
            return parsed, value_at + skip + leading.start(1), value_at + skip + leading.end(1)
    if rule.field == "license":
        parsed = parser(text)
        return (parsed, value_at, end) if parsed else (None, 0, 0)
    return None, 0, 0


def _reference(rule: ClaimRule, passage: Passage, at: int, context: _Context, words: str | None = None):
    """A model or dataset named at `at`: the Hugging Face id of a link starting there, its text, or the bare token
    (the rule's whole value when it reads a name of several words, `words`)."""
    while at < len(passage.text) and passage.text[at] in " `*[":
        at += 1
    link = next((l for l in passage.links if l.start <= at < max(l.end, l.start + 1) or l.start == at), None)
    parser = PARSERS[rule.parser]
    if link is not None:
        kind_id = link.hf_id
        wanted = "model" if rule.field == "base_model" else "dataset"
        text = passage.text[link.start:link.end]
        if kind_id and kind_id[0] == wanted:
            return Parsed(kind_id[1], accepts=(text.strip(" `"),)), link.start, link.end
        if rule.field == "dataset" and _LINK_WORDS.match(text.strip()):
            return None, 0, 0
        parsed = parser(text)
        return (parsed, link.start, link.end) if parsed else (None, 0, 0)
    url = re.match(r"https?://huggingface\.co/([\w.-]+/[\w.-]+)", passage.text[at:])
    if url:
        return parser(url[1]), at, at + url.end()
    token = re.match(r"[\w./-]+(?: \d{4}(?!\w))?" if rule.field == "dataset" else r"[\w./-]+", passage.text[at:])
    if not token:
        return None, 0, 0
    several = words and " " in words.strip() and passage.text.startswith(words.strip(), at)
    value = words.strip() if several else token[0].rstrip(".,;")
    if rule.field == "dataset" and rule.id != "dataset.the-x-dataset" and \
            not _names_a_dataset(value, passage.text[:at], passage.text[at + len(value):]):
        return None, 0, 0
    parsed = parser(value)
    return (parsed, at, at + len(value)) if parsed else (None, 0, 0)


_NAME_WORD = re.compile(r"(?-i:[A-Z][\w.-]*|\d[\w.-]*)$")


def _names_a_dataset(value: str, before: str, after: str) -> bool:
    """An unlinked name is a dataset's when it looks like a name (BookCorpus, C4, LAION-2B, English Wikipedia) or the
    words around it say so ('the imdb dataset'); a plain word ('the Pile', 'a large corpus', 'an offline dataset',
    'the Masked language modeling objective', "Jina AI's collection") is not read as one."""
    if _NOT_A_NAME.match(value) or re.match(r"\s*(?:'s|’s|\s+AI\b)", after):
        return False
    if re.match(r"\s+datasets?\b", after, re.IGNORECASE) and (re.search(r"\bthe\s*$", before, re.IGNORECASE) or re.search(r"[A-Z\d_]", value)):
        return True
    if re.fullmatch(r"[\w.-]+/[\w.-]+", value):  # a repository id
        return True
    words = value.split()
    if len(words) > 1:
        return all(_NAME_WORD.match(word) for word in words)
    return bool(re.match(r"(?-i:[A-Z])", value) and re.search(r"(?-i:[A-Z\d])|[-_/.]\w", value[1:]))


def _sentences(text: str, start: int) -> list[tuple[int, int]]:
    bounds, cursor = [], start
    for match in _SENTENCE_END.finditer(text, start):
        bounds.append((cursor, match.start()))
        cursor = match.end()
    return bounds + [(cursor, len(text))]


def _prose_claims(passage: Passage, start: int, context: _Context, *, about_other: bool = False, fields=None) -> set[str]:
    found = set()
    for sentence_start, sentence_end in _sentences(passage.text, start):
        sentence = passage.text[sentence_start:sentence_end]
        for rule in rules_of("prose"):
            if not _applies(rule, context) or (fields and rule.field not in fields):
                continue
            anchored = rule.pattern.startswith("^")
            matches = [re.match(rule.pattern, sentence, re.IGNORECASE)] if anchored else re.finditer(rule.pattern, sentence, re.IGNORECASE)
            for match in matches:
                if match and about_other and rule.field in NUMERIC_FIELDS | {"size_bytes", "quantization"}:
                    context.unsure(rule, passage, sentence_start + match.start(), sentence_start + match.end(), "said of another model (a list item naming it)")
                elif match:
                    found |= _prose_match(rule, match, passage, sentence_start, sentence, context)
    return found


def _prose_match(rule: ClaimRule, match: re.Match, passage: Passage, offset: int, sentence: str, context: _Context) -> set[str]:
    value_start, value_end = offset + match.start("value"), offset + match.end("value")
    whole_start, whole_end = offset + match.start(), offset + match.end()
    if rule.field in NUMERIC_FIELDS | {"size_bytes", "quantization"} and (_HEDGE_BEFORE.search(sentence[:match.start()]) or _HEDGE.search(sentence)):
        context.unsure(rule, passage, whole_start, whole_end, "a hedged statement (approximate, believed, untested)")
        return set()
    if rule.field == "license" and _CODE_SUBJECT.match(sentence[:match.start()]):
        context.unsure(rule, passage, whole_start, whole_end, "the license of the code, not of the weights")
        return set()
    if rule.id == "architecture.subject" and _derivative_of(match["value"], context):
        context.unsure(rule, passage, whole_start, whole_end, "the card's model derives from this family; its own architecture has another name")
        return set()
    if rule.field in NUMERIC_FIELDS:
        before = sentence[:match.start()]
        if _RANGE_BEFORE.search(before):
            context.unsure(rule, passage, whole_start, whole_end, "one of several values or a range")
            return set()
        if _FAMILY_STATEMENT.search(sentence) and not _ALL_SIZES.search(sentence):
            context.unsure(rule, passage, whole_start, whole_end, "the sentence is about a family of models, not this one")
            return set()
    if rule.field in ("base_model", "dataset") and re.search(r"\bwhich\b[^,;]*$", sentence[:match.start()]):
        context.unsure(rule, passage, whole_start, whole_end, "said of another model (a relative clause)")
        return set()
    if rule.field == "quantization" and _PARTIAL_TENSORS.search(sentence):
        context.unsure(rule, passage, whole_start, whole_end, "said of some tensors only (embeddings, output weights)")
        return set()
    if rule.id == "dataset.list":
        return _dataset_list(rule, passage, value_start, value_end, context)
    if rule.field in ("base_model", "dataset"):
        parsed, span_start, span_end = _reference(rule, passage, value_start, context, match["value"] if rule.field == "dataset" else None)
        if parsed is None:
            return set()
        if context.add(rule, parsed, passage, whole_start, max(span_end, value_end)):
            _more_datasets(rule, passage, span_end, offset + len(sentence), context)
        return {rule.field}
    if rule.field == "evaluation":
        parsed = PARSERS["score"](match["value"])
        metric = match.groupdict().get("metric")
        dataset = match.groupdict().get("dataset")
        if parsed:
            context.add(rule, parsed, passage, whole_start, whole_end, metric=metric.strip().lower() if metric else None, dataset=dataset)
        return {"evaluation"}
    method = match.groupdict().get("method")
    parsed = PARSERS[rule.parser](f"{match['value']} {method}" if method else match["value"])
    if parsed is None:
        if rule.field in NUMERIC_FIELDS | {"quantization", "license", "architecture"}:
            context.unsure(rule, passage, whole_start, whole_end, "the value is not one the rule can read")
        return set()
    if rule.field == "quantization" and rule.id == "quantization.model-files":
        context.method = str(parsed.value)
    context.add(rule, parsed, passage, whole_start if rule.field in NUMERIC_FIELDS else value_start, whole_end if rule.field in NUMERIC_FIELDS else value_end)
    return {rule.field}


def _more_datasets(rule: ClaimRule, passage: Passage, after: int, sentence_end: int, context: _Context) -> None:
    """'pretrained on [BookCorpus](...), a dataset of books and [English Wikipedia](...)': later links name datasets too."""
    if rule.field != "dataset":
        return
    for link in passage.links:
        if after <= link.start < sentence_end:
            _add_link_dataset(rule, passage, link, context)
    conjunct = _CONJUNCT_NAME.match(passage.text, after, sentence_end)
    if conjunct and not any(l.start == conjunct.start("name") for l in passage.links) and _NAME_WORD.match(conjunct["name"].split()[-1]) \
            and not (_NOT_A_NAME.match(conjunct["name"]) and " " not in conjunct["name"]):
        context.add(rule, Parsed(conjunct["name"]), passage, conjunct.start("name"), conjunct.end("name"))


# "[BooksCorpus](...) and English Wikipedia": the name joined to a dataset is one too (capitalised words, up to a comma)
_CONJUNCT_NAME = re.compile(r",?\s+(?:and|&)\s+(?P<name>(?-i:[A-Z][\w.-]*(?: [A-Z0-9][\w.-]*){0,3}))(?=[,.;]|\s+(?-i:[a-z])|$)")


def _add_link_dataset(rule: ClaimRule, passage: Passage, link, context: _Context) -> None:
    text = passage.text[link.start:link.end].strip()
    kind_id = link.hf_id
    if (kind_id and kind_id[0] == "model") or _LINK_WORDS.match(text) or not text:
        return
    parsed = Parsed(kind_id[1], accepts=(text,)) if kind_id else PARSERS["dataset"](text)
    if parsed is not None:
        context.add(rule, parsed, passage, link.start, link.end)


def _dataset_list(rule: ClaimRule, passage: Passage, start: int, end: int, context: _Context) -> set[str]:
    for match in re.finditer(r"[^,]+", passage.text[start:end]):
        name = match[0].strip()
        parsed = PARSERS["dataset"](name)
        if parsed is not None and not name.lower().startswith(("new ", "and ")):
            lead = len(match[0]) - len(match[0].lstrip())
            context.add(rule, parsed, passage, start + match.start() + lead, start + match.start() + lead + len(name))
    return {"dataset"}


def _child_datasets(block: Block, rule: ClaimRule, context: _Context) -> None:
    """The items under a 'Training Dataset:' item: the consecutive items indented deeper than it."""
    blocks = context.readme.blocks
    depth = _indent(block, context)
    for child in blocks[blocks.index(block) + 1:]:
        if child.kind != "item" or _indent(child, context) <= depth:
            break
        parsed, start, end = _reference(rule, child.passage, 0, context)
        if parsed is not None:
            context.add(rule, parsed, child.passage, start, end)


def _indent(block: Block, context: _Context) -> int:
    line = context.readme.text.split("\n")[block.line - 1]
    return len(line) - len(line.lstrip())


def _training_section_links(block: Block, context: _Context) -> None:
    """In a training-data section, the links of a sentence about data name datasets."""
    rule = RULES_BY_ID["dataset.training-section"]
    if not any(re.fullmatch(rule.pattern, heading.lower()) for heading in block.section):
        return
    passage = block.passage
    for start, end in _sentences(passage.text, 0):
        if _DATA_WORDS.search(passage.text[start:end]):
            for link in passage.links:
                if start <= link.start < end:
                    _add_link_dataset(rule, passage, link, context)


def _section_claim(block: Block, section_field: str | None, numeric: set[str], context: _Context) -> None:
    """A paragraph or top-level list item of a uses / limitations section becomes an entry of that field."""
    passage = block.passage
    labelled = _split_label(passage) if passage.bold_prefix else None
    label_field = _heading_field(labelled[0]) if labelled else None
    field_name = label_field or section_field
    if field_name is None or (block.kind == "item" and (block.level > 1 or (block.parent is not None and block.parent.kind == "item"))):
        return
    start = labelled[1] if label_field else 0
    text = passage.text[start:].strip()
    sentences = [passage.text[a:b] for a, b in _sentences(passage.text, start)]
    if text.endswith(":"):  # a lead-in to a list: keep what comes before its last sentence
        sentences = sentences[:-1]
        text = " ".join(sentences).strip()
    if not text or _BOILERPLATE.search(text) or len(text) < 8 or _about_another_model(block, passage, context):
        return
    if field_name.startswith("mixed:"):
        field_name = field_name.removeprefix("mixed:")
        if not _SECTION_CUES[field_name].search(text):
            context.unsure(RULES_BY_ID[f"{field_name}.section"], passage, start, len(passage.text),
                           "a section on this and other things; this paragraph does not read as one")
            return
    if field_name == "combined":
        uses, limits = bool(_USE_CUE.search(text)), bool(_LIMIT_CUE.search(text))
        if uses == limits:
            rule = RULES_BY_ID["limitations.section"]
            context.unsure(rule, passage, start, len(passage.text), "a section on both uses and limitations; this paragraph is neither clearly")
            return
        field_name = "limitations" if limits else "intended_uses"
    if field_name != "limitations" and numeric & NUMERIC_FIELDS:
        return  # a specification ("input longer than 256 word pieces is truncated"), not a use
    rule = RULES_BY_ID[f"{field_name}.section"]
    end = start + len(passage.text[start:].rstrip())
    context.add(rule, Parsed(" ".join(text.split())), passage, start, end)


# Tables -------------------------------------------------------------------------------------------------------------

def _table(block: Block, context: _Context) -> None:
    rows = block.rows
    if len(rows) < 2:
        return
    header = [_cell_text(cell) for cell in rows[0][1]]
    data = [(line, cells) for line, cells in rows[1:] if any(_cell_text(c) for c in cells)]
    if not data or any(_TRAINING_LOG.search(h) for h in header):
        return
    for _, cells in data:  # a cell holding a catalog line ('arch llama · parameters 7.25B · quantization Q4_0')
        for cell in cells:
            if " · " in cell.text:
                _passage_claims(block, context, passage=cell)
    file_column = next((i for i, h in enumerate(header) if _FILE_HEADER.match(h)), None)
    if file_column is not None and any(_FILE_CELL.search(_cell_text(cells[file_column])) for _, cells in data if file_column < len(cells)):
        _variant_table(header, data, file_column, context)
        return
    first = header[0].lower().strip(" *") if header else ""
    if re.fullmatch(RULES_BY_ID["dataset.table"].pattern, first) and (
            any(re.search(r"training|tuples|samples|paper|size|fraction|tokens", h, re.IGNORECASE) for h in header[1:]) or _in_training_section(block)):
        _dataset_table(data, context, named_datasets="dataset" in first)
        return
    if len(header) == 2 and not all(_label_rules(h, context) for h in header) and sum(1 for _, cells in [rows[0]] + data if cells and _label_rules(_cell_text(cells[0]), context)) >= 1 \
            and not re.fullmatch(RULES_BY_ID["evaluation.benchmark-table"].pattern, first):
        _key_value_table([rows[0]] + data, context)
        return
    value_column = next((i for i, h in enumerate(header) if i and _VALUE_HEADER.fullmatch(h)), None)
    if len(header) > 2 and _KEY_HEADER.fullmatch(first) and value_column is not None:
        _key_value_table(data, context, value_column)  # | Hyperparameter | Value | Comment |: the first column names what the value is
        return
    labelled = [i for i, h in enumerate(header) if _label_rules(h, context)]
    results = _in_results_section(block) and any(_METRIC_HEADER.search(h) for h in header[1:])
    if (_benchmark_label_column(header, data) is not None or results) and not labelled:
        _benchmark_columns(header, data, context)
    elif any(not _cell_text(cells[0]) for _, cells in data) or labelled:
        _model_rows(header, data, labelled, context)


def _benchmark_label_column(header: list[str], data) -> int | None:
    """The column naming the benchmark of each row (text in every row), when rows are benchmarks."""
    for index, name in enumerate(header[:2]):
        cells = [_cell_text(cells[index]) for _, cells in data if index < len(cells)]
        if re.fullmatch(RULES_BY_ID["evaluation.benchmark-table"].pattern, name.lower().strip()) and cells and \
                all(cell and PARSERS["score"](cell) is None for cell in cells[: max(1, len(cells))] if cell) and sum(1 for c in cells if c) >= len(cells) - 1 \
                and any(cell for cell in cells) and (index == 1 or all(cells)):
            return index
    return None


def _cell_text(cell: Passage) -> str:
    return cell.text.strip().strip("*").strip()


# sections whose numbers describe training, hardware, usage or tooling, not the weights: no sentence of theirs goes to the LLM
_NOT_ABOUT_THE_WEIGHTS = re.compile(r"training|hyper-?param|hardware|how to|usage|use with|download|install|compatib|citation|prompt|"
                                    r"quanti[sz]ation methods|explanation|carbon|environmental", re.IGNORECASE)
_SPEC_HEADER = re.compile(r"size|learning rate|\blr\b|dim|param|tokens|batch|steps|epochs|heads|layers|length|date|year|gpus?|hours|vocab|bits|gs\b", re.IGNORECASE)
_KEY_HEADER = re.compile(r"(?:property|properties|hyper-?parameters?|parameter|attribute|spec(?:ification)?s?|settings?|key|field|characteristics?|"
                         r"item|feature|layer)", re.IGNORECASE)
_VALUE_HEADER = re.compile(r"values?|details?", re.IGNORECASE)
_METRIC_HEADER = re.compile(r"\b(?:accuracy|acc|f1|precision|recall|bleu|rouge[-\w]*|wer|cer|exact match|em|auc|map|mrr|ndcg(?:@\d+)?|perplexity|"
                            r"ppl|pass@\d+|top-?[15])\b", re.IGNORECASE)


def _in_results_section(block: Block) -> bool:
    return any(re.search(r"evaluation|results|benchmark|performance", heading, re.IGNORECASE) for heading in block.section)


def _in_training_section(block: Block) -> bool:
    return any(re.search(r"training data", heading, re.IGNORECASE) for heading in block.section)


_MODEL_NAME_HEADER = re.compile(r"\d+(?:\.\d+)?\s?[BM]\b|[A-Za-z]-?\d|\b(?:gpt|llama|mistral|qwen|gemma|phi|bert|t5|opt|falcon)", re.IGNORECASE)
_SIZE_TOKEN = re.compile(r"^\d+(?:\.\d+)?[bmk]$")
# words a row or column label may add to a model's name without naming another model
_QUALIFIERS = frozenset({"sft", "dpo", "rlhf", "instruct", "it", "chat", "model", "params", "parameters", "default", "latest",
                         "recommended", "ours", "this", "hf", "v"})


def _identity_score(text: str, context: _Context) -> float | None:
    """How well a row or column label names this model; None when it names another one.

    A label names this model when it shares its words; a label that also names something else ("Llama 2 7B" on a
    Mistral 7B card) must share a word of the name, not only a size, and a size that differs from this model's rules
    it out."""
    tokens = _tokens(text.rsplit("/", 1)[-1])
    shared = tokens & context.identity
    if not shared:
        return None
    sizes, own_sizes = {t for t in tokens if _SIZE_TOKEN.match(t)}, {t for t in context.identity if _SIZE_TOKEN.match(t)}
    if sizes and own_sizes and not sizes & own_sizes:
        return None
    other = tokens - context.identity - _QUALIFIERS - sizes
    if other and not {t for t in shared if not _SIZE_TOKEN.match(t)}:
        return None
    return len(shared) - 0.1 * len(other)


def _best_named(labels: list[tuple[object, str]], context: _Context):
    """The one item whose label names this model best (a unique best score), else None."""
    scored = [(score, item) for item, label in labels if (score := _identity_score(label, context)) is not None]
    if not scored:
        return None
    best = max(score for score, _ in scored)
    winners = [item for score, item in scored if score == best]
    return winners[0] if len(winners) == 1 else None


def _variant_table(header: list[str], data, file_column: int, context: _Context) -> None:
    columns = {i: _label_rules(h, context) for i, h in enumerate(header) if i != file_column}
    for line, cells in data:
        if file_column >= len(cells):
            continue
        name = _cell_text(cells[file_column]).replace("\\_", "_")
        if not name:
            continue
        context.out.variants.append({"file": name, "line": line})
        for index, rules in columns.items():
            if index >= len(cells):
                continue
            for rule in rules:
                cell = cells[index]
                text = _cell_text(cell)
                if rule.id == "quantization.method-bits":
                    if context.method in ("gptq", "awq") and not any(r.field == "quantization" and r.id != rule.id for rs in columns.values() for r in rs):
                        bits = re.fullmatch(r"(\d+)", text)
                        if bits:
                            context.add(rule, Parsed(f"{context.method}-{bits[1]}bit"), cell, 0, len(cell.text), variant=name)
                    continue
                parsed = PARSERS[rule.parser](text) or _leading(rule, text)
                if parsed is not None:
                    context.add(rule, parsed, cell, 0, len(cell.text.rstrip()), variant=name)


def _leading(rule: ClaimRule, text: str) -> Parsed | None:
    match = _LEADING_VALUE.match(text)
    return PARSERS[rule.parser](match[1].strip()) if match and rule.field in NUMERIC_FIELDS | {"size_bytes"} else None


def _dataset_table(data, context: _Context, named_datasets: bool) -> None:
    """Rows name datasets; under a 'Data source' header a plain word ('Books', 'Code') is a kind of data, not a name."""
    rule = RULES_BY_ID["dataset.table"]
    for _, cells in data:
        cell = cells[0]
        text = _cell_text(cell)
        if not text or text.lower() == "total":
            continue
        link = cell.links[0] if cell.links and cell.links[0].start <= 1 else None
        name = cell.text[link.start:link.end] if link else text.split("(")[0].strip()
        if link is None and not named_datasets and not _names_a_dataset(name, "", ""):
            continue
        hf = link.hf_id if link else None
        parsed = Parsed(hf[1], accepts=(name,)) if hf and hf[0] == "dataset" else PARSERS["dataset"](name)
        if parsed is not None:
            start = link.start if link else cell.text.find(name)
            context.add(rule, parsed, cell, start, start + len(name))


def _key_value_table(rows, context: _Context, value_column: int = 1) -> None:
    for _, cells in rows:
        if len(cells) <= value_column:
            continue
        label, value = cells[0], cells[value_column]
        for rule in _label_rules(_cell_text(label), context):
            if rule.id == "quantization.method-bits":
                continue
            text = _cell_text(value)
            parsed = PARSERS[rule.parser](text) or _leading(rule, text)
            if rule.field in ("base_model", "dataset"):
                parsed = _reference(rule, value, 0, context)[0]
            if parsed is not None:
                context.add(rule, parsed, value, 0, len(value.text.rstrip()))
            else:
                context.unsure(rule, value, 0, len(value.text), "the value is not one the rule can read")


def _model_rows(header: list[str], data, labelled: list[int], context: _Context) -> None:
    """Rows are models (a family table, or results of the card's model): only the row of this model is read."""
    if len(data) == 1:
        rows = data
    else:
        named = _best_named([(row, _cell_text(row[1][0])) for row in data if row[1] and _cell_text(row[1][0])], context)
        rows = [named] if named else [row for row in data if row[1] and not _cell_text(row[1][0])]
        if len(rows) != 1 or len(rows[0][1]) != len(header):  # a row spanning rows (HTML rowspan) shifts its cells
            return
    metric_row = next((cells for _, cells in data if _cell_text(cells[0]).strip("()").lower() == "metric"), None)
    ((line, cells),) = rows
    first_is_value = 0 in labelled
    for index, cell in enumerate(cells):
        if (index == 0 and not first_is_value) or index >= len(header):
            continue
        text = _cell_text(cell)
        if index in labelled:
            for rule in _label_rules(header[index], context):
                if rule.id == "quantization.method-bits":
                    continue
                parsed = _reference(rule, cell, 0, context)[0] if rule.field in ("base_model", "dataset") else (
                    PARSERS[rule.parser](text) or _leading(rule, text))
                if parsed is not None:
                    context.add(rule, parsed, cell, 0, len(cell.text.rstrip()))
            continue
        parsed = PARSERS["score"](text)
        if parsed is None:  # a description cell ('12-layer BERT model where ...') may state the shape
            _prose_claims(cell, 0, context, fields=NUMERIC_FIELDS)
            continue
        if labelled and _SPEC_HEADER.search(header[index]):  # 'Batch Size', 'Learning Rate', 'Non-Embedding Params' are no scores
            continue
        metric = _cell_text(metric_row[index]).strip("()").lower() if metric_row and index < len(metric_row) else None
        context.add(RULES_BY_ID["evaluation.model-row"], parsed, cell, 0, len(cell.text.rstrip()), dataset=header[index], metric=metric)


def _benchmark_columns(header: list[str], data, context: _Context) -> None:
    """Rows are benchmarks: read the column of this model (named like it, the only numeric one, or 'value'/'score')."""
    numeric = [i for i in range(1, len(header)) if not re.search(r"shot|#", header[i], re.IGNORECASE)
               and all(PARSERS["score"](_cell_text(cells[i])) is not None for _, cells in data if i < len(cells) and _cell_text(cells[i]))]
    generic = [i for i in numeric if header[i].lower() in ("value", "score", "result", "results")]
    named = _best_named([(i, header[i]) for i in numeric], context)
    # the only numeric column is this model's unless its header names a model (another one: it did not name this one)
    sole = numeric[0] if len(numeric) == 1 and (_METRIC_HEADER.search(header[numeric[0]]) or not _MODEL_NAME_HEADER.search(header[numeric[0]])) else None
    column = named if named is not None else generic[0] if len(generic) == 1 else sole
    if column is None:
        return
    label_column = _benchmark_label_column(header, data) or 0
    if label_column == 0 and len(header) > 1 and re.fullmatch(r"benchmarks?|tasks?|datasets?", header[1].lower().strip()):
        label_column = 1
    is_metric = header[label_column].lower().startswith("metric")
    rule = RULES_BY_ID["evaluation.benchmark-table"]
    for _, cells in data:
        if column >= len(cells):
            continue
        parsed = PARSERS["score"](_cell_text(cells[column]))
        name = _cell_text(cells[label_column]) if label_column < len(cells) else ""
        if parsed is None or not name:
            continue
        extra = {"metric": name.lower()} if is_metric else {"dataset": name}
        context.add(rule, parsed, cells[label_column], 0, len(cells[label_column].text.rstrip()), **extra)
