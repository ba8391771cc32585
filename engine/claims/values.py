"""Value parsers: the text of a statement -> a normalised value, the range the statement's rounding allows, and
the unit. One table, PARSERS, named by the claim rules; a parser returns None for text it is not sure of.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
SCALES = {"k": 10**3, "thousand": 10**3, "m": 10**6, "million": 10**6, "b": 10**9, "billion": 10**9, "t": 10**12, "trillion": 10**12}
BYTE_UNITS = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
GGUF_TYPE = r"(?:MOSTLY_)?(?:I?Q[1-8](?:_[0-9]|_K|_[A-Z]{1,2})*(?![A-Za-z0-9])|BF16|F16|F32)"

# Architecture families as cards write them -> (the config/GGUF name, the names the files may use)
FAMILIES = (
    (r"distil-?bert", "distilbert", ("distilbert",)),
    (r"xlm-?roberta", "xlm-roberta", ("xlm-roberta",)),
    (r"(?:ro)?bert(?:a)?(?!\w)|bert-(?:base|large)", None, ()),  # decided by the match below
    (r"llama(?:[- ]?\d(?:\.\d)?)?(?:forcausallm)?", "llama", ("llama",)),
    (r"mistral(?:-nemo)?(?:forcausallm)?", "mistral", ("mistral",)),
    (r"mixtral", "mixtral", ("mixtral",)),
    (r"qwen[- ]?2(?:\.5)?(?:forcausallm)?", "qwen2", ("qwen2",)),
    (r"qwen[- ]?3", "qwen3", ("qwen3",)),
    (r"phi[- ]?3(?:\.5)?", "phi3", ("phi3",)),
    (r"phi[- ]?2", "phi", ("phi", "phi2")),
    (r"gemma[- ]?3", "gemma3", ("gemma3", "gemma3_text")),
    (r"gemma[- ]?2", "gemma2", ("gemma2",)),
    (r"gemma", "gemma", ("gemma", "gemma2", "gemma3", "gemma3_text")),
    (r"gpt-?2", "gpt2", ("gpt2",)),
    (r"gpt-?neox", "gpt_neox", ("gpt_neox", "gptneox")),
    (r"falcon", "falcon", ("falcon",)),
    (r"granite", "granite", ("granite",)),
    (r"stablelm", "stablelm", ("stablelm",)),
    (r"mpnet", "mpnet", ("mpnet",)),
    (r"t5", "t5", ("t5",)),
    (r"whisper", "whisper", ("whisper",)),
)
_BERTS = {"bert": "bert", "roberta": "roberta"}
FAMILY_WORD = "|".join(pattern for pattern, _, _ in FAMILIES)

# License names as prose writes them -> license id
LICENSES = (
    (r"apache(?: license)?,?(?: version)? ?2(?:\.0)?|apache-2\.0", "apache-2.0"),
    (r"mit(?: license)?", "mit"),
    (r"llama 3\.1 community license", "llama3.1"), (r"llama 3\.2 community license", "llama3.2"),
    (r"llama 3 community license", "llama3"), (r"llama 2 community license", "llama2"),
    (r"gemma terms of use", "gemma"),
    (r"cc[- ]by[- ]4\.0|creative commons attribution 4\.0", "cc-by-4.0"), (r"cc[- ]by[- ]nc[- ]4\.0", "cc-by-nc-4.0"),
    (r"bsd[- ]3[- ]clause", "bsd-3-clause"), (r"gpl[- ]?(?:v)?3(?:\.0)?", "gpl-3.0"), (r"openrail(?:\+\+)?", "openrail"),
)
DTYPES = {"bfloat16": "bfloat16", "bf16": "bfloat16", "float16": "float16", "fp16": "float16", "f16": "float16", "half": "float16",
          "float32": "float32", "fp32": "float32", "f32": "float32", "int8": "int8", "int4": "int4"}
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$|^[a-z0-9]+(?:-[a-z0-9.]+){1,6}$")
_PLACEHOLDER = re.compile(r"more information needed|^\W*$|^n/?a$|unknown|tbd", re.IGNORECASE)


@dataclass(frozen=True)
class Parsed:
    value: object
    low: float | None = None   # numbers: what the statement's rounding allows
    high: float | None = None
    accepts: tuple[str, ...] = ()  # names: the spellings the files may use for the same thing
    unit: str | None = None


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _rounding(text: str) -> Decimal:
    """Half a unit of the last digit written: '1.1' -> 0.05, '7' -> 0.5, '32,768' -> 0.5."""
    digits = text.replace(",", "")
    places = len(digits.split(".")[1]) if "." in digits else 0
    return Decimal(5) / Decimal(10) ** (places + 1)


def count(text: str) -> Parsed | None:
    """'1.1 billion', '1.7B', '135M', '7 billion', '1,644,417,024', '244 M' -> the count and its rounding range."""
    match = re.fullmatch(rf"\s*({NUMBER})\s*(billion|million|thousand|trillion|[BMKT])?\s*", text, re.IGNORECASE)
    if not match:
        return None
    number, scale = _decimal(match[1]), SCALES[match[2].lower()] if match[2] else 1
    if not match[2] and number < 1000:
        return None
    half = _rounding(match[1]) * scale
    return Parsed(int(number * scale), float(number * scale - half), float(number * scale + half), unit="parameters")


def integer(text: str) -> Parsed | None:
    match = re.fullmatch(rf"\s*({NUMBER})\s*", text)
    if not match or "." in match[1]:
        return None
    return Parsed(int(_decimal(match[1])))


def tokens(text: str) -> Parsed | None:
    """'32,768', '8192', '8K', '128k' -> tokens; a K may mean 1,000 or 1,024, so '8K' allows 8,000 to 8,192."""
    match = re.fullmatch(rf"\s*(?:full\s+)?({NUMBER})\s*(k)?\s*(?:tokens?)?\s*", text, re.IGNORECASE)
    if not match:
        return None
    number = _decimal(match[1])
    if match[2]:
        return Parsed(int(number * 1024), float(number * 1000), float(number * 1024), unit="tokens")
    return Parsed(int(number), unit="tokens") if "." not in match[1] else None


def size(text: str) -> Parsed | None:
    """'4.08 GB', '3.09GB', '81 MiB' -> bytes, with the rounding range (a GB may be written for a GiB: both allowed)."""
    match = re.fullmatch(rf"\s*({NUMBER})\s*([KMGT]i?B)\s*", text, re.IGNORECASE)
    if not match:
        return None
    number, unit = _decimal(match[1]), match[2].lower()
    half = _rounding(match[1])
    scale = BYTE_UNITS[unit]
    binary = BYTE_UNITS[unit[0] + "ib"]
    low, high = (number - half) * scale, (number + half) * max(scale, binary)
    return Parsed(int(number * scale), float(low), float(high), unit="bytes")


def quantization(text: str) -> Parsed | None:
    """'Q4_K_M', 'MOSTLY_Q4_K_M', 'q8_0', 'f16', 'GPTQ', 'AWQ', 'int8', '4-bit' -> a quantization name."""
    cleaned = text.strip().strip("*`").replace("\\_", "_")
    if re.fullmatch(GGUF_TYPE, cleaned, re.IGNORECASE):
        name = cleaned.upper().removeprefix("MOSTLY_")
        return Parsed(name, accepts=(name, f"MOSTLY_{name}"))
    lowered = cleaned.lower()
    if lowered in ("int8", "int4"):
        return _bits(lowered[3:], None)
    if lowered in ("bnb-4bit", "bnb-8bit"):
        return _bits(lowered[4], "bnb")
    if lowered in ("gptq", "awq"):  # a method without its bits holds for any bit width of it
        return Parsed(lowered, accepts=(lowered, *(f"{lowered}-{b}bit" for b in (2, 3, 4, 8))))
    if lowered == "nf4":
        return Parsed(lowered)
    bits = re.fullmatch(r"(\d)[- ]?bit(?:s)?(?: (gptq|awq|bitsandbytes|bnb))?", lowered)
    if bits:
        return _bits(bits[1], {"bitsandbytes": "bnb"}.get(bits[2], bits[2]) if bits[2] else None)
    return None


# Names the files may give a scheme of b bits (a config's quant_method-bits, GGUF block types): a claim of bits alone
# ("quantized to 4 bits") holds for any of them, a claim of a method for its spellings only.
_METHOD_SPELLINGS = {"bnb": ("bnb", "bitsandbytes"), "gptq": ("gptq",), "awq": ("awq",)}
_GGUF_OF_BITS = ("Q{b}_0", "Q{b}_1", "Q{b}_K", "Q{b}_K_S", "Q{b}_K_M", "Q{b}_K_L", "IQ{b}_XXS", "IQ{b}_XS", "IQ{b}_S", "IQ{b}_M", "IQ{b}_NL")


def _bits(bits: str, method: str | None) -> Parsed:
    if method:
        return Parsed(f"{method}-{bits}bit", accepts=tuple(f"{name}-{bits}bit" for name in _METHOD_SPELLINGS[method]) + (("nf4",) if method == "bnb" and bits == "4" else ()))
    schemes = (*(f"{name}-{bits}bit" for names in _METHOD_SPELLINGS.values() for name in names), f"mlx-{bits}bit", f"{bits}bit",
               *(pattern.format(b=bits) for pattern in _GGUF_OF_BITS))
    return Parsed(f"int{bits}", accepts=(f"int{bits}", *schemes))


def dtype(text: str) -> Parsed | None:
    name = DTYPES.get(text.strip().strip("*`").lower().removeprefix("torch."))
    return Parsed(name) if name else None


def architecture(text: str) -> Parsed | None:
    """A family name ('Llama 2', 'LlamaForCausalLM', 'Mistral-NeMo', 'BERT') -> the config name; None for anything else."""
    cleaned = text.strip().strip("*`").lower()
    if "+" in cleaned or " and " in cleaned:
        return None
    # a transformers class names its family: Gemma2ForCausalLM, WhisperForConditionalGeneration, BertModel
    cleaned = re.sub(r"(?<=[a-z0-9])(?:for(?:causallm|conditionalgeneration|maskedlm|sequenceclassification|tokenclassification)|model)$", "",
                     cleaned)
    clip = re.fullmatch(r"(?:clip )?vit-?([bhlsmg])[/-](\d+)(-quickgelu)?", cleaned)
    if clip:
        name = f"ViT-{clip[1].upper()}-{clip[2]}{clip[3] or ''}"
        return Parsed(name)
    for pattern, canonical, accepts in FAMILIES:
        match = re.fullmatch(rf"(?:the )?({pattern})(?:[- ]\d+(?:\.\d+)?[bm]?)?(?:[- ][\w.-]+)?", cleaned)
        if match and (canonical or match[1].split("-")[0] in _BERTS):
            name = canonical or _BERTS[match[1].split("-")[0]]
            return Parsed(name, accepts=accepts or (name,))
    return None


def model_id(text: str) -> Parsed | None:
    cleaned = text.strip().strip("`*").removeprefix("https://huggingface.co/").strip("/")
    if _PLACEHOLDER.search(cleaned) or not _REPO_ID.match(cleaned):
        return None
    return Parsed(cleaned)


def dataset(text: str) -> Parsed | None:
    cleaned = re.sub(r"\s+datasets?$", "", text.strip().strip("`*"), flags=re.IGNORECASE).strip()
    if not cleaned or _PLACEHOLDER.search(cleaned) or len(cleaned) > 60 or not re.match(r"[A-Za-z]", cleaned):
        return None
    return Parsed(cleaned)


def license_name(text: str) -> Parsed | None:
    cleaned = text.strip().strip("*`[]().").lower()
    for pattern, license_id in LICENSES:
        if re.search(rf"(?<![\w.-])(?:{pattern})(?![\w.-])", cleaned):
            return Parsed(license_id)
    return None


def score(text: str) -> Parsed | None:
    """A benchmark number: '70.4', '**0.8744**', '66.6%'."""
    match = re.fullmatch(r"\s*\**\s*(-?\d+(?:\.\d+)?)\s*%?\s*\**\s*", text)
    return Parsed(float(match[1])) if match else None


def prose_text(text: str) -> Parsed | None:
    cleaned = " ".join(text.split()).strip()
    return None if not cleaned or _PLACEHOLDER.search(cleaned[:40]) and len(cleaned) < 40 else Parsed(cleaned)


PARSERS = {"count": count, "integer": integer, "tokens": tokens, "size": size, "quantization": quantization, "dtype": dtype,
           "architecture": architecture, "model_id": model_id, "dataset": dataset, "license": license_name, "score": score,
           "text": prose_text}
