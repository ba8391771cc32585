"""JSON report: the Review exactly as Review.to_dict gives it."""
from __future__ import annotations

import json


def render_json(review) -> str:
    return json.dumps(review.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
