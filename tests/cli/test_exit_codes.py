"""One exit-code table for the whole CLI (api/cli/_errors.py), checked on every registered command.

The test walks every click command (subcommands of groups included). Each one may exit 0 (ok) and 2 (usage or tool
error); a command that declares a validation or policy failure (`exits_1_when`) may also exit 1. For every command and
every code it may give there is one real case below that must give exactly that code, and docs/cli.md must list the
command, the table, and an "exit 1" for precisely the commands that declare one.
"""
from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from api.cli import main
from api.cli._errors import EXIT_CODES, command_exit_codes
from engine.search.embeddings import text_model_dir
from tests.conftest import REPO

EXAMPLE = str(REPO / "model_cards" / "acme-contract-summarizer.yaml")
VIOLATING = str(REPO / "tests" / "policy" / "data" / "violating-card.yaml")
INVALID_CARD = 'schema_version: "1"\nname: x\nversion: 1\nowners: []\nlicense: mit\n'
RERUN_CARD = """\
schema_version: "1"
name: acme/review-probe
version: "1.0.0"
owners: [{name: Test}]
license: apache-2.0
artifacts: [{path: weights/model.safetensors}]
evaluations:
  - {dataset: modellake/reviews, split: test, metric: accuracy, value: VALUE, samples: 80, harness: {name: HARNESS, args: {value: 0.78, samples: 80}}}
"""


def leaf_commands(group: click.Group = main, prefix: str = "") -> dict[str, click.Command]:
    """'token create' -> its command, for every command a user can run."""
    found = {}
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        found |= leaf_commands(command, f"{path} ") if isinstance(command, click.Group) else {path: command}
    return found


@dataclass
class Setup:
    """What a case may use: a temp folder, the test lake (only when it asks for it), blocks that stay open during the run."""

    tmp: Path
    request: pytest.FixtureRequest
    stack: contextlib.ExitStack

    @property
    def lake(self):
        return self.request.getfixturevalue("lake_env")

    def write(self, name: str, text: str) -> str:
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return str(path)

    def stored(self, ref_card: str = EXAMPLE, by: str = "sam") -> str:
        """Submit a card straight through the engine (no evidence: no case here needs facts); returns its ref."""
        from engine.cards import load_card
        from engine.governance.submission import submit

        return submit(self.lake, load_card(ref_card), submitted_by=by).ref

    def rerun_card(self, value: float, harness: str = "echo") -> str:
        from engine.evals import registered_harness
        from tests.evals.cards import FIXTURES

        import numpy as np

        from tests.facts.conftest import write_safetensors

        (self.tmp / "weights").mkdir(exist_ok=True)  # real, scannable weights: a rerun never loads files its scan could not read
        write_safetensors(self.tmp / "weights" / "model.safetensors", {"w": np.zeros((2, 2), dtype=np.float32)})
        self.stored(self.write("rerun.yaml", RERUN_CARD.replace("VALUE", str(value)).replace("HARNESS", harness)))
        self.stack.enter_context(registered_harness("echo", f"{FIXTURES}:EchoHarness"))
        return "acme/review-probe"

    def safetensors(self) -> str:
        import numpy as np

        from tests.facts.conftest import write_safetensors

        return str(write_safetensors(self.tmp / "model.safetensors", {"w": np.zeros((2, 2), dtype=np.float32)}))

    def audit_history(self) -> str:
        """Two audited changes (token creations); returns the first token's id."""
        from engine.tokens import create_token

        first, _ = create_token(self.lake, name="rita", role="reviewer", by="test")
        create_token(self.lake, name="sam", role="submitter", by="test")
        return str(first)


def _tamper(s: Setup) -> list[str]:
    from tests.http.test_audit import tamper

    s.audit_history()
    tamper(s.lake, "DELETE FROM audit_log WHERE seq = 1")
    return ["audit-log", "verify"]


def _evil_pickle(s: Setup) -> list[str]:
    from tests.facts.test_pickles import evil_pickle

    path = s.tmp / "model.pkl"
    path.write_bytes(evil_pickle(s.tmp / "canary"))
    return ["inspect", str(path)]


def _serve_until_stopped(s: Setup) -> int:
    """`modellake serve` in its own process: answers /health, then exits 0 when asked to stop."""
    from tests.http.conftest import serve_subprocess

    s.lake  # noqa: B018 - the server uses the test database
    with serve_subprocess(s.lake.url, s.tmp, s.tmp) as url:
        import httpx

        assert httpx.get(f"{url}/health", timeout=5).status_code == 200
    return 0


