"""HTTP fixtures: the app over the test lake, one token per role, and a live uvicorn server on a free loopback port."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from litestar.testing import TestClient

from api.http import create_app
from api.http.config import HttpConfig
from engine.config import Settings
from engine.paths import POLICIES_DIR
from engine.tokens import ROLES, create_token

REPO = Path(__file__).resolve().parents[2]
USERS = {"submitter": "sam", "reviewer": "rita", "admin": "ada", "reader": "rex"}
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's; playwright drives it, it downloads no browser
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage", "--no-first-run"]


def tiny_card_yaml(name: str = "acme/tiny", version: str = "1.0", **extra: str) -> str:
    lines = ['schema_version: "1"', f"name: {name}", f'version: "{version}"', "owners:", "  - name: Jane", "license: mit"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def http_config(tmp_path: Path) -> HttpConfig:
    """A private copy of the policy packs (admins may change them) and server roots: the temp dir and the checkout."""
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES_DIR, policies)
    return HttpConfig(policies_dir=policies, server_roots=(tmp_path.resolve(), REPO))


@pytest.fixture
def app(lake, http_config, tmp_path):
    return create_app(Settings(home=tmp_path, database_url=lake.url), lake=lake, config=http_config)


@pytest.fixture
def tokens(lake) -> dict[str, str]:
    """role -> secret of a token acting as USERS[role]."""
    return {role: create_token(lake, name=USERS[role], role=role, by="test")[1] for role in ROLES}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    server: object
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start_server(app, **uvicorn_options) -> LiveServer:
    """uvicorn in a thread on a free loopback port; returns once /health answers."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **uvicorn_options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return LiveServer(url, server, thread)
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the test server did not start")


@pytest.fixture
def browser():
    """Headless Chromium for one test (its pages are closed with it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    server = start_server(app)
    yield server
    server.stop()


@contextlib.contextmanager
def serve_subprocess(database_url: str | None, home: Path, roots: Path):
    """`modellake serve` in its own process over `database_url` (None: its own embedded Postgres under `home`), on a free
    loopback port; stopped by its pid."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"MODELLAKE_HOME": str(home), "MODELLAKE_SERVER_ROOTS": str(roots)}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    process = subprocess.Popen([str(Path(sys.executable).parent / "modellake"), "serve", "--port", str(port)], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"modellake serve exited: {process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("modellake serve did not answer /health")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def demo_catalog(session_lake, tmp_path_factory):
    """The demo lake's catalog (tests/http/demo_catalog.py) in a database of its own, built once per session."""
    from tests.http.demo_catalog import build_demo_catalog

    lake = build_demo_catalog(session_lake, tmp_path_factory.mktemp("demo-home"))
    yield lake
    lake.dispose()


@pytest.fixture(scope="session")
def demo_tokens(demo_catalog) -> dict[str, str]:
    """role -> secret (as USERS[role]) on the demo catalog, and "own": a reviewer who submitted the oldest queued card."""
    from engine.governance.stored_reviews import review_queue

    secrets = {role: create_token(demo_catalog, name=USERS[role], role=role, by="test")[1] for role in ROLES}
    submitter = review_queue(demo_catalog, limit=1)["items"][0]["submitted_by"]
    return secrets | {"own": create_token(demo_catalog, name=submitter, role="reviewer", by="test")[1]}


@pytest.fixture(scope="session")
def demo_app(demo_catalog, tmp_path_factory):
    home = tmp_path_factory.mktemp("demo-app")
    shutil.copytree(POLICIES_DIR, home / "policies")
    config = HttpConfig(policies_dir=home / "policies", server_roots=(home.resolve(), REPO))
    return create_app(Settings(home=home, database_url=demo_catalog.url), lake=demo_catalog, config=config)


@pytest.fixture(scope="session")
def demo_server(demo_app):
    server = start_server(demo_app)
    yield server
    server.stop()
