"""Hand-worked examples made to order, for testing the checker on cases with a known answer.

A ``Hand`` is a person working a 2-2-n network through one training step on paper: each step
computed with plain floats from the numbers *printed before it* (so rounding and slips carry
forward, as on paper), then printed to a fixed number of digits. Nothing here uses chainrule.
A test can print the exact values instead, truncate them, slip at one step, make one of the
catalogue's mistakes at one step, or garble one number's digits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

Values = dict[str, float]
Rule = Callable[[Values], float]


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def text_of(value: float) -> str:
    """How the hand prints a number: 6 decimals, or 4 significant digits when tiny."""
    if value != 0 and abs(value) < 1e-3:
        return f"{value:.4e}"
    return f"{value:.6f}"


def truncated_text(value: float) -> str:
    """The same digits, cut instead of rounded."""
    if value != 0 and abs(value) < 1e-3:
        mantissa, exponent = f"{value:.12e}".split("e")
        return f"{mantissa[: mantissa.index('.') + 5]}e{exponent}"
    whole = math.trunc(value * 1e6) / 1e6
    return f"{whole:.6f}"


@dataclass(frozen=True)
class Setup:
    """A 2-2-n sigmoid network, a batch, a loss convention and an optimizer."""

    w1: tuple[tuple[float, float], tuple[float, float]]
    b1: float | tuple[float, float]  # a float: one bias shared by the hidden layer
    w2: tuple[tuple[float, float], ...]  # n_out rows
    b2: tuple[float, ...]
    inputs: tuple[tuple[float, float], ...]  # batch rows
    targets: tuple[tuple[float, ...], ...]
    half: bool = True
    outputs: str = "sum"
    batch: str = "mean"
    optimizer: str = "sgd"
    lr: float = 0.5
    bias_correction: bool = True

    @property
    def n_out(self) -> int:
        return len(self.w2)

    @property
    def shared(self) -> bool:
        return isinstance(self.b1, float)

    def mapping(self, printed: list[dict[str, str]]) -> dict[str, Any]:
        """The worked-example file for ``viz.check`` (as a mapping)."""
        optimizer: dict[str, Any] = {"kind": self.optimizer, "lr": self.lr}
        if self.optimizer == "adam":
            optimizer["bias_correction"] = self.bias_correction
        return {
            "id": "synthetic",
            "title": "a hand-worked example made to order",
            "network": {
                "inputs": 2,
                "layers": [
                    {"activation": "sigmoid", "weights": [list(r) for r in self.w1], "bias": _bias(self.b1)},
                    {"activation": "sigmoid", "weights": [list(r) for r in self.w2], "bias": list(self.b2)},
                ],
            },
            "data": {"inputs": [list(x) for x in self.inputs], "targets": [list(t) for t in self.targets]},
            "loss": {
                "kind": "squared_error",
                "half": self.half,
                "outputs": self.outputs,
                "batch": self.batch,
            },
            "optimizer": [optimizer],
            "training": {"steps": 1},
            "printed": printed,
        }


def _bias(b: float | tuple[float, float]) -> float | list[float]:
    return b if isinstance(b, float) else list(b)


@dataclass
class Step:
    quantity: str
    formula: str
    rule: Rule


@dataclass
class Hand:
    """The steps of the calculation, in the order a textbook prints them."""

    setup: Setup
    steps: list[Step] = field(default_factory=list)

    def __post_init__(self) -> None:
        s = self.setup
        B, n = len(s.inputs), s.n_out
        c = 0.5 if s.half else 1.0
        scale_o = 1.0 / n if s.outputs == "mean" else 1.0
        scale_b = 1.0 / B if s.batch == "mean" else 1.0
        hidden_bias = [s.b1, s.b1] if isinstance(s.b1, float) else list(s.b1)
        b1_names = ["b1", "b1"] if s.shared else ["b1_1", "b1_2"]
        add = self.add
        for i in range(1, B + 1):
            x = s.inputs[i - 1]
            for j in (1, 2):
                w = s.w1[j - 1]
                add(
                    f"z1_{j}[{i}]",
                    f"W1_{j}1*x1[{i}] + W1_{j}2*x2[{i}] + {b1_names[j - 1]}",
                    lambda P, w=w, x=x, b=hidden_bias[j - 1]: w[0] * x[0] + w[1] * x[1] + b,
                )
                add(f"a1_{j}[{i}]", f"sigmoid(z1_{j}[{i}])", lambda P, q=f"z1_{j}[{i}]": sig(P[q]))
            for m in range(1, n + 1):
                w, b = s.w2[m - 1], s.b2[m - 1]
                add(
                    f"z2_{m}[{i}]",
                    f"W2_{m}1*a1_1[{i}] + W2_{m}2*a1_2[{i}] + b2_{m}",
                    lambda P, w=w, b=b, i=i: w[0] * P[f"a1_1[{i}]"] + w[1] * P[f"a1_2[{i}]"] + b,
                )
                add(f"a2_{m}[{i}]", f"sigmoid(z2_{m}[{i}])", lambda P, q=f"z2_{m}[{i}]": sig(P[q]))
            t = s.targets[i - 1]
            terms = " + ".join(f"{c}*(a2_{m}[{i}] - t{m}[{i}])^2" for m in range(1, n + 1))
            add(
                f"E[{i}]",
                f"({terms}) * {scale_o}",
                lambda P, i=i, t=t: (
                    scale_o * sum(c * (P[f"a2_{m}[{i}]"] - t[m - 1]) ** 2 for m in range(1, n + 1))
                ),
            )
        if B > 1:
            add("E", f"(E[1] + E[2]) * {scale_b}", lambda P: scale_b * (P["E[1]"] + P["E[2]"]))
        for i in range(1, B + 1):
            t = s.targets[i - 1]
            for m in range(1, n + 1):
                a = f"a2_{m}[{i}]"
                add(
                    f"dE[{i}]/d{a}",
                    f"{scale_o} * {c} * 2 * ({a} - t{m}[{i}])",
                    lambda P, a=a, tm=t[m - 1]: scale_o * c * 2 * (P[a] - tm),
                )
                add(f"d{a}/dz2_{m}[{i}]", f"{a} * (1 - {a})", lambda P, a=a: P[a] * (1 - P[a]))
                add(
                    f"dE[{i}]/dz2_{m}[{i}]",
                    f"dE[{i}]/d{a} * d{a}/dz2_{m}[{i}]",
                    lambda P, a=a, i=i, m=m: P[f"dE[{i}]/d{a}"] * P[f"d{a}/dz2_{m}[{i}]"],
                )
            for j in (1, 2):
                a = f"a1_{j}[{i}]"
                add(
                    f"dE[{i}]/d{a}",
                    " + ".join(f"dE[{i}]/dz2_{m}[{i}] * W2_{m}{j}" for m in range(1, n + 1)),
                    lambda P, i=i, j=j: sum(
                        P[f"dE[{i}]/dz2_{m}[{i}]"] * s.w2[m - 1][j - 1] for m in range(1, n + 1)
                    ),
                )
                add(f"d{a}/dz1_{j}[{i}]", f"{a} * (1 - {a})", lambda P, a=a: P[a] * (1 - P[a]))
                add(
                    f"dE[{i}]/dz1_{j}[{i}]",
                    f"dE[{i}]/d{a} * d{a}/dz1_{j}[{i}]",
                    lambda P, a=a, i=i, j=j: P[f"dE[{i}]/d{a}"] * P[f"d{a}/dz1_{j}[{i}]"],
                )
        samples = range(1, B + 1)

        def total(term: Callable[[int], str]) -> str:
            return f"({' + '.join(term(i) for i in samples)}) * {scale_b}"

        grads: list[tuple[str, float]] = []
        for m in range(1, n + 1):
            for j in (1, 2):
                name = f"W2_{m}{j}"
                add(
                    f"dE/d{name}",
                    total(lambda i, m=m, j=j: f"dE[{i}]/dz2_{m}[{i}] * a1_{j}[{i}]"),
                    lambda P, m=m, j=j: (
                        scale_b * sum(P[f"dE[{i}]/dz2_{m}[{i}]"] * P[f"a1_{j}[{i}]"] for i in samples)
                    ),
                )
                grads.append((name, s.w2[m - 1][j - 1]))
            add(
                f"dE/db2_{m}",
                total(lambda i, m=m: f"dE[{i}]/dz2_{m}[{i}]"),
                lambda P, m=m: scale_b * sum(P[f"dE[{i}]/dz2_{m}[{i}]"] for i in samples),
            )
            grads.append((f"b2_{m}", s.b2[m - 1]))
        for j in (1, 2):
            for k in (1, 2):
                name = f"W1_{j}{k}"
                add(
                    f"dE/d{name}",
                    total(lambda i, j=j, k=k: f"dE[{i}]/dz1_{j}[{i}] * x{k}[{i}]"),
                    lambda P, j=j, k=k: (
                        scale_b * sum(P[f"dE[{i}]/dz1_{j}[{i}]"] * s.inputs[i - 1][k - 1] for i in samples)
                    ),
                )
                grads.append((name, s.w1[j - 1][k - 1]))
        if s.shared:
            add(
                "dE/db1",
                total(lambda i: f"dE[{i}]/dz1_1[{i}] + dE[{i}]/dz1_2[{i}]"),
                lambda P: scale_b * sum(P[f"dE[{i}]/dz1_1[{i}]"] + P[f"dE[{i}]/dz1_2[{i}]"] for i in samples),
            )
            grads.append(("b1", hidden_bias[0]))
        else:
            for j in (1, 2):
                add(
                    f"dE/db1_{j}",
                    total(lambda i, j=j: f"dE[{i}]/dz1_{j}[{i}]"),
                    lambda P, j=j: scale_b * sum(P[f"dE[{i}]/dz1_{j}[{i}]"] for i in samples),
                )
                grads.append((f"b1_{j}", hidden_bias[j - 1]))
        for name, value in grads:
            g = f"dE/d{name}"
            if s.optimizer == "sgd":
                add(f"{name}'", f"{name} - {s.lr} * {g}", lambda P, g=g, value=value: value - s.lr * P[g])
                continue
            add(f"m({name})", f"0.1 * {g}", lambda P, g=g: 0.1 * P[g])
            add(f"v({name})", f"0.001 * {g}^2", lambda P, g=g: 0.001 * P[g] ** 2)
            c1, c2 = (0.1, 0.001) if s.bias_correction else (1.0, 1.0)
            add(
                f"{name}'",
                f"{name} - {s.lr} * (m({name}) / {c1}) / (sqrt(v({name}) / {c2}) + 1e-8)",
                lambda P, name=name, value=value, c1=c1, c2=c2: (
                    value - s.lr * (P[f"m({name})"] / c1) / (math.sqrt(P[f"v({name})"] / c2) + 1e-8)
                ),
            )

    def add(self, quantity: str, formula: str, rule: Rule) -> None:
        self.steps.append(Step(quantity, formula, rule))

    def index(self, quantity: str) -> int:
        return next(i for i, step in enumerate(self.steps) if step.quantity == quantity)

    def exact(self) -> Values:
        """Every quantity computed without rounding: the truth, by hand."""
        values: Values = {}
        for step in self.steps:
            values[step.quantity] = step.rule(values)
        return values

    def document(
        self,
        printer: Callable[[float], str] = text_of,
        step_by_step: bool = True,
        slip: tuple[int, int] | None = None,
        wrong_rule: tuple[str, Rule] | None = None,
        garble: tuple[int, str] | None = None,
    ) -> list[dict[str, str]]:
        """The printed numbers. ``step_by_step``: each from the numbers printed before it (else
        from the exact values); ``slip=(k, units)`` adds units of the last digit at step k;
        ``wrong_rule=(quantity, rule)`` computes one quantity by a mistaken rule; ``garble=(k,
        text)`` prints other digits at step k while later steps keep the right value."""
        exact = self.exact()
        printed: Values = {}
        out = []
        for k, step in enumerate(self.steps):
            rule = wrong_rule[1] if wrong_rule is not None and wrong_rule[0] == step.quantity else step.rule
            value = rule(printed if step_by_step else exact)
            text = printer(value)
            if slip is not None and slip[0] == k:
                text = printer(float(text) + slip[1] * unit_of(text))
            printed[step.quantity] = float(text)
            if garble is not None and garble[0] == k:
                text = garble[1]
            out.append(
                {"quantity": step.quantity, "where": f"step {k}", "printed": text, "formula": step.formula}
            )
        return out


def unit_of(text: str) -> float:
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 10.0 ** (int(exponent or 0) - decimals)


def weights(lo: float = -1.0, hi: float = 1.0) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False).map(lambda x: round(x, 2)).filter(lambda x: abs(x) >= 0.05)


@st.composite
def setups(draw: st.DrawFn, **fixed: Any) -> Setup:
    """A random small setup; keyword arguments fix any field."""
    n_out = fixed.pop("n_out", None) or draw(st.integers(1, 2))
    batch = fixed.pop("batch_size", None) or draw(st.integers(1, 2))
    shared = fixed.pop("shared", None)
    if shared is None:
        shared = draw(st.booleans())
    pair = st.tuples(weights(), weights())
    values: dict[str, Any] = {
        "w1": draw(st.tuples(pair, pair)),
        "b1": draw(weights()) if shared else draw(pair),
        "w2": tuple(draw(pair) for _ in range(n_out)),
        "b2": tuple(draw(weights()) for _ in range(n_out)),
        "inputs": tuple(draw(st.tuples(weights(0.0, 1.0), weights(0.0, 1.0))) for _ in range(batch)),
        "targets": tuple(tuple(draw(weights(0.0, 1.0)) for _ in range(n_out)) for _ in range(batch)),
        "half": draw(st.booleans()),
        "outputs": draw(st.sampled_from(["sum", "mean"])),
        "batch": draw(st.sampled_from(["sum", "mean"])),
        "optimizer": draw(st.sampled_from(["sgd", "adam"])),
        "lr": draw(st.sampled_from([0.1, 0.5, 1.0])),
        "bias_correction": draw(st.booleans()),
    }
    values.update(fixed)
    return Setup(**values)
