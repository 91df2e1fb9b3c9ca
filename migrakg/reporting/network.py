"""The network map: a networkx graph of organisations, networks, projects and funders, its centrality
figures, a deterministic force-directed layout and the SVG drawing.

The layout is Fruchterman–Reingold written out in plain Python (networkx's own layouts need numpy),
seeded, so the same data always gives the same picture.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import networkx as nx

from .svg import FONT, INK, MUTED, esc, short

SEED = 7
KIND_COLOURS = {
    "organisation": "#0b5394",
    "public-body": "#5b2c83",
    "network": "#b45309",
    "project": "#2e7d32",
    "offer": "#8a1c1c",
    "other": "#8a8f98",
}
EDGE_STYLES = {  # colour, dash
    "membership": ("#6b7280", ""),
    "carrier": ("#2e7d32", ""),
    "funding": ("#b45309", "6 3"),
    "coordination": ("#0b5394", "2 3"),
    "accompaniment": ("#5b2c83", "2 3"),
    "unit": ("#1b1b1f", "1 2"),
}


@dataclass
class Node:
    iri: str
    kind: str  # organisation | public-body | network | project | offer | other
    label: str
    href: str | None
    degree: int = 0
    betweenness: float = 0.0
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    type: str
    relation: str | None  # the IRI of the membership / carrier role / funding, if the relation is a resource
    role: str  # label of the role or programme, may be ""
    href: str | None = None
    status: str = ""  # current | ended | unknown for time-bound relations (vocab/status), "" otherwise
    evidenced: str = ""  # the date a source last evidenced the relation

    @property
    def holds(self) -> bool:
        """Drawn as holding today: current, or a relation that has no time (coordination, units)."""
        return self.status in ("", "current")


def status_note(edge: Edge) -> str:
    """— beendet / — zuletzt belegt 2012 (German and English, as the map's other tooltips)."""
    if edge.status == "ended":
        return " — beendet / ended"
    if edge.status == "unknown":
        when = edge.evidenced or "?"
        return f" — Status unbekannt, zuletzt belegt {when} / status unknown, last evidenced {when}"
    return ""


@dataclass
class NetworkMap:
    nodes: dict[str, Node]
    edges: list[Edge]
    graph: nx.Graph = field(repr=False)
    width: float = 1000
    height: float = 700

    def ranked(self) -> list[Node]:
        """Nodes by betweenness, then degree, then name: who connects whom."""
        return sorted(self.nodes.values(), key=lambda n: (-n.betweenness, -n.degree, n.label.lower()))


def build_network(nodes: dict[str, Node], edges: list[Edge], *, width: float = 1000) -> NetworkMap:
    """Graph, centrality and layout. Edges whose ends are not in *nodes* must have been added by the caller."""
    graph = nx.Graph()
    for iri in sorted(nodes):
        graph.add_node(iri)
    for edge in edges:
        if edge.source != edge.target:
            graph.add_edge(edge.source, edge.target)
    betweenness = nx.betweenness_centrality(graph, normalized=True) if len(graph) > 2 else {n: 0.0 for n in graph}
    for iri, node in nodes.items():
        node.degree = graph.degree(iri)
        node.betweenness = round(betweenness.get(iri, 0.0), 4)
    label_widths = {iri: 6.2 * min(30, len(node.label)) + 14 for iri, node in nodes.items()}
    positions, needed = layout(graph, width=width, label_widths=label_widths)
    for iri, (x, y) in positions.items():
        nodes[iri].x, nodes[iri].y = x, y
    return NetworkMap(nodes, edges, graph, width, needed)


def layout(
    graph: nx.Graph, *, width: float, unit: float = 92.0, seed: int = SEED, label_widths: dict[str, float] | None = None
) -> tuple[dict[str, tuple[float, float]], float]:
    """Positions and the height they need. Each connected component gets its own force-directed
    layout in a square of side `unit`·√(size), the squares are packed in rows (largest first), and
    nodes without any relation are set out in a grid underneath."""
    components = sorted((sorted(c) for c in nx.connected_components(graph) if len(c) > 1), key=lambda c: (-len(c), c[0]))
    lonely = sorted(n for n in graph.nodes if graph.degree(n) == 0)
    positions: dict[str, tuple[float, float]] = {}
    margin = 16.0
    x, y, row_h = margin, margin, 0.0
    for comp in components:
        side = unit * math.sqrt(len(comp)) + 140
        if x + side > width - margin and x > margin:
            x, y, row_h = margin, y + row_h, 0.0
        local = force_layout(graph.subgraph(comp), seed=seed)
        pad_x, pad_y = 110.0 if side > 200 else 80.0, 26.0
        placed = {
            name: [x + pad_x + (px + 1) / 2 * max(10.0, side - 2 * pad_x), y + pad_y + (py + 1) / 2 * max(10.0, side - 2 * pad_y)]
            for name, (px, py) in local.items()
        }
        declutter(placed, label_widths or {}, (x + 12, y + 12, x + side - 12, y + side - 12))
        for name, (px, py) in placed.items():
            positions[name] = (round(px, 1), round(py, 1))
        x += side
        row_h = max(row_h, side)
    y += row_h
    if lonely:
        columns = max(1, int((width - 2 * margin) // 245))
        for i, name in enumerate(lonely):
            positions[name] = (round(margin + 12 + (i % columns) * 245, 1), round(y + 20 + (i // columns) * 26, 1))
        y += 20 + math.ceil(len(lonely) / columns) * 26
    return positions, y + margin


def declutter(
    placed: dict[str, list[float]],
    label_widths: dict[str, float],
    box: tuple[float, float, float, float],
    rounds: int = 60,
    line: float = 16.0,
) -> None:
    """Push apart nodes whose labels (a box right of the node) overlap, mostly vertically; stay in *box*."""
    names = sorted(placed)
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                pa, pb = placed[a], placed[b]
                wa, wb = label_widths.get(a, 60.0), label_widths.get(b, 60.0)
                overlap_x = min(pa[0] + wa, pb[0] + wb) - max(pa[0] - 8, pb[0] - 8)
                overlap_y = line - abs(pa[1] - pb[1])
                if overlap_x <= 0 or overlap_y <= 0:
                    continue
                moved = True
                push = overlap_y / 2 + 0.5
                if pa[1] <= pb[1]:
                    pa[1] -= push
                    pb[1] += push
                else:
                    pa[1] += push
                    pb[1] -= push
        for p in placed.values():
            p[0] = min(max(p[0], box[0]), box[2])
            p[1] = min(max(p[1], box[1]), box[3])
        if not moved:
            break


def force_layout(graph: nx.Graph, *, iterations: int = 200, seed: int = SEED) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold for one connected graph, scaled to [-1, 1]²."""
    names = sorted(graph.nodes)
    n = len(names)
    rng = random.Random(seed)
    pos = {name: [rng.uniform(-1, 1), rng.uniform(-1, 1)] for name in names}
    if n == 1:
        return {names[0]: (0.0, 0.0)}
    k = math.sqrt(4.0 / n)
    neighbours = {name: sorted(graph.neighbors(name)) for name in names}
    temperature = 0.2
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        moves = {name: [0.0, 0.0] for name in names}
        for i, a in enumerate(names):
            pa = pos[a]
            for b in names[i + 1 :]:
                pb = pos[b]
                dx, dy = pa[0] - pb[0], pa[1] - pb[1]
                dist = max(0.01, math.hypot(dx, dy))
                force = k * k / dist
                fx, fy = dx / dist * force, dy / dist * force
                moves[a][0] += fx
                moves[a][1] += fy
                moves[b][0] -= fx
                moves[b][1] -= fy
        for a in names:
            pa = pos[a]
            for b in neighbours[a]:
                pb = pos[b]
                dx, dy = pa[0] - pb[0], pa[1] - pb[1]
                dist = max(0.01, math.hypot(dx, dy))
                force = dist * dist / k
                moves[a][0] -= dx / dist * force / 2
                moves[a][1] -= dy / dist * force / 2
        for a in names:
            dx, dy = moves[a]
            length = max(0.01, math.hypot(dx, dy))
            step = min(length, temperature)
            pos[a][0] += dx / length * step
            pos[a][1] += dy / length * step
        temperature -= cooling
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x = max(1e-6, max(xs) - min(xs))
    span_y = max(1e-6, max(ys) - min(ys))
    return {name: ((p[0] - min(xs)) / span_x * 2 - 1, (p[1] - min(ys)) / span_y * 2 - 1) for name, p in pos.items()}


def node_id(index: int) -> str:
    return f"node-{index}"


WORDS = {"degree": "degree", "betweenness": "betweenness", "layout": f"layout: Fruchterman–Reingold per component, seed {SEED}"}


def network_svg(
    net: NetworkMap,
    *,
    title: str,
    kind_names: dict[str, str],
    edge_names: dict[str, str],
    chart_id: str = "network-map",
    words: dict[str, str] | None = None,
) -> str:
    """The map: edges first (lines with a tooltip; the relation's page in `data-relation`), then nodes
    (circles sized by degree, linked to the resource page, labelled). `data-neighbours` feeds the script
    that highlights a node's neighbours on hover and on keyboard focus. The map is a group of links, not
    an image (no `role="img"`: its title names it): only the nodes are links, so the keyboard meets one stop per record.
    *words* names degree, betweenness and the layout note in the page's language (WORDS: English)."""
    words = {**WORDS, **(words or {})}
    width, height = int(net.width), int(math.ceil(net.height))
    order = sorted(net.nodes)
    ids = {iri: node_id(i) for i, iri in enumerate(order)}
    adjacency: dict[str, set[str]] = {iri: set() for iri in order}
    for e in net.edges:
        if e.source in adjacency and e.target in adjacency:
            adjacency[e.source].add(e.target)
            adjacency[e.target].add(e.source)
    legend_h = 46
    out = [
        f'<svg class="network" id="{esc(chart_id)}" viewBox="0 0 {width} {height + legend_h}" width="100%" '
        f'aria-labelledby="{esc(chart_id)}-t" {FONT} font-size="10">',
        f'<title id="{esc(chart_id)}-t">{esc(title)}</title>',
    ]
    lx = 8.0
    for kind, name in kind_names.items():
        out.append(
            f'<circle cx="{lx + 6}" cy="12" r="6" fill="{KIND_COLOURS[kind]}"/>'
            f'<text x="{lx + 16}" y="16" fill="{INK}" font-size="11">{esc(name)}</text>'
        )
        lx += 30 + 6.3 * len(name)
    lx = 8.0
    for etype, name in edge_names.items():
        colour, dash = EDGE_STYLES[etype]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{lx}" y1="34" x2="{lx + 22}" y2="34" stroke="{colour}" stroke-width="2"{dash_attr}/>'
            f'<text x="{lx + 26}" y="38" fill="{INK}" font-size="11">{esc(name)}</text>'
        )
        lx += 36 + 6.3 * len(name)
    out.append(f'<g transform="translate(0 {legend_h})">')
    out.append('<g class="edges">')
    for e in net.edges:
        a, b = net.nodes.get(e.source), net.nodes.get(e.target)
        if a is None or b is None:
            continue
        colour, dash = EDGE_STYLES.get(e.type, ("#6b7280", ""))
        if not e.holds:  # an old composition is not drawn as current: dotted, and the tooltip says why
            dash = "2 3"
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        label = edge_names.get(e.type, e.type)
        tip = f"{a.label} → {b.label}: {label}" + (f" ({e.role})" if e.role else "") + status_note(e)
        line = (
            f'<line class="edge edge-{esc(e.type)}" x1="{a.x}" y1="{a.y}" x2="{b.x}" y2="{b.y}" stroke="{colour}" '
            f'stroke-width="1.6"{dash_attr} data-type="{esc(e.type)}" data-source="{ids[e.source]}" '
            f'data-target="{ids[e.target]}"'
            + (f' data-relation="{esc(e.href)}"' if e.href else "")
            + f"><title>{esc(tip)}</title></line>"
        )
        out.append(line)
    out.append("</g>")
    out.append('<g class="nodes">')
    for iri in order:
        node = net.nodes[iri]
        r = 5 + min(12, 1.6 * math.sqrt(node.degree) * 2)
        colour = KIND_COLOURS.get(node.kind, KIND_COLOURS["other"])
        tip = (
            f"{node.label} — {kind_names.get(node.kind, node.kind)}; {words['degree']} {node.degree}, "
            f"{words['betweenness']} {node.betweenness:.3f}"
        )
        anchor = "start" if node.x < width * 0.75 else "end"
        dx = r + 3 if anchor == "start" else -(r + 3)
        major = node.kind in ("network", "project") or node.degree >= 4
        weight = ' font-weight="bold" font-size="11"' if major else ""
        body = (
            f'<circle cx="{node.x}" cy="{node.y}" r="{r:.1f}" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>'
            # the label over a white halo: a stroked copy behind (hidden from screen readers), then the text
            f'<text x="{node.x + dx:.1f}" y="{node.y + 3.5:.1f}" text-anchor="{anchor}" fill="#ffffff"{weight} '
            f'stroke="#ffffff" stroke-width="3" aria-hidden="true">{esc(short(node.label, 30))}</text>'
            f'<text x="{node.x + dx:.1f}" y="{node.y + 3.5:.1f}" text-anchor="{anchor}" fill="{INK}"{weight}>'
            f"{esc(short(node.label, 30))}</text>"
        )
        neighbours = " ".join(sorted(ids[n] for n in adjacency[iri]))
        inner = f"<title>{esc(tip)}</title>{body}"
        if node.href:
            inner = f'<a href="{esc(node.href)}">{inner}</a>'
        out.append(
            f'<g class="node node-{esc(node.kind)}" id="{ids[iri]}" data-neighbours="{neighbours}" '
            f'data-href="{esc(node.href or "")}">{inner}</g>'
        )
    out.append("</g></g>")
    out.append(
        f'<text x="{width - 8}" y="{height + legend_h - 6}" text-anchor="end" fill="{MUTED}" font-size="9">'
        f"{esc(words['layout'])}</text>"
    )
    out.append("</svg>")
    return "\n".join(out)
