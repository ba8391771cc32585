"""Declarative policies: packs of rules (YAML, validated with cerberus), one operator table, waivers."""
from engine.policy.operators import OPERATORS, evaluate_condition
from engine.policy.packs import PolicyPack, Rule, load_pack, load_policies, parse_pack
from engine.policy.waivers import Waiver, load_waivers, parse_waivers

__all__ = ["OPERATORS", "PolicyPack", "Rule", "Waiver", "evaluate_condition", "load_pack", "load_policies", "load_waivers",
           "parse_pack", "parse_waivers"]
