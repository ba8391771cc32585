"""Model cards: safe YAML loading with limits, versioned JSON-Schema validation with line numbers."""
from engine.cards.card import Card, card_from_dict, load_card, parse_card
from engine.cards.yaml_source import YamlLimits

__all__ = ["Card", "YamlLimits", "card_from_dict", "load_card", "parse_card"]
