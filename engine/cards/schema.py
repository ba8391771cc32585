"""Versioned card schemas: model_cards/schema/modelcard-v<N>.schema.json, picked by the card's schema_version."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from engine.cards.licenses import is_known_license
from engine.cards.yaml_source import JsonPath, LocatedDocument, dotted_path
from engine.errors import Problem
from engine.paths import SCHEMA_DIR

FORMAT_CHECKER = FormatChecker()


@FORMAT_CHECKER.checks("license-id", raises=())
def _is_license_id(value: object) -> bool:
    return not isinstance(value, str) or is_known_license(value)


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
    return Draft202012Validator(_schema(version), format_checker=FORMAT_CHECKER)


@cache
def fast_validator_for(version: str):
    """A compiled Rust validator of the same schema: answers "valid?" about 20x faster than jsonschema.

    Valid cards (the common case) never reach the slower validator; an invalid one is re-checked by it to
    word and locate every problem, and it has the last word.
    """
    return jsonschema_rs.Draft202012Validator(_schema(version), formats={"license-id": _is_license_id}, validate_formats=True)


def schema_problems(document: LocatedDocument, source: str) -> list[Problem]:
    """Every schema violation of a parsed card, located, in file order."""
    data = document.data
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
    problems = [_problem(document, source, tuple(error.absolute_path), _message(error)) for error in errors]
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.where))


def _most_specific(error: ValidationError) -> ValidationError:
    # oneOf/anyOf errors say "is not valid under any of the given schemas"; the best sub-error says why.
    return best_match(error.context) if error.context else error


def _message(error: ValidationError) -> str:
    if error.validator == "format" and error.validator_value == "license-id":
        return f"{error.instance!r} is not an SPDX license id or a Hugging Face license id (use 'other' with license_name and license_link)"
    return error.message


def _problem(document: LocatedDocument, source: str, path: JsonPath, message: str) -> Problem:
    position = document.locate(path)
    line, column = position if position else (None, None)
    return Problem(source, line, column, dotted_path(path) or "card", message)
