"""Helpers the replays share: naming nodes like the documents do, and recording steps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from autograd import Value
from nn import Module
from nn.optim import Optimizer

from ..dot import to_svg
from ..explain import explain
from ..numbers import Format
from ..replay import Replay as Page
from ..replay import replay
from .model import Figure, Row, Step


def name_parameters(model: Module, names: Mapping[str, str]) -> dict[str, Value]:
    """Relabel parameters from their dotted names (``layers.0.neurons.0.w.0``) to the document's
    (``w1``); returns them by the new name."""
    params = dict(model.named_parameters())
    unknown = sorted(set(names) - set(params))
    if unknown:
        raise KeyError(f"no parameters named {unknown}")
    for dotted, label in names.items():
        params[dotted].label = label
    return {label: params[dotted] for dotted, label in names.items()}


def textbook_names(model: Module) -> dict[str, str]:
    """The classic textbook names: weights w1, w2, ... in order, and a layer's shared bias
    ``b1``, ``b2``, ... by layer (``layers.0.b`` is b1)."""
    names = {}
    weights = 0
    for dotted, _ in model.named_parameters():
        parts = dotted.split(".")
        if parts[-2] == "w":
            weights += 1
            names[dotted] = f"w{weights}"
        elif parts[-1] == "b" and len(parts) == 3:
            names[dotted] = f"b{int(parts[1]) + 1}"
    return names


def name_layer(outputs: Sequence[Value], z_names: Sequence[str], a_names: Sequence[str] | None) -> None:
    """Label a layer's activations (``a_h1``) and the linear nodes under them (``z_h1``); with
    ``a_names=None`` the outputs are the linear nodes themselves (an identity activation)."""
    for i, out in enumerate(outputs):
        if a_names is None:
            out.label = z_names[i]
        else:
            out.label = a_names[i]
            out.parents[0].label = z_names[i]


def name_half_squared_error(loss: Value, name: str) -> None:
    """Label the inner nodes of ½(t − o)²: the difference ``name`` and its square."""
    square = loss.parents[1]
    square.label = f"{name}²"
    square.parents[0].label = name


def local(child: Value, parent: Value) -> float:
    """The local derivative d(child)/d(parent) recorded on the edge (the first, if several)."""
    for p, g in zip(child.parents, child.local_grads):
        if p is parent:
            return g
    raise ValueError(f"{parent!r} is not an input of {child!r}")


class Recorder:
    """Collects the values, steps and figures of one replay."""

    def __init__(self, fmt: Format) -> None:
        self.fmt = fmt
        self.values: dict[str, float] = {}
        self.steps: list[Step] = []
        self.figures: list[Figure] = []
        self.page: Page | None = None

    def step(self, title: str, notes: Iterable[str] = ()) -> Step:
        step = Step(title, notes=list(notes))
        self.steps.append(step)
        return step

    def put(
        self, step: Step, key: str, value: float, name: str = "", formula: str = "", integer: bool = False
    ) -> float:
        """Record ``value`` under ``key`` and show it as a row of ``step``."""
        if key in self.values:
            raise KeyError(f"value {key!r} recorded twice")
        self.values[key] = float(value)
        step.rows.append(Row(key, name or key, formula, integer))
        return float(value)

    def keep(self, key: str, value: float) -> float:
        """Record ``value`` without showing it."""
        self.values[key] = float(value)
        return float(value)

    def explain(
        self, step: Step, root: Value, wrt: Value, method: Literal["paths", "deltas"] = "paths"
    ) -> None:
        result = explain(root, wrt, method=method, fmt=self.fmt, group=True)
        if not result.matches:
            raise AssertionError(f"the chain rule for {wrt.label} does not match grad: {result}")
        step.explanations.append((result.to_markdown(), result.to_text(), result.to_html()))

    def watch(self, root: Value, optimizer: Optimizer, inputs: Iterable[Value] = ()) -> None:
        """Record the step to watch: forward, zero_grad, backward edge by edge, update."""
        self.page = replay(root, optimizer=optimizer, inputs=inputs, group=True)

    def figure(
        self,
        name: str,
        caption: str,
        root: Value,
        inputs: Iterable[Value] = (),
        highlight: Value | None = None,
    ) -> None:
        svg = to_svg(root, fmt=self.fmt, inputs=inputs, highlight=highlight)
        self.figures.append(Figure(name, caption, svg))
