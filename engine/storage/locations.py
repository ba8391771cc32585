"""How a model location is spelled and which ones this process may read.

A location is a local `Path` or a URI string. `file://` URIs are local paths. Remote URIs are read only under the prefixes
MODELLAKE_ARTIFACT_URIS names (comma-separated, e.g. `s3://models/,https://files.example.org/models/`): the CLI and the
workers leave any other URI unread, and the server refuses it (403), as it refuses paths outside MODELLAKE_SERVER_ROOTS.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from engine.errors import Forbidden, UsageError

SCHEMES = ("file", "http", "https", "s3")
DEFAULT_BLOCK_BYTES = 64 * 1024  # the first ranged read of a header: most safetensors headers fit, a GGUF header grows from it
ARTIFACT_URIS = "MODELLAKE_ARTIFACT_URIS"
BLOCK_VARIABLE = "MODELLAKE_READ_BLOCK_BYTES"

Location = Path | str  # a local path, or a remote URI


def is_uri(text: str | Path) -> bool:
    return isinstance(text, str) and "://" in text


def as_location(text: str | Path) -> Location:
    """A path stays a path (so does a file:// URI, which names one); any other URI stays text, checked."""
    if isinstance(text, Path) or not is_uri(text):
        return Path(text)
    scheme = _check_form(text)
    return Path(unquote(urlsplit(text).path)) if scheme == "file" else text


def _check_form(uri: str) -> str:
    """The scheme of a well-formed URI; UsageError naming what is wrong otherwise."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UsageError(f"{uri[:200]}: {scheme}:// is not a scheme the lake reads model files over ({', '.join(SCHEMES)})")
    if parts.username is not None or parts.password is not None:
        raise UsageError(f"{parts.scheme}://{parts.hostname}/...: credentials in a URI are refused (they would be stored with the card); "
                         "give them to the server's environment (AWS_* variables for S3)")
    if scheme != "file" and not parts.hostname:
        raise UsageError(f"{uri[:200]}: the URI names no bucket or host")
    if any(segment in (".", "..") for segment in unquote(parts.path).split("/")):
        raise UsageError(f"{uri[:200]}: '..' or '.' path segments are refused (a prefix check must see the path that is read)")
    return scheme


def uri_prefixes(environ: dict[str, str] | None = None) -> tuple[str, ...]:
    """The remote URI prefixes this process reads model files from (MODELLAKE_ARTIFACT_URIS), each ending in '/'."""
    env = os.environ if environ is None else environ
    return tuple(prefix if prefix.endswith("/") else prefix + "/" for prefix in (p.strip() for p in env.get(ARTIFACT_URIS, "").split(",")) if prefix)


def read_block_bytes(environ: dict[str, str] | None = None) -> int:
    """The first ranged read of each header (MODELLAKE_READ_BLOCK_BYTES, default 64 KiB; at least 16)."""
    env = os.environ if environ is None else environ
    text = env.get(BLOCK_VARIABLE, "")
    try:
        value = int(text) if text else DEFAULT_BLOCK_BYTES
    except ValueError:
        raise UsageError(f"{BLOCK_VARIABLE}={text[:40]!r} is not a number of bytes") from None
    return max(16, value)


def _under(uri: str, prefix: str) -> bool:
    """`uri` is `prefix` itself or below it, matched at a '/' (s3://models/ does not cover s3://models-evil/); scheme and host
    compared without case, the path exactly."""
    a, b = urlsplit(uri), urlsplit(prefix)
    if (a.scheme.lower(), (a.netloc or "").lower()) != (b.scheme.lower(), (b.netloc or "").lower()):
        return False
    path, base = a.path or "/", b.path or "/"
    return (path if path.endswith("/") else path + "/").startswith(base)


def check_uri(uri: str, prefixes: tuple[str, ...]) -> str:
    """`uri` if it is well formed and under one of `prefixes`; UsageError when malformed, Forbidden when outside them."""
    _check_form(uri)
    if not any(_under(uri, prefix) for prefix in prefixes):
        raise Forbidden(f"{uri} is outside the URI prefixes this server reads model files from ({ARTIFACT_URIS}: {_listing(prefixes)})")
    return uri


def unread_reason(uri: str, prefixes: tuple[str, ...] | None = None) -> str | None:
    """None when this process reads `uri` (a remote URI under MODELLAKE_ARTIFACT_URIS); else why it is left unread."""
    _check_form(uri)
    prefixes = uri_prefixes() if prefixes is None else prefixes
    if any(_under(uri, prefix) for prefix in prefixes):
        return None
    return f"not inside the URI prefixes this lake reads model files from ({ARTIFACT_URIS}: {_listing(prefixes)})"


def _listing(prefixes: tuple[str, ...]) -> str:
    return ", ".join(prefixes) if prefixes else "none"
