"""Harnesses by name: the `modellake.harnesses` entry points, plus in-process registrations.

Installed packages declare `name = "module:Class"` under `[project.entry-points."modellake.harnesses"]`.
`registered_harness` adds one for the current process only (tests, embedding applications); because
the worker receives the resolved "module:Class" target, it needs no registry of its own.
"""
from __future__ import annotations

import importlib
from contextlib import contextmanager
from importlib.metadata import entry_points
from typing import Iterator

from engine.errors import UsageError
from engine.evals.harness import Harness

ENTRY_POINT_GROUP = "modellake.harnesses"
_process_harnesses: dict[str, str] = {}


def harness_targets() -> dict[str, str]:
    """name -> "module:Class" for every known harness; process registrations shadow entry points."""
    targets = {entry.name: entry.value for entry in entry_points(group=ENTRY_POINT_GROUP)}
    return targets | _process_harnesses


def harness_target(name: str) -> str:
    targets = harness_targets()
    if name not in targets:
        raise UsageError(f"no harness named {name!r}; installed: {', '.join(sorted(targets)) or 'none'}")
    return targets[name]


def load_harness_class(target: str) -> type[Harness]:
    """Import "module:Class" and check that it is a Harness."""
    module_name, _, attribute = target.partition(":")
    try:
        harness_class = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise UsageError(f"harness {target!r} cannot be loaded: {error}") from error
    if not (isinstance(harness_class, type) and issubclass(harness_class, Harness)):
        raise UsageError(f"harness {target!r} is not a subclass of engine.evals.harness.Harness")
    return harness_class


@contextmanager
def registered_harness(name: str, target: str) -> Iterator[None]:
    """Make `name` resolve to `target` in this process for the duration of the block."""
    previous = _process_harnesses.get(name)
    _process_harnesses[name] = target
    try:
        yield
    finally:
        if previous is None:
            _process_harnesses.pop(name)
        else:
            _process_harnesses[name] = previous
