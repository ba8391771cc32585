"""A second and third opinion on every pickle-based file: picklescan, fickling and modelscan, each in its static mode.

None of them unpickles: picklescan and modelscan list the imports with pickletools; fickling decompiles the
opcodes into an AST and analyses it (`fickling.scan_file` / `scan_zip_archive`, never `fickling.load`, which
would unpickle a file it judged safe). modelscan runs with its pickle, PyTorch and NumPy scanners only (its
Keras and TensorFlow scanners would load those formats).

Every verdict is recorded per file (`facts.security.scanners`), and the lake's own verdict is at least the
union of theirs: when a scanner grades a file more severely than the lake's own findings do, its verdict
becomes a finding of kind `scanner`. Each scanner's grades map onto the lake's severities in VERDICTS;
grades that fire on ordinary checkpoints (fickling's LIKELY_UNSAFE for any import outside the standard
library, torch's own rebuild functions included; picklescan's "suspicious" for an unknown import) are
recorded as `suspicious` and not counted, so the union adds no alarm to a clean torch.save file.
"""
from __future__ import annotations

import contextlib
import copy
import io
import logging
import warnings
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Callable

from engine.facts.pytorch import finding
from engine.facts.record import SEVERITY_ORDER

# scanner grade -> (verdict, lake severity or None)
VERDICTS = {
    "picklescan": {"dangerous": ("unsafe", "high"), "suspicious": ("suspicious", None), "innocuous": ("safe", None)},
    "fickling": {"OVERTLY_MALICIOUS": ("unsafe", "critical"), "LIKELY_OVERTLY_MALICIOUS": ("unsafe", "critical"),
                 "LIKELY_UNSAFE": ("suspicious", None), "SUSPICIOUS": ("suspicious", None), "POSSIBLY_UNSAFE": ("suspicious", None),
                 "LIKELY_SAFE": ("safe", None)},
    "modelscan": {"CRITICAL": ("unsafe", "critical"), "HIGH": ("unsafe", "high"), "MEDIUM": ("unsafe", "medium"), "LOW": ("unsafe", "low"),
                  "none": ("safe", None)},  # modelscan has no grade for a clean file: it lists no issue
}
_MODELSCAN_STATIC = ("PickleUnsafeOpScan", "PyTorchUnsafeOpScan", "NumpyUnsafeOpScan")
_DETAIL = 300  # characters of a scanner's own words kept with its verdict


@dataclass(frozen=True)
class Scanner:
    name: str
    scan: Callable[[Path, bytes | None], dict]  # (file, the bytes holding its pickles for a bare file, or None) -> verdict


def verdict(scanner: str, grade: str, detail: str) -> dict:
    outcome, severity = VERDICTS[scanner].get(grade, ("unsafe", "high"))  # a grade this table does not know fails closed
    return {"verdict": outcome, "grade": grade, "severity": severity, "detail": detail[:_DETAIL], "version": _version(scanner)}


def _status(scanner: str, outcome: str, detail: str) -> dict:
    """A verdict that is no grade: the scanner could not read the file, or did not scan it."""
    return {"verdict": outcome, "grade": None, "severity": None, "detail": detail[:_DETAIL], "version": _version(scanner)}


def _picklescan(file: Path, pickled: bytes | None) -> dict:
    from picklescan.scanner import SafetyLevel, scan_file_path

    result = scan_file_path(str(file))
    worst = next((level for level in (SafetyLevel.Dangerous, SafetyLevel.Suspicious) if any(g.safety is level for g in result.globals)),
                 SafetyLevel.Innocuous)
    named = sorted({f"{g.module}.{g.name}" for g in result.globals if g.safety is worst})
    if result.scan_err and not result.globals:
        return _status("picklescan", "error", "could not parse the pickle")
    return verdict("picklescan", worst.value, ", ".join(named) + (" (parse error after these)" if result.scan_err else ""))


