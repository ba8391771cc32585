"""`modellake demo`: build the demo lake (idempotently, examples/build_lake.py) and serve it on localhost."""
from __future__ import annotations

import sys

import click

from api.cli._output import console
from engine.errors import UsageError

VISITOR = "demo-visitor"  # the person the printed token acts as (a reviewer: may read and decide)
EXAMPLE_QUESTIONS = (
    "approved sentence similarity models",
    "legal models with accuracy above 0.9",
    "which models were rejected and why?",
    "quantized text generation models under 200M parameters",
)


@click.command()
@click.option("--no-serve", is_flag=True, help="Build the lake and stop (no web server).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port.")
@click.option("--no-synthetic", is_flag=True, help="Only the real models and planted problems, not the 170 synthetic cards.")
def demo(no_serve: bool, host: str, port: int, no_synthetic: bool) -> None:
    """Build the demo lake (real models, derived family, planted problems, synthetic cards) and serve it."""
    from engine.config import load_settings
    from engine.store.database import open_lake
    from engine.tokens import create_token

    build_with_progress = _demo_builder()
    settings = load_settings()
    lake = open_lake(settings)
    try:
        report = build_with_progress(lake, settings.home, synthetic=not no_synthetic)
        token = None if no_serve else create_token(lake, name=VISITOR, role="reviewer", by="modellake demo")[1]
    finally:
        lake.dispose()
    console.print(f"demo lake ready: {report.cards} cards ({len(report.created)} new, {len(report.unchanged)} already there); "
                  f"weights under {settings.home / 'models'}", markup=False)
    console.print(f"planted problems: {', '.join(f'{ref} -> {rule}' for ref, rule in report.planted.items())}", markup=False)
    if no_serve:
        return
    from api.http import serve

    console.print(f"serving the lake at http://{host}:{port}/ui  (Ctrl-C to stop)", markup=False)
    console.print(f"log in with this reviewer token for {VISITOR} (shown once, stored hashed): {token}", markup=False)
    console.print("try asking, in the chat or on the command line:", markup=False)
    for question in EXAMPLE_QUESTIONS:
        console.print(f'  modellake ask "{question}"', markup=False)
    serve(settings, host, port)


def _demo_builder():
    """examples/ sits next to engine/ in the checkout but is not an installed package: import it from there."""
    from engine.paths import EXAMPLES_DIR, PROJECT_ROOT

    if not (EXAMPLES_DIR / "build_lake.py").is_file():
        raise UsageError(f"the demo runs from a Model Lake checkout; {EXAMPLES_DIR / 'build_lake.py'} does not exist")
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.append(str(PROJECT_ROOT))
    from examples.build_lake import build_with_progress

    return build_with_progress


COMMANDS = [demo]
