"""The report of any worked example, as one model: the check's verdicts grouped into the
document's sections, the chain rule of every wrong derivative, the replay's graph as pictures
and as a page to step through, and the loss curve of a training loop. The terminal text, the
Markdown report and the HTML page are all written from it (``viz.walkthrough.report``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograd import Value
from autograd.graph import topological_order
from nn.activations import is_activation_op

from ..check import Report, check
from ..check.classify import Verdict
from ..check.engine_run import StepGraph, step_graph
from ..check.graph_ledger import ledger_for
from ..check.ledger import Key, Ledger
from ..check.refs import Apply, Expr
from ..check.rules import SITES, standard_formula
from ..check.spec import CheckerError, SectionSpec, WorkedExample, checker_failed
from ..dot import MAX_NODES as DRAW_MAX_NODES
from ..dot import to_svg
from ..explain import Explanation, explain
from ..numbers import Format
from ..replay import MAX_NODES as REPLAY_MAX_NODES
from ..replay import Replay as Page
from ..replay import replay
from .program import program

DERIVATIVES = ("D", "L")
MAX_PATHS = 8  # more paths than this are explained by δ's, node by node


@dataclass(frozen=True)
class Figure:
    """An SVG picture of the replay's graph, with the file name it is written to."""

    name: str
    caption: str
    svg: str


@dataclass(frozen=True)
class SiteFormula:
    """Where a conceptual mistake changed backpropagation: the document's formula and the rule."""

    site: str  # what the site computes
    used: str  # the formula the document evidently used
    right: str  # the textbook's


@dataclass
class Explained:
    """A derivative written out by the chain rule in the document's names; ``verdict`` is the
    printed number it explains when that number is wrong."""

    quantity: str
    explanation: Explanation
    verdict: Verdict | None = None
    formulas: list[SiteFormula] = field(default_factory=list)


@dataclass
class Section:
    """A part of the document: its printed numbers with their verdicts, quantities shown without
    a printed number, and chain-rule explanations."""

    title: str
    note: str
    items: list[Verdict]
    shown: list[tuple[str, float]] = field(default_factory=list)
    explanations: list[Explained] = field(default_factory=list)


@dataclass
class Document:
    """A worked example replayed and checked: everything its report shows."""

    check: Report
    fmt: Format
    program: str
    sections: list[Section]
    figures: list[Figure]
    page: Page | None
    notes: list[str] = field(default_factory=list)  # what could not be drawn, and why

    @property
    def id(self) -> str:
        return self.check.id

    @property
    def title(self) -> str:
        return self.check.title

    @property
    def summary(self) -> str:
        return self.check.example.summary

    @property
    def loss_curve(self) -> list[float]:
        return self.check.loss_curve

    @property
    def explained(self) -> list[Explained]:
        return [e for section in self.sections for e in section.explanations]


def build(source: str | Path | Mapping[str, Any], fmt: Format = None) -> Document:
    """Check a worked example (a file, a shipped id or a mapping) and build its report.

    ``fmt`` writes the numbers of pictures and explanations (default: the file's ``[report]
    fmt``, else ``.6f``).

    >>> doc = build("examples/tanh_neuron_check.toml")
    >>> [s.title for s in doc.sections][:2], [f.name for f in doc.figures]
    (['forward', 'backward'], ['tanh-neuron-forward.svg', 'tanh-neuron-backward.svg'])
    """
    report = check(source)
    try:
        return _build(report, fmt)
    except Exception as exc:
        raise CheckerError(f"{report.example.origin}: the report: {checker_failed(exc)}") from exc


def _build(report: Report, fmt: Format) -> Document:
    ex = report.example
    fmt = fmt or ex.report.fmt or ".6f"
    graphs = _Graphs(ex)
    sections = _sections(ex, report, graphs, fmt)
    graph = step_graph(graphs.ledger(ex.optimizers[0].name))
    size = len(topological_order(graph.root))
    figures: list[Figure] = []
    notes: list[str] = []
    page = None
    if size > DRAW_MAX_NODES:
        notes.append(
            f"The graph has {size} nodes, more than the {DRAW_MAX_NODES} a picture shows: not drawn."
        )
        return Document(report, fmt, program(ex), sections, figures, page, notes)
    figures.append(Figure(f"{ex.id}-forward.svg", FORWARD, _svg(graph, fmt)))
    if size <= REPLAY_MAX_NODES:
        optimizer = graph.optimizer() if ex.steps and graph.trainable else None
        page = replay(
            graph.root, optimizer=optimizer, inputs=graph.inputs, group=True, fmt=fmt, frozen=graph.frozen
        )
    else:
        notes.append(f"The graph has {size} nodes, more than the {REPLAY_MAX_NODES} a replay steps through.")
    graph.root.backward()
    target = _highlight(ex, graph, sections)
    caption = BACKWARD + (f"; the chain from {target.label} is highlighted." if target else ".")
    figures.append(Figure(f"{ex.id}-backward.svg", caption, _svg(graph, fmt, target)))
    return Document(report, fmt, program(ex), sections, figures, page, notes)


FORWARD = "The graph after the forward pass (gradients still 0)."
BACKWARD = "After backward: every gradient"


def _svg(graph: StepGraph, fmt: Format, highlight: Value | None = None) -> str:
    return to_svg(
        graph.root, fmt=fmt, inputs=graph.inputs, highlight=highlight, group=True, frozen=graph.frozen
    )


