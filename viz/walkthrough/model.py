"""What a replayed worked example holds: its steps, every value by key, figures, and the check of
the numbers the document printed."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..check import Report
from ..replay import Replay as Page


@dataclass(frozen=True)
class Row:
    """One computed quantity: its key in ``Replay.values``, what it is, and how it is computed."""

    key: str
    name: str
    formula: str = ""
    integer: bool = False  # a count, shown without decimals


@dataclass
class Step:
    """A step of the document: a table of quantities and, optionally, chain-rule explanations
    (Markdown and text renderings of ``viz.explain``) and notes."""

    title: str
    rows: list[Row] = field(default_factory=list)
    explanations: list[tuple[str, str, str]] = field(default_factory=list)  # (markdown, text, html)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Figure:
    """An SVG picture of a graph, with the file name it is written to."""

    name: str
    caption: str
    svg: str


@dataclass
class Replay:
    """A worked example replayed with the library, with ``viz.check``'s verdict on every number
    the document printed."""

    doc_id: str
    title: str
    summary: str
    code: str
    steps: list[Step]
    values: dict[str, float]
    figures: list[Figure]
    check: Report
    loss_curve: list[float] = field(default_factory=list)
    page: Page | None = None  # the step (forward, backward, update) to watch, edge by edge
