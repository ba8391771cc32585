"""HTML audit report from templates/report.html.j2 (autoescaped); the PDF is this page printed."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from engine.policy.severity import rank

TEMPLATES = Path(__file__).parent / "templates"
# what a reader needs first: failures, then what could not be checked, then the rest
ORDER = {"fail": 0, "error": 1, "warn": 2, "unverified": 3, "not_applicable": 4, "pass": 5}


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    environment.filters["value"] = lambda value: "" if value is None else json.dumps(value, default=str) if isinstance(value, (dict, list)) else str(value)
    return environment


def render_html(review) -> str:
    findings = sorted(review.reported, key=lambda f: (ORDER[f.outcome], -rank(f.severity), f.rule_id))
    unchecked = sorted(review.unverified(), key=lambda f: (-rank(f.severity), f.rule_id))
    return _environment().get_template("report.html.j2").render(review=review, findings=findings, unchecked=unchecked, counts=review.counts())
