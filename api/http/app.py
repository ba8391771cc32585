"""The Litestar application: JSON API routes, the web UI, token authentication, problem responses, OpenAPI at /schema."""
from __future__ import annotations

from pathlib import Path

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from api.http.auth import TokenAuthentication, require_permission
from api.http.config import HttpConfig
from api.http.problems import EXCEPTION_HANDLERS
from api.http.requests import LakeRequest
from api.http.routes import datasets, discovery, models, policies, reviews, service
from engine.config import Settings, load_settings
from engine.store.database import Lake, open_lake

HERE = Path(__file__).parent
API_ROUTE_MODULES = [models, reviews, policies, datasets, discovery, service]


def create_app(settings: Settings | None = None, *, lake: Lake | None = None, config: HttpConfig | None = None) -> Litestar:
    """The app for `settings` (database from DATABASE_URL or embedded); pass `lake` to reuse an open one."""
    from api.http import ui

    settings = settings or load_settings()
    owns_lake = lake is None
    lake = lake or open_lake(settings)
    config = config or HttpConfig.from_settings(settings)
    api = Router(path="/", route_handlers=[handler for module in API_ROUTE_MODULES for handler in module.ROUTES], guards=[require_permission])
    web = Router(path="/ui", route_handlers=ui.ROUTES, guards=[require_permission], include_in_schema=False)
    return Litestar(
        route_handlers=[api, web, ui.home, create_static_files_router(path="/static", directories=[HERE / "static"], include_in_schema=False,
                                                                       opt={"exclude_from_auth": True})],
        state=State({"lake": lake, "config": config}),
        dependencies={"lake": Provide(lambda: lake, use_cache=True, sync_to_thread=False),
                      "config": Provide(lambda: config, use_cache=True, sync_to_thread=False)},
        middleware=[DefineMiddleware(TokenAuthentication, exclude=["^/schema"])],
        exception_handlers=EXCEPTION_HANDLERS,
        request_class=LakeRequest,
        request_max_body_size=config.max_body_bytes,
        template_config=TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine, engine_callback=add_template_helpers),
        openapi_config=OpenAPIConfig(title="Model Lake", version="1", path="/schema",
                                     components=Components(security_schemes={"token": SecurityScheme(type="http", scheme="bearer")}),
                                     security=[{"token": []}],
                                     # JSON and YAML only: the HTML viewers load their scripts from CDNs, and the lake runs offline
                                     render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"]), YamlRenderPlugin()]),
        on_shutdown=[lake.dispose] if owns_lake else [],
    )


def add_template_helpers(engine: JinjaTemplateEngine) -> None:
    """What the review page's templates need to show values: digests shortened, numbers grouped by thousands."""
    from api.http.review_view import digest_parts, is_digest, short_digest

    engine.engine.filters["short_digest"] = short_digest
    engine.engine.filters["digest_parts"] = digest_parts
    engine.engine.filters["number"] = lambda value: f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value
    engine.engine.tests["digest"] = is_digest


def serve(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn until interrupted; an embedded Postgres is supervised (restarted when it dies)."""
    import uvicorn

    settings = settings or load_settings()
    app = create_app(settings)
    supervisor = None
    if settings.database_url is None:
        from engine.store.supervisor import PostgresSupervisor

        supervisor = PostgresSupervisor(settings.pgdata).start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        if supervisor is not None:
            supervisor.stop()