class _Graphs:
    """The replay's graphs, one per optimizer run and step, built when first asked for."""

    def __init__(self, ex: WorkedExample) -> None:
        self.ex = ex
        examples = {"": ex, **ex.variants}  # the setup's numbers, and each [[variant]]'s
        self._ledgers = {
            (variant, run.name): ledger_for(example, run)
            for variant, example in examples.items()
            for run in example.optimizers
        }
        self._graphs: dict[tuple[str, str, int], StepGraph] = {}

    def ledger(self, run: str, variant: str = "") -> Ledger:
        return self._ledgers[variant, run]

    def at(self, run: str, q: int, variant: str = "") -> StepGraph:
        if (variant, run, q) not in self._graphs:
            self._graphs[variant, run, q] = step_graph(self._ledgers[variant, run], q)
        return self._graphs[variant, run, q]

    def chain_rule(self, run: str, key: Key, fmt: Format, variant: str = "") -> Explanation:
        """The chain rule of a derivative key, on the graph of its step (and variant)."""
        _, top, bottom = key
        graph = self.at(run, self.ledger(run, variant).step_of(top), variant)
        root, wrt = graph.node(top), graph.node(bottom)
        try:
            return explain(root, wrt, method="paths", max_paths=MAX_PATHS, fmt=fmt, group=True)
        except ValueError:  # too many paths to list: the δ's, node by node
            return explain(root, wrt, method="deltas", fmt=fmt, group=True)


def _head(where: str) -> str:
    """A ``where`` text up to its first comma: the default section it belongs to."""
    return where.split(",")[0].strip() or "the document"


def _sections(ex: WorkedExample, report: Report, graphs: _Graphs, fmt: Format) -> list[Section]:
    """The printed numbers grouped by section in document order (each section where its first
    number stands), then the sections that print nothing, in file order."""
    specs = ex.report.sections
    groups: dict[SectionSpec | str, list[Verdict]] = {}
    for v in report.items:
        covering = next((s for s in specs if s.covers(v.printed.where)), None)
        groups.setdefault(covering or _head(v.printed.where), []).append(v)
    groups.update({spec: [] for spec in specs if spec not in groups})
    first_run = ex.optimizers[0].name
    sections = []
    for group, items in groups.items():
        if isinstance(group, str):
            sections.append(Section(group, "", items))
            continue
        spec = group
        section = Section(spec.title, spec.note, items, [(q, report.shown[q]) for q in spec.show])
        ledger = graphs.ledger(first_run)
        for text in spec.explain:
            section.explanations.append(Explained(text, graphs.chain_rule(first_run, ledger.key(text), fmt)))
        sections.append(section)
    for section in sections:
        for v in section.items:
            if not (v.wrong and v.repeat_of is None and v.key[0] in DERIVATIVES):
                continue
            formulas = _mistake_formulas(ex, v, graphs.ledger(v.printed.run, v.printed.variant))
            asked = next((e for e in section.explanations if e.quantity == v.printed.quantity), None)
            if asked is not None and asked.verdict is None:  # the section explains it already
                asked.verdict, asked.formulas = v, formulas
            else:
                chain = graphs.chain_rule(v.printed.run, v.key, fmt, v.printed.variant)
                section.explanations.append(Explained(v.printed.quantity, chain, v, formulas))
    return sections


def _mistake_formulas(ex: WorkedExample, v: Verdict, ledger: Ledger) -> list[SiteFormula]:
    """For a conceptual mistake: at each site it changes, the formula the document evidently
    used beside the textbook's (for every variant the example has: each activation, ...)."""
    if v.cls != "conceptual" or v.mistake is None:
        return []
    activations = {layer.activation for layer in ex.layers}
    if ex.graph is not None:
        activations = {op for _, expr in ex.graph.nodes for op in _ops(expr) if is_activation_op(op)}
    variants = {
        "activation_derivative": sorted(activations),
        "loss_derivative": [ex.loss.kind],
        "adam_correction": ["on" if ledger.run.bias_correction else "off"],
    }
    out = []
    for site, formula in v.mistake.rules.items():
        kinds = variants.get(site, [""])
        rules = [(kind, standard_formula(site, kind).text) for kind in kinds]
        right = "; ".join(f"{kind}: {text}" if len(rules) > 1 else text for kind, text in rules)
        out.append(SiteFormula(SITES[site][1], formula.text, right))
    return out


def _ops(expr: Expr) -> list[str]:
    """Every operation and function a definition uses."""
    return [expr.op, *(op for a in expr.args for op in _ops(a))] if isinstance(expr, Apply) else []


def _highlight(ex: WorkedExample, graph: StepGraph, sections: list[Section]) -> Value | None:
    """The parameter or input whose chain the backward picture highlights: the file's choice,
    else the one of the first derivative the report explains."""
    ledger = graph.ledger
    if ex.report.highlight is not None:
        return graph.node(ledger.key(ex.report.highlight))
    for section in sections:
        for explained in section.explanations:
            key = explained.verdict.key if explained.verdict else ledger.key(explained.quantity)
            bottom = key[2]
            if bottom[0] in ("p", "x") and ledger.step_of(key[1]) == 0:
                return graph.node(bottom)
    return None
