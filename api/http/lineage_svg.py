"""A lineage graph as an SVG picture, laid out in layers (roots on top), drawn server-side: no JavaScript, no CDN."""
from __future__ import annotations

from xml.sax.saxutils import escape

import networkx as nx

from engine.lineage.render import edge_label

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 220, 44, 40, 70, 20
STATUS_COLORS = {"approved": "#d9f2d9", "rejected": "#f7d4d4", "changes_requested": "#fbe8c8", "pending": "#e3ecfa", None: "#ffffff"}


def lineage_svg(graph) -> str:
    """SVG of an engine.lineage.graph.LineageGraph: one box per node (coloured by status), one labelled arrow per edge."""
    dag = nx.DiGraph()
    dag.add_nodes_from(graph.nodes)
    dag.add_edges_from((edge.parent, edge.child) for edge in graph.edges)
    layers = list(nx.topological_generations(dag)) if nx.is_directed_acyclic_graph(dag) else [sorted(dag.nodes)]
    width = max(len(layer) for layer in layers) * (BOX_W + GAP_X) - GAP_X + 2 * MARGIN
    height = len(layers) * (BOX_H + GAP_Y) - GAP_Y + 2 * MARGIN
    position = {}
    for row, layer in enumerate(layers):
        offset = (width - (len(layer) * (BOX_W + GAP_X) - GAP_X)) / 2
        for column, key in enumerate(sorted(layer)):
            position[key] = (offset + column * (BOX_W + GAP_X), MARGIN + row * (BOX_H + GAP_Y))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             'font-family="sans-serif" font-size="12" role="img" aria-label="lineage graph">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
             '<path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>']
    for edge in graph.edges:
        (px, py), (cx, cy) = position[edge.parent], position[edge.child]
        x1, y1, x2, y2 = px + BOX_W / 2, py + BOX_H, cx + BOX_W / 2, cy
        color = "#c0392b" if edge.verified is False else "#555"
        dash = ' stroke-dasharray="5 4"' if not edge.declared else ""
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{color}" stroke-width="1.5" marker-end="url(#arrow)"{dash}/>')
        parts.append(f'<text x="{(x1 + x2) / 2 + 6}" y="{(y1 + y2) / 2}" fill="{color}">{escape(edge_label(edge))}</text>')
    for key, node in graph.nodes.items():
        x, y = position[key]
        stroke = 3 if key == graph.focus else 1
        dash = ' stroke-dasharray="5 4"' if node.status is None else ""
        parts.append(f'<g class="node"><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{STATUS_COLORS.get(node.status, "#fff")}" '
                     f'stroke="#333" stroke-width="{stroke}"{dash}/>'
                     f'<text x="{x + BOX_W / 2}" y="{y + 18}" text-anchor="middle" font-weight="bold">{escape(_fit(key))}</text>'
                     f'<text x="{x + BOX_W / 2}" y="{y + 34}" text-anchor="middle">{escape(node.status or "not in lake")}</text></g>')
    parts.append("</svg>")
    return "\n".join(parts)


def _fit(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
