"""/policies: list the packs and rules, dry-run a card against them, and (admins) save a pack."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post, put
from litestar.params import FromPath, JSONBody

from api.http.auth import permission
from api.http.config import ConfigDep, LakeDep
from api.http.routes.models import card_of


@dataclass
class DryRunRequest:
    card: str | dict[str, Any]  # YAML text or a JSON object
    weights: str | None = None  # facts are read from it (inside MODELLAKE_SERVER_ROOTS, or a URI under MODELLAKE_ARTIFACT_URIS)


@dataclass
class PolicyPackRequest:
    yaml: str  # the whole pack file


@get("/policies", opt=permission("read"), sync_to_thread=True)
def list_policies(config: ConfigDep) -> list[dict[str, Any]]:
    from engine.policy import load_policies

    return [pack.listing()
            for pack in load_policies(config.policies_dir)]


@post("/policies/dry-run", opt=permission("read"), sync_to_thread=True, status_code=200)
def dry_run(data: JSONBody[DryRunRequest], config: ConfigDep, lake: LakeDep) -> dict[str, Any]:
    """Review a card against the policies without storing anything."""
    from engine.governance.stored import stored_waivers
    from engine.policy import load_policies
    from engine.governance.review import review_card

    card = card_of(data.card)
    facts = None
    if data.weights:
        from engine.facts import extract_facts

        facts = extract_facts(config.check_location(data.weights)).to_dict()
    with lake.transaction() as session:
        waivers = stored_waivers(session)
    return review_card(card, facts, packs=load_policies(config.policies_dir), waivers=waivers).to_dict()


@put("/policies/{name:str}", opt=permission("administer"), sync_to_thread=True)
def save_policy(name: FromPath[str], data: JSONBody[PolicyPackRequest], config: ConfigDep, lake: LakeDep, request: Request) -> dict[str, Any]:
    """Create or replace policies/NAME.yaml (validated first; audited)."""
    from engine.governance.admin import save_policy_pack

    return save_policy_pack(lake, config.policies_dir, name, data.yaml.encode("utf-8"), by=request.user.name)


ROUTES = [list_policies, dry_run, save_policy]
