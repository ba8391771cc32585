"""Cerberus validation of policy and waiver files, with every problem located at its file:line:col."""
from __future__ import annotations

import datetime as dt
import re

import cerberus

from engine.cards.yaml_source import JsonPath, LocatedDocument, dotted_path
from engine.errors import Problem
from engine.policy.messages import template_problem
from engine.policy.paths import parse_path


class PolicyValidator(cerberus.Validator):
    """Cerberus with the checks policy text needs: paths, regular expressions, dates, message templates."""

    def _check_with_path(self, field, value):
        try:
            parse_path(value)
        except ValueError as error:
            self._error(field, str(error))

    def _check_with_regex(self, field, value):
        try:
            re.compile(value)
        except re.error as error:
            self._error(field, f"invalid regular expression: {error}")

    def _check_with_date(self, field, value):
        try:
            dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            self._error(field, f"{value!r} is not an ISO date (YYYY-MM-DD)")

    def _check_with_template(self, field, value):
        problem = template_problem(value)
        if problem:
            self._error(field, problem)


def located_problems(schema: dict, data: object, document: LocatedDocument, source: str, base: JsonPath = ()) -> list[Problem]:
    """Validate `data` (found at `base` in `document`) against a cerberus schema; one Problem per error."""
    if not isinstance(data, dict):
        return [problem_at(document, source, base, "must be a mapping")]
    validator = PolicyValidator(schema)
    if validator.validate(data):
        return []
    return [problem_at(document, source, base + path, message) for path, message in _flatten(validator.errors)]


def problem_at(document: LocatedDocument, source: str, path: JsonPath, message: str) -> Problem:
    position = document.locate(path)
    line, column = position if position else (None, None)
    return Problem(source, line, column, dotted_path(path), message)


def _flatten(errors: dict, path: JsonPath = ()):
    """Cerberus's nested {field: [message | {child: [...]}]} -> (path, message) pairs, in document order."""
    for key, items in errors.items():
        for item in items:
            if isinstance(item, dict):
                yield from _flatten(item, path + (key,))
            else:
                yield path + (key,), item
