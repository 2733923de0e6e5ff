"""A simple relations map: the person in the centre, household members and other relations around (SVG, no JS)."""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH, HEIGHT, RADIUS = 640, 360, 135


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    label: str
    role: str
    kind: str  # "household" | "relation" | "external"


def relations_map(relazioni, contatti) -> list[Node]:
    items = [(r.nome_visibile, r.get_tipo_display(), "household" if r.convivente else "relation") for r in relazioni]
    items += [(c.nome, c.get_tipo_display(), "external") for c in contatti]
    nodes = []
    for i, (label, role, kind) in enumerate(items):
        angle = 2 * math.pi * i / max(len(items), 1) - math.pi / 2
        radius = RADIUS * (1.25 if kind == "external" else 1.0)
        nodes.append(
            Node(
                WIDTH / 2 + radius * 1.6 * math.cos(angle),
                HEIGHT / 2 + radius * math.sin(angle),
                label[:28],
                role[:28],
                kind,
            )
        )
    return nodes
