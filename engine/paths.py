"""Where the project's data directories live (schemas, policies, prompts), resolved from the checkout."""
from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = PROJECT_ROOT / "model_cards" / "schema"
POLICIES_DIR = PROJECT_ROOT / "policies"
PROMPTS_DIR = PROJECT_ROOT / "prompts"
EXAMPLES_DIR = PROJECT_ROOT / "examples"