# command -> {exit code: a function of Setup giving the arguments (or running the case itself and giving its exit code)}
CASES = {
    "init": {0: lambda s: (s.lake, ["init"])[1], 2: lambda s: ["init", "--bogus"]},
    "validate": {0: lambda s: ["validate", EXAMPLE], 1: lambda s: ["validate", s.write("bad.yaml", INVALID_CARD)],
                 2: lambda s: ["validate", str(s.tmp / "missing.yaml")]},
    "submit": {0: lambda s: (s.lake, ["submit", EXAMPLE])[1], 1: lambda s: (s.lake, ["submit", EXAMPLE, "--fail-on", "high"])[1],
               2: lambda s: ["submit", str(s.tmp / "missing.yaml")]},
    "list": {0: lambda s: (s.lake, ["list", "--json"])[1], 2: lambda s: ["list", "--bogus"]},
    "show": {0: lambda s: ["show", s.stored(), "--json"], 2: lambda s: (s.lake, ["show", "nobody@1"])[1]},
    "inspect": {0: lambda s: ["inspect", s.safetensors()], 1: _evil_pickle, 2: lambda s: ["inspect", str(s.tmp / "missing")]},
    "import-hf": {0: lambda s: ["import-hf", str(text_model_dir() / "README.md"), "--out", str(s.tmp)],
                  1: lambda s: ["import-hf", s.write("README.md", "---\nlicense: mit\ntags: [a\n---\n"), "--out", str(s.tmp)],
                  2: lambda s: ["import-hf", str(s.tmp / "missing.md")]},
    "review": {0: lambda s: ["review", s.stored(by="sam"), "--approve", "-m", "fine", "--by", "rita"],
               2: lambda s: ["review", s.stored(by="sam"), "--approve", "-m", "mine", "--by", "sam"]},  # separation of duties
    "rerun": {0: lambda s: ["rerun", s.rerun_card(0.78), "--no-progress"], 1: lambda s: ["rerun", s.rerun_card(0.95), "--no-progress"],
              2: lambda s: ["rerun", s.rerun_card(0.78, harness="nowhere"), "--no-progress"]},
    "audit": {0: lambda s: ["audit", EXAMPLE, "--fail-on", "critical", "--allow-unverified"],
              1: lambda s: ["audit", VIOLATING, "--as-of", "2026-06-01"], 2: lambda s: ["audit", VIOLATING, "--format", "json,sarif"]},
    "policies": {0: lambda s: ["policies", "--json"],
                 2: lambda s: ["policies", "--policies", str(Path(s.write("p/bad.yaml", "pack: bad\nrules: 3\n")).parent)]},
    "export-bom": {0: lambda s: ["export-bom", EXAMPLE, "--out", str(s.tmp / "bom.json")], 1: lambda s: ["export-bom", s.write("bad.yaml", INVALID_CARD)],
                   2: lambda s: ["export-bom", "acme/stored", "--weights", EXAMPLE]},
    "lineage": {0: lambda s: ["lineage", s.stored(), "--json"], 2: lambda s: (s.lake, ["lineage", "nobody", "--json"])[1]},
    "diff": {0: lambda s: ["diff", s.safetensors(), s.safetensors(), "--json"], 2: lambda s: (s.lake, ["diff", "nobody@1", "nobody@2"])[1]},
    "search": {0: lambda s: (s.lake, ["search", "contract summaries", "--json"])[1],
               2: lambda s: (s.lake, ["search", "--filter", "license"])[1]},
    "ask": {0: lambda s: (s.lake, ["ask", "approved models", "--json"])[1], 2: lambda s: ["ask"]},
    # the demo's success builds every real model (minutes of CPU): tests/demo/test_demo_lake.py runs that build; here, its help
    "demo": {0: lambda s: ["demo", "--help"], 2: lambda s: ["demo", "--port", "eighty"]},
    "serve": {0: _serve_until_stopped, 2: lambda s: ["serve", "--port", "eighty"]},
    # a worker runs until it is signalled: tests/jobs runs real workers and stops them; here, its help
    "worker": {0: lambda s: ["worker", "--help"], 2: lambda s: ["worker", "--concurrency", "many"]},
    "jobs": {0: lambda s: (s.lake, ["jobs", "--json"])[1], 2: lambda s: ["jobs", "--state", "sleeping"]},
    "token create": {0: lambda s: (s.lake, ["token", "create", "--role", "reader", "--name", "rex", "--json"])[1],
                     2: lambda s: ["token", "create", "--role", "root", "--name", "x"]},
    "token list": {0: lambda s: (s.lake, ["token", "list", "--json"])[1], 2: lambda s: ["token", "list", "--bogus"]},
    "token revoke": {0: lambda s: ["token", "revoke", s.audit_history(), "--json"],
                     2: lambda s: (s.lake, ["token", "revoke", "999"])[1]},
    "audit-log verify": {0: lambda s: (s.audit_history(), ["audit-log", "verify", "--json"])[1], 1: _tamper,
                         2: lambda s: ["audit-log", "verify", "--bogus"]},
    "dataset add": {0: lambda s: (s.lake, ["dataset", "add", "acme/sentiment", s.write("sentiment.jsonl", '{"text": "good", "label": "positive", "split": "test"}\n'),
                                           "--license", "cc-by-4.0", "--json"])[1],
                    2: lambda s: (s.lake, ["dataset", "add", "acme/sentiment", s.write("empty.jsonl", ""), "--license", "mit"])[1]},
    "dataset list": {0: lambda s: (s.lake, ["dataset", "list", "--json"])[1], 2: lambda s: ["dataset", "list", "--bogus"]},
    "audit-log show": {0: lambda s: (s.lake, ["audit-log", "show", "--json"])[1], 2: lambda s: ["audit-log", "show", "--limit", "many"]},
}