def _fickling(file: Path, pickled: bytes | None) -> dict:
    import fickling
    from fickling.analysis import Severity, check_safety
    from fickling.fickle import PickleDecodeError, StackedPickle

    errors: list[str] = []
    if pickled is None:  # a zip: fickling reads each pickle member itself
        members = fickling.scan_zip_archive(str(file), graceful=True).values()
        analyses = [analysis for member in members for analysis in member.results]
        errors = [error for member in members for error in member.errors]
        if not analyses and not errors:
            return _status("fickling", "not scanned", "no member named .pkl, .pickle or .bin")
    else:  # only the bytes that hold pickles: fickling.scan_file would read a multi-gigabyte legacy file whole
        try:
            analyses = [check_safety(pickle) for pickle in StackedPickle.load(io.BytesIO(pickled), fail_on_decode_error=False)]
        except PickleDecodeError as error:
            analyses, errors = [], [f"parse error: {error}"]
    worst = max((analysis.severity for analysis in analyses), default=Severity.LIKELY_SAFE)
    messages = [result.message for analysis in analyses for result in analysis.results if result.severity == worst and result.message]
    if errors and worst <= Severity.SUSPICIOUS:
        return _status("fickling", "error", "; ".join(errors))
    return verdict("fickling", worst.name, "; ".join(dict.fromkeys(messages)) or "; ".join(errors) or "no unsafe operation found")


def _modelscan(file: Path, pickled: bytes | None) -> dict:
    from modelscan.modelscan import ModelScan

    report = ModelScan(settings=_modelscan_settings()).scan(str(file))
    issues = report.get("issues") or []
    if issues:
        worst = min((issue["severity"] for issue in issues), key=lambda grade: SEVERITY_ORDER.index(grade.lower()))
        return verdict("modelscan", worst, "; ".join(dict.fromkeys(issue["description"] for issue in issues)))
    if report.get("errors"):
        return _status("modelscan", "error", "; ".join(error["description"] for error in report["errors"]))
    if not report["summary"]["scanned"]["total_scanned"]:
        skipped = report["summary"].get("skipped", {}).get("skipped_files", [])
        return _status("modelscan", "not scanned", "; ".join(dict.fromkeys(item["description"] for item in skipped)) or "no scanner for this file")
    return verdict("modelscan", "none", "no unsafe operator found")


@lru_cache(maxsize=1)
def _modelscan_settings() -> dict:
    from modelscan.settings import DEFAULT_SETTINGS

    settings = copy.deepcopy(DEFAULT_SETTINGS)
    for path, options in settings["scanners"].items():
        options["enabled"] = path.rsplit(".", 1)[-1] in _MODELSCAN_STATIC
    return settings


SCANNERS = (Scanner("picklescan", _picklescan), Scanner("fickling", _fickling), Scanner("modelscan", _modelscan))


@lru_cache(maxsize=None)
def _version(scanner: str) -> str | None:
    try:
        return version(scanner)
    except PackageNotFoundError:
        return None


def cross_check(file: Path, pickled: bytes | None) -> dict[str, dict]:
    """Every scanner's verdict on one file (a scanner that fails says so: its error is a verdict too)."""
    verdicts = {}
    with _quiet():
        for scanner in SCANNERS:
            if _version(scanner.name) is None:
                verdicts[scanner.name] = _status(scanner.name, "not scanned", f"{scanner.name} is not installed")
                continue
            try:
                verdicts[scanner.name] = scanner.scan(file, pickled)
            except Exception as error:  # a scanner's own bug must not hide the other verdicts, nor pass the file
                verdicts[scanner.name] = _status(scanner.name, "error", f"{type(error).__name__}: {error}")
    return verdicts


def union_findings(label: str, verdicts: dict[str, dict], own: list[dict]) -> list[dict]:
    """Findings for the scanners that grade the file above everything the lake's own scan reported for it."""
    worst = min((SEVERITY_ORDER.index(f["severity"]) for f in own), default=len(SEVERITY_ORDER))
    return [finding(label, None, result["severity"], "scanner", f"{name} {result['version']} grades the file {result['grade']}: {result['detail']}")
            for name, result in verdicts.items() if result["severity"] and SEVERITY_ORDER.index(result["severity"]) < worst]


@contextlib.contextmanager
def _quiet():
    """The scanners log every dangerous import as a warning and print progress; the lake reports their verdicts instead."""
    loggers = [logging.getLogger(name) for name in ("picklescan", "fickling", "modelscan")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
