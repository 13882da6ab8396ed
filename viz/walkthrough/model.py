"""What a replayed worked example holds: its steps, every value by key, figures, and errata."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


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
    explanations: list[tuple[str, str]] = field(default_factory=list)  # (markdown, text)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Figure:
    """An SVG picture of a graph, with the file name it is written to."""

    name: str
    caption: str
    svg: str


@dataclass(frozen=True)
class Printed:
    """A number the document prints: which quantity it claims, where, as printed, and the
    likely cause when it is wrong."""

    key: str
    where: str
    text: str
    cause: str = ""

    @property
    def number(self) -> float:
        return float(self.text.replace("−", "-"))

    @property
    def tolerance(self) -> float:
        """Half a unit in the last printed digit."""
        match = re.fullmatch(r"[-−]?\d*(?:\.(\d*))?(?:[eE]([-+]?\d+))?", self.text)
        if match is None:
            raise ValueError(f"cannot read the printed number {self.text!r}")
        decimals = len(match.group(1) or "")
        exponent = int(match.group(2) or 0)
        return 0.5 * 10.0 ** (exponent - decimals)


@dataclass(frozen=True)
class Erratum:
    """A printed number beside the value the library computes."""

    printed: Printed
    value: float

    @property
    def difference(self) -> float:
        return self.printed.number - self.value

    @property
    def wrong(self) -> bool:
        """Differs from the computed value by more than the printed precision allows."""
        slack = 1e-12 * max(1.0, abs(self.value))  # the printed decimal itself is inexact in binary
        return abs(self.difference) > self.printed.tolerance + slack


@dataclass
class Replay:
    """A worked example replayed with the library."""

    doc_id: str
    title: str
    summary: str
    code: str
    steps: list[Step]
    values: dict[str, float]
    figures: list[Figure]
    printed: list[Printed]
    loss_curve: list[float] = field(default_factory=list)

    def errata(self) -> list[Erratum]:
        """Every printed number beside the library's value, in document order."""
        missing = [p.key for p in self.printed if p.key not in self.values]
        if missing:
            raise KeyError(f"document {self.doc_id}: printed numbers refer to unknown keys {missing}")
        return [Erratum(p, self.values[p.key]) for p in self.printed]
