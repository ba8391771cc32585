"""The built-in harnesses, registered as `modellake.harnesses` entry points in pyproject.toml."""
