"""What the HTTP service needs besides the database: where policies live, which server paths and URIs callers may name."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from litestar.di import NamedDependency

from engine.config import Settings
from engine.errors import Forbidden, NotFound, UsageError
from engine.files import require_regular_file
from engine.paths import POLICIES_DIR
from engine.storage import Location, as_location, check_uri, model_files, uri_prefixes
from engine.store.database import Lake

MAX_OFFSET = 1_000_000_000  # past any real page, inside Postgres' bigint
MAX_BODY_BYTES = 2_000_000  # a card is at most 1 MB (engine/cards YamlLimits); JSON around it doubles at worst


@dataclass(frozen=True)
class HttpConfig:
    policies_dir: Path = POLICIES_DIR
    # Callers may name weights or diff paths on the server only inside these directories.
    server_roots: tuple[Path, ...] = field(default_factory=tuple)
    max_body_bytes: int = MAX_BODY_BYTES
    # ... and URIs (s3://, http(s)://) only under these prefixes (MODELLAKE_ARTIFACT_URIS, which the workers read by too).
    uri_prefixes: tuple[str, ...] = field(default_factory=uri_prefixes)

    @classmethod
    def from_settings(cls, settings: Settings, environ: dict[str, str] | None = None) -> HttpConfig:
        """MODELLAKE_POLICIES (default policies/), MODELLAKE_SERVER_ROOTS (os.pathsep-separated; default MODELLAKE_HOME and the cwd)
        and MODELLAKE_ARTIFACT_URIS (comma-separated URI prefixes; default none)."""
        env = os.environ if environ is None else environ
        roots = [Path(p) for p in env.get("MODELLAKE_SERVER_ROOTS", "").split(os.pathsep) if p] or [settings.home, Path.cwd()]
        return cls(policies_dir=Path(env.get("MODELLAKE_POLICIES", POLICIES_DIR)), server_roots=tuple(p.resolve() for p in roots),
                   uri_prefixes=uri_prefixes(env))

    def check_location(self, location: str | Path) -> Location:
        """A path or file:// URI inside the server roots (check_server_path), or a URI under the prefixes (engine.storage.check_uri,
        the one URI check); Forbidden outside them, UsageError when malformed."""
        where = as_location(location)
        return self.check_server_path(where) if isinstance(where, Path) else check_uri(where, self.uri_prefixes)

    def check_server_path(self, path: Path | str) -> Path:
        """`path` resolved, if it exists inside an allowed root and so does every file under it that would be read;
        else Forbidden (callers must not read the server's other files, not even through a link in a model folder)."""
        try:
            resolved = Path(path).resolve()
            inside = self.inside_roots(resolved)
            exists = inside and resolved.exists()
        except (OSError, ValueError) as error:  # NUL bytes, names longer than the file system allows, link loops
            raise UsageError(f"{str(path)[:200]!r} is not a usable path on this server: {getattr(error, 'strerror', None) or error}") from None
        if not inside:
            raise Forbidden(f"{path} is outside the directories this server reads models from (MODELLAKE_SERVER_ROOTS)")
        if not exists:
            raise NotFound(f"{path} does not exist on the server")
        if not resolved.is_dir():
            require_regular_file(resolved, "model file")  # a FIFO or device is refused now, not queued for a job to trip over
        else:
            leaving = next((file for file in model_files(resolved) if not self.inside_roots(file.resolve())), None)
            if leaving is not None:
                raise Forbidden(f"{leaving} links outside the directories this server reads models from (MODELLAKE_SERVER_ROOTS)")
        return resolved

    def inside_roots(self, resolved: Path) -> bool:
        return any(resolved.is_relative_to(root) for root in self.server_roots)


# What handlers declare to receive the app's open lake and this config (provided once in create_app).
LakeDep = NamedDependency[Lake]
ConfigDep = NamedDependency[HttpConfig]