def test_every_command_has_a_case_for_every_exit_code_it_may_give():
    commands = leaf_commands()
    assert sorted(CASES) == sorted(commands)
    assert {path: sorted(CASES[path]) for path in commands} == {path: sorted(command_exit_codes(command)) for path, command in commands.items()}


@pytest.mark.parametrize(("path", "code"), [(path, code) for path, cases in CASES.items() for code in cases])
def test_exit_code(path, code, tmp_path, request, monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "200")
    with contextlib.ExitStack() as stack:
        arranged = CASES[path][code](Setup(tmp_path, request, stack))
        if isinstance(arranged, int):
            assert arranged == code
            return
        result = CliRunner().invoke(main, arranged)
    assert result.exit_code == code, f"{arranged}: {result.output}{result.exception!r}"
    if code == 2 and "--bogus" not in arranged:  # a tool error names its problem on stderr, never a traceback
        assert result.stderr.strip() and "Traceback" not in result.output


def test_version():
    from importlib.metadata import version

    result = subprocess.run([sys.executable, "-m", "api.cli", "--version"], capture_output=True, text=True, cwd=REPO)
    assert (result.returncode, result.stdout.strip()) == (0, f"modellake, version {version('modellake')}")


def test_json_is_the_one_json_switch():
    """Every command that prints data takes --json; no command offers JSON through another option."""
    prints_no_data = {"serve": "runs the server", "demo": "builds and serves the demo", "worker": "runs jobs until stopped",
                      "export-bom": "always writes CycloneDX JSON"}
    missing, other = [], []
    for path, command in leaf_commands().items():
        names = {option for param in command.params for option in getattr(param, "opts", [])}
        if "--json" not in names and path not in prints_no_data:
            missing.append(path)
        for param in command.params:
            if isinstance(param.type, click.Choice) and "json" in param.type.choices:
                other.append(f"{path} {param.opts[0]}")
    assert (missing, other) == ([], [])


def documented_rows() -> dict[str, str]:
    text = (REPO / "docs" / "cli.md").read_text()
    return {match.group(1): match.group(0) for match in re.finditer(r"^\| `modellake ([a-z-]+(?: [a-z-]+)?)\b[^\n]*", text, re.M)}


def test_docs_list_every_command_its_exit_codes_and_the_table():
    rows, commands = documented_rows(), leaf_commands()
    assert sorted(set(commands) - set(rows)) == []
    says_exit_1 = {path for path in commands if re.search(r"\bexit 1\b", rows[path], re.I)}
    assert says_exit_1 == {path for path, command in commands.items() if 1 in command_exit_codes(command)}
    text = (REPO / "docs" / "cli.md").read_text()
    table = re.findall(r"^\| `(\d)` \| (\w+) \| ([^|]+) \|$", text, re.M)
    assert [(int(code), name, meaning.strip()) for code, name, meaning in table] == [(row.code, row.name, row.meaning) for row in EXIT_CODES]


def test_help_states_each_commands_exit_codes():
    for path, command in leaf_commands().items():
        result = CliRunner().invoke(main, [*path.split(), "--help"], terminal_width=200)
        codes = command_exit_codes(command)
        assert result.exit_code == 0 and "Exit codes: " + "; ".join(f"{code} {why}" for code, why in codes.items()) in " ".join(result.output.split())


def test_a_batch_reports_json_for_every_card(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, ["audit", EXAMPLE, VIOLATING, "--as-of", "2026-06-01", "--json", "--no-progress"])
    assert result.exit_code == 1
    assert [(row["card"], row["verdict"], row["exit_code"]) for row in json.loads(result.stdout)] == [
        (EXAMPLE, "changes_requested", 1), (VIOLATING, "rejected", 1)]
