"""PDF audit report: the HTML report rendered by weasyprint (imported here only, it is slow to load)."""
from __future__ import annotations

from engine.reports.html import render_html


def render_pdf(review) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(review)).write_pdf()
