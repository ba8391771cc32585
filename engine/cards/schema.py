"""Versioned card schemas: model_cards/schema/modelcard-v<N>.schema.json, picked by the card's schema_version.

Two validators read the same schema: jsonschema-rs answers "valid?" fast, python-jsonschema words and locates the
problems. They must agree, so what the two engines would do differently is defined here once: the formats (one
Python function per format, given to both) and `pattern`, which JSON Schema writes in ECMA-262, where `$` is the end
of the text; Python's `re` also lets `$` match before a final newline, so "name\n" would pass for Python alone.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError, best_match

from engine.cards.licenses import is_known_license
from engine.cards.yaml_source import JsonPath, LocatedDocument, YamlLimits, dotted_path
from engine.errors import Problem
from engine.paths import SCHEMA_DIR
from engine.storable import unstorable

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL_NAMES = {"\n": "a newline", "\r": "a carriage return", "\t": "a tab", "\x00": "NUL", "\x1b": "an escape", "\x7f": "DEL"}


def _is_license_id(value: object) -> bool:
    return not isinstance(value, str) or is_known_license(value)


def _is_email(value: object) -> bool:
    return not isinstance(value, str) or re.fullmatch(r"[^@\s]+@[^@\s]+", value) is not None


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return not isinstance(value, str)
    try:
        dt.date.fromisoformat(value)  # calendar check: 2026-02-30 and year 0 fail
    except ValueError:
        return False
    return True


# format -> check, the same function for both validators
FORMATS = {"license-id": _is_license_id, "email": _is_email, "date": _is_date}
FORMAT_CHECKER = FormatChecker(formats=())
for _name, _check in FORMATS.items():
    FORMAT_CHECKER.checks(_name)(_check)


@lru_cache(maxsize=256)
def ecma_regex(pattern: str) -> re.Pattern:
    """A schema pattern compiled with ECMA-262's `$` (end of the text only): every unescaped `$` outside a class becomes `\\Z`."""
    out, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
    return re.compile("".join(out))


def _pattern(validator, pattern: str, instance: object, schema: dict):
    if validator.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


CardValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})


def available_versions(schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """Schema versions shipped, e.g. ['1']."""
    return sorted(path.name.removeprefix("modelcard-v").removesuffix(".schema.json") for path in schema_dir.glob("modelcard-v*.schema.json"))


@cache
def _schema(version: str) -> dict:
    schema = json.loads((SCHEMA_DIR / f"modelcard-v{version}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def validator_for(version: str) -> Draft202012Validator:
    """The validator whose errors we report (jsonschema: precise messages and paths)."""
    return CardValidator(_schema(version), format_checker=FORMAT_CHECKER)


@cache
def fast_validator_for(version: str):
    """A compiled Rust validator of the same schema: answers "valid?" about 20x faster than jsonschema.

    Valid cards (the common case) never reach the slower validator; an invalid one is re-checked by it to
    word and locate every problem, and it has the last word.
    """
    return jsonschema_rs.Draft202012Validator(_schema(version), formats=FORMATS, validate_formats=True)


def schema_problems(document: LocatedDocument, source: str, limits: YamlLimits | None = YamlLimits()) -> list[Problem]:
    """Every schema violation of a parsed card, located, in file order; first anything the store could not hold.
    `limits`: the nesting and size bounds, for data that did not come through the YAML loader (which bounds its own)."""
    data = document.data
    bounds = {"max_depth": limits.max_depth, "max_nodes": limits.max_nodes} if limits else {}
    stored = [_problem(document, source, path, why) for path, why in unstorable(data, **bounds)]
    if stored:
        return stored
    if not isinstance(data, dict):
        return [_problem(document, source, (), f"a card is a mapping of fields, not {type(data).__name__}")]
    version = data.get("schema_version")
    versions = available_versions()
    if str(version) not in versions:
        message = f"unknown schema_version {version!r}; known: {', '.join(map(repr, versions))}" if version is not None else "'schema_version' is a required property"
        return [_problem(document, source, ("schema_version",) if version is not None else (), message)]
    if not isinstance(version, str):
        return [_problem(document, source, ("schema_version",), f"{version!r} is not of type 'string' (write schema_version: \"{version}\")")]
    if fast_validator_for(version).is_valid(data):
        return []
    errors = [_most_specific(error) for error in validator_for(version).iter_errors(data)]
    problems = [_problem(document, source, _error_path(error), _message(error)) for error in errors]
    # Fail closed: should the engines ever disagree, the card is refused rather than let through by the lenient one.
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.where)) or [
        _problem(document, source, (), "the card does not match the schema (the fast validator refuses it; please report this card)")]


def _most_specific(error: ValidationError) -> ValidationError:
    # oneOf/anyOf errors say "is not valid under any of the given schemas"; the best sub-error says why.
    return best_match(error.context) if error.context else error


def _error_path(error: ValidationError) -> JsonPath:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        # point at the first unexpected key itself, not at the mapping holding it
        allowed = set(error.schema.get("properties", {}))
        extra = next((key for key in error.instance if key not in allowed), None)
        return path + (extra,) if extra is not None else path
    return path


def _message(error: ValidationError) -> str:
    instance = error.instance
    if error.validator == "format" and error.validator_value == "license-id":
        return f"{instance!r} is not an SPDX license id or a Hugging Face license id (use 'other' with license_name and license_link)"
    if error.validator == "format" and error.validator_value == "date":
        return f"{instance!r} is not a calendar date YYYY-MM-DD"
    if error.validator == "pattern" and isinstance(instance, str):
        control = next((char for char in instance if unicodedata.category(char) == "Cc"), None)
        if control is not None:
            name = _CONTROL_NAMES.get(control, "a control character")
            return f"{instance[:60]!r} holds U+{ord(control):04X} ({name}), which this field does not allow (one-line fields hold no control characters)"
    if error.validator == "type" and "string" in _as_list(error.validator_value) and isinstance(instance, (bool, int, float)):
        read_as = "yes/no/on/off/true/false as a boolean" if isinstance(instance, bool) else "numbers as numbers (1.10 becomes 1.1)"
        return f"{error.message} (YAML reads unquoted {read_as}: quote the value)"
    return error.message


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def _problem(document: LocatedDocument, source: str, path: JsonPath, message: str) -> Problem:
    position = document.locate(path)
    line, column = position if position else (None, None)
    return Problem(source, line, column, dotted_path(path) or "card", message)
