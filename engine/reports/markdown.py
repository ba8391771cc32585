"""Markdown report: verdict, counts, findings that need attention, waivers, and the inputs, for PR comments."""
from __future__ import annotations

ICONS = {"fail": "❌", "warn": "⚠️", "error": "💥", "unverified": "❔", "not_applicable": "➖", "waived": "🛡️", "pass": "✅"}
ATTENTION = ("fail", "error", "warn")


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ") if value is not None else ""


def _where(finding) -> str:
    source = finding.evidence.get("source") or {}
    return f"{source['file']}:{source['line']}" if source.get("line") else _cell(source.get("path"))


def render_markdown(review) -> str:
    counts = review.counts()
    lines = [f"# Model Lake audit: {review.target}", "",
             f"**Verdict: {review.verdict}** ({review.verdict_reason})", "",
             f"Card `{review.card_source}` · risk tier {review.risk_tier or 'not set'} · as of {review.as_of}", "",
             " · ".join(f"{ICONS[outcome]} {outcome} {count}" for outcome, count in counts.items()), ""]
    attention = sorted((f for f in review.findings if f.outcome in ATTENTION), key=lambda f: (-_rank(f.severity), f.rule_id))
    lines += ["## Findings", ""]
    if attention:
        lines += ["| outcome | severity | rule | message | claimed | observed | where |", "| --- | --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {ICONS[f.outcome]} {f.outcome} | {f.severity} | `{f.rule_id}` | {_cell(f.message)} | {_cell(f.evidence.get('claimed'))} | "
                  f"{_cell(f.evidence.get('observed'))} | {_where(f)} |" for f in attention]
        lines += ["", "### Remediation", ""] + [f"- `{f.rule_id}`: {_cell(f.remediation)}" for f in attention]
    else:
        lines.append("No rule failed.")
    unchecked = review.unverified()
    if unchecked:
        lines += ["", "## Not checked (unverified)", "", "| severity | rule | missing evidence | would be settled by |", "| --- | --- | --- | --- |"]
        lines += [f"| {f.severity} | `{f.rule_id}` | {_cell(f.evidence.get('missing'))} | {_cell(f.evidence.get('settled_by'))} |"
                  for f in sorted(unchecked, key=lambda f: (-_rank(f.severity), f.rule_id))]
    if review.waived:
        lines += ["", "## Waived", "", "| rule | reason | approved by | ticket | expires |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| `{f.rule_id}` | {_cell(f.waiver['reason'])} | {_cell(f.waiver.get('approved_by'))} | {_cell(f.waiver.get('ticket'))} | "
                  f"{_cell(f.waiver.get('expires_at'))} |" for f in review.waived]
    lines += ["", "## Policies", ""] + [f"- {p['pack']} {p['version']} (`{p['digest'][:12]}`, {p['rules']} rules)" for p in review.policies]
    lines += ["", "## Inputs", "", f"- inputs digest: `{review.inputs_digest}`"]
    lines += [f"- {key}: `{value}`" for key, value in review.inputs.items() if key != "policies"]
    return "\n".join(lines) + "\n"


def _rank(severity: str) -> int:
    from engine.policy.severity import rank

    return rank(severity)
