"""Renderers of a Review, one per file; this table names them. Renderers only render: the Review decided.

Each renderer module is imported when its format is asked for, so `--format json` never loads weasyprint.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from engine.errors import UsageError


@dataclass(frozen=True)
class ReportFormat:
    name: str
    extension: str
    renderer: str  # "module:function", function(review) -> str | bytes
    description: str
    media_type: str  # what the HTTP API serves it as


REPORT_FORMATS = {fmt.name: fmt for fmt in (
    ReportFormat("json", "json", "engine.reports.json_report:render_json", "the Review as JSON (Review.to_dict)", "application/json"),
    ReportFormat("sarif", "sarif", "engine.reports.sarif:render_sarif", "SARIF 2.1.0 for code scanning; waivers become suppressions", "application/sarif+json"),
    ReportFormat("junit", "junit.xml", "engine.reports.junit:render_junit", "JUnit XML, one test case per rule x model", "application/xml"),
    ReportFormat("md", "md", "engine.reports.markdown:render_markdown", "Markdown summary for pull-request comments", "text/markdown"),
    ReportFormat("html", "html", "engine.reports.html:render_html", "self-contained HTML audit report", "text/html"),
    ReportFormat("pdf", "pdf", "engine.reports.pdf:render_pdf", "PDF audit report (the HTML report via weasyprint)", "application/pdf"),
)}


def parse_formats(text: str) -> list[ReportFormat]:
    """'json,sarif' -> the formats, in the order given; unknown names are a UsageError."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in REPORT_FORMATS]
    if unknown:
        raise UsageError(f"unknown report format {unknown[0]!r}; choose from {', '.join(REPORT_FORMATS)}")
    return [REPORT_FORMATS[name] for name in dict.fromkeys(names)]


def render_report(review, fmt: ReportFormat) -> str | bytes:
    module, _, function = fmt.renderer.partition(":")
    return getattr(importlib.import_module(module), function)(review)
