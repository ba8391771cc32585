"""Renderers of a LineageGraph, one per output format (FORMATS): text, mermaid, json, dot. Edges point parent -> child."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # the CLI reads FORMATS at import time without loading the store
    from engine.lineage.graph import Edge, LineageGraph, Node


def edge_label(edge: Edge) -> str:
    """'finetune, verified' / 'merge, NOT verified' / 'version'; accepted suggestions say so."""
    parts = [edge.relation or "unspecified"]
    if edge.relation != "version":
        parts.append({True: "verified", False: "NOT verified", None: "unverified"}[edge.verified])
    if not edge.declared:
        parts.append("accepted suggestion")
    return ", ".join(parts)


def node_label(node: Node) -> str:
    return f"{node.key} [{node.status or 'not in lake'}]"


def render_text(graph: LineageGraph) -> str:
    by_child, by_parent = _index(graph)
    lines = [node_label(graph.nodes[graph.focus])]
    if graph.direction in ("up", "both"):
        lines.append("  ancestors:")
        lines += _tree(graph, graph.focus, by_child, "parent", "<-", 2, set()) or ["    (none)"]
    if graph.direction in ("down", "both"):
        lines.append("  descendants:")
        # Without a version the walk started at every version of the model: show each one's subtree.
        starts = [graph.focus] + sorted(key for key in by_parent if key != graph.focus and _same_model(key, graph.focus))
        before = len(lines)
        for start in starts:
            subtree = _tree(graph, start, by_parent, "child", "->", 3, set())
            lines += [f"    from {start}:"] + subtree if subtree else []
        if len(lines) == before:
            lines.append("    (none)")
    lines.append("  path to root: " + " -> ".join(graph.path_to_root))
    lines.append("  siblings: " + (", ".join(graph.siblings) or "(none)"))
    for edge in graph.edges:
        if edge.verified is False:
            lines.append(f"  finding: {edge.child} is declared a {edge.relation} of {edge.parent}: {(edge.evidence or {}).get('reason')}")
    return "\n".join(lines) + "\n"


def render_mermaid(graph: LineageGraph) -> str:
    drawn = _drawn_nodes(graph)
    ids = {key: f"n{i}" for i, key in enumerate(drawn)}
    lines = ["flowchart TD"]
    for key, node in drawn.items():
        lines.append(f'  {ids[key]}["{_escape(node.key)}<br/>{node.status or "not in lake"}"]')
    for edge in graph.edges:
        arrow = "-->" if edge.declared else "-.->"
        lines.append(f"  {ids[edge.parent]} {arrow}|{_escape(edge_label(edge))}| {ids[edge.child]}")
    lines.append(f"  style {ids[graph.focus]} stroke-width:3px")
    lines += [f"  style {ids[key]} stroke-dasharray: 5 5" for key, node in drawn.items() if node.status is None]
    return "\n".join(lines) + "\n"


def render_dot(graph: LineageGraph) -> str:
    lines = ["digraph lineage {", "  rankdir=TB;", "  node [shape=box];"]
    for key, node in _drawn_nodes(graph).items():
        style = ', penwidth=3' if key == graph.focus else (', style=dashed' if node.status is None else "")
        lines.append(f'  {_quote(key)} [label={_quote(node.key + chr(10) + (node.status or "not in lake"))}{style}];')
    for edge in graph.edges:
        style = "" if edge.declared else ", style=dashed"
        color = ", color=red" if edge.verified is False else ""
        lines.append(f"  {_quote(edge.parent)} -> {_quote(edge.child)} [label={_quote(edge_label(edge))}{style}{color}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_json(graph: LineageGraph) -> str:
    return json.dumps(graph.to_dict(), indent=2, default=str) + "\n"


FORMATS: dict[str, Callable[[LineageGraph], str]] = {"text": render_text, "mermaid": render_mermaid, "json": render_json, "dot": render_dot}


def _drawn_nodes(graph: LineageGraph) -> dict[str, Node]:
    """The focus and the ends of its edges, by key. Siblings and the path to root without edges in this direction
    stay in the text and JSON views: drawn, they would float unconnected."""
    keys = {graph.focus} | {edge.parent for edge in graph.edges} | {edge.child for edge in graph.edges}
    return {key: graph.nodes[key] for key in sorted(keys)}


def _index(graph: LineageGraph) -> tuple[dict[str, list[Edge]], dict[str, list[Edge]]]:
    by_child: dict[str, list[Edge]] = {}
    by_parent: dict[str, list[Edge]] = {}
    for edge in graph.edges:
        by_child.setdefault(edge.child, []).append(edge)
        by_parent.setdefault(edge.parent, []).append(edge)
    return by_child, by_parent


def _tree(graph: LineageGraph, key: str, index: dict, other: str, arrow: str, depth: int, seen: set) -> list[str]:
    lines = []
    for edge in index.get(key, []):
        target = getattr(edge, other)
        lines.append(f"{'  ' * depth}{arrow} {node_label(graph.nodes[target])}  ({edge_label(edge)})")
        if target not in seen:
            seen.add(target)
            lines += _tree(graph, target, index, other, arrow, depth + 1, seen)
    return lines


def _same_model(key: str, focus: str) -> bool:
    return key.partition("@")[0] == focus.partition("@")[0]


def _escape(text: str) -> str:
    return text.replace('"', "#quot;").replace("|", "#124;")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
