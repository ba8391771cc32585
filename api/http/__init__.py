"""The HTTP door: a Litestar app (JSON API + server-rendered web UI) over the same engine as the CLI."""
from api.http.app import create_app, serve

__all__ = ["create_app", "serve"]
