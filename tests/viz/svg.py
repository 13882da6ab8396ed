"""Reading an SVG from ``viz`` back: its node and edge groups and their texts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

SVG = "{http://www.w3.org/2000/svg}"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"


@dataclass
class Item:
    """A node or an edge of the picture: its id, texts and tooltips."""

    id: str
    texts: list[str] = field(default_factory=list)
    tooltips: list[str] = field(default_factory=list)


def parse(svg: str) -> tuple[dict[str, Item], dict[str, Item]]:
    """Nodes and edges by id; raises if the SVG is not well-formed XML."""
    root = ET.fromstring(svg.encode("utf-8"))
    nodes: dict[str, Item] = {}
    edges: dict[str, Item] = {}
    for group in root.iter(f"{SVG}g"):
        kind = group.get("class")
        if kind not in ("node", "edge"):
            continue
        item = Item(group.get("id", ""))
        for element in group.iter():
            if element.tag == f"{SVG}text":
                item.texts.append("".join(element.itertext()))
            if XLINK_TITLE in element.attrib:
                item.tooltips.append(element.attrib[XLINK_TITLE])
        (nodes if kind == "node" else edges)[item.id] = item
    return nodes, edges


def squash(text: str) -> str:
    """Whitespace as a reader sees it: Graphviz writes runs of spaces with no-break spaces."""
    return " ".join(text.replace("\xa0", " ").split())
