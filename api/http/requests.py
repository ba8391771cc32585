"""The request class of the app: JSON bodies are JSON (by content type) and shallow enough to walk.

Litestar decodes any body as JSON whatever its content type, and msgspec's decoder recurses: a body nested 10,000
deep raised RecursionError (a 500). Both are refused here, for every route, before a handler sees the body.
"""
from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException, HTTPException

MAX_JSON_DEPTH = 100  # a card may nest 64 levels (engine.cards.YamlLimits); the request around it adds a few


class LakeRequest(Request):
    async def json(self) -> Any:
        media_type = self.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise HTTPException(status_code=415, detail=f"the body must be JSON: send Content-Type: application/json, not {media_type or 'nothing'}")
        try:
            data = await super().json()
        except RecursionError:
            raise ClientException(detail=f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels") from None
        if _depth_exceeds(data, MAX_JSON_DEPTH):
            raise ClientException(detail=f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels")
        return data


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False
