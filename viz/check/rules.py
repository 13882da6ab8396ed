"""The textbook's rules, one formula per place in backpropagation where a person can go wrong.

Each *site* is a formula over a few named local values; the checker evaluates the standard
formula, and a mistake from the catalogue (``mistakes.toml``) replaces one or more of them.
Formulas are small Python expressions, checked to use nothing but numbers, these names,
arithmetic and a few math functions.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any

from autograd.ops import Op

from .arithmetic import FLOAT64
from .refs import function_row

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# site -> the local names its formula may use, and what the site computes.
SITES: dict[str, tuple[tuple[str, ...], str]] = {
    "activation_derivative": (
        ("a", "z", "a_j", "kron"),
        "∂a/∂z of a neuron's activation (softmax: ∂a_i/∂z_j, with a_j and kron = 1 if i = j)",
    ),
    "loss_derivative": (("a", "t", "c"), "∂(loss term)/∂a for one output a with target t (c: ½ or 1)"),
    "output_reduction": (("n", "scale"), "the factor that combines one sample's n output terms"),
    "batch_reduction": (("n", "scale"), "the factor that combines the n samples' losses"),
    "shared_bias": (("total", "n"), "a shared bias's gradient from the total over the n neurons it feeds"),
    "weight_backprop": (("w", "w_next"), "∂z/∂a_in: the weight, before (w) or after (w_next) the step"),
    "sgd_step": (("p", "lr", "g"), "a parameter after one SGD step"),
    "adam_correction": (("m", "beta", "t"), "Adam's bias-corrected moment (t: the step number)"),
    "adam_step": (("p", "lr", "mhat", "vhat", "eps"), "a parameter after one Adam step"),
    "momentum": (
        ("mu", "v", "g"),
        "SGD's velocity after a step: momentum times the last one plus the gradient",
    ),
    # Expression graphs: the chain rule's steps and the local derivatives a person works out.
    "chain_product": (("upstream", "local"), "one path's term: the upstream gradient times the local one"),
    "fork": (("total", "first"), "a node used more than once: its gradient from all its uses (first: one)"),
    "sub_second": ((), "∂(a − b)/∂b"),
    "quotient_second": (("a", "b"), "∂(a / b)/∂b (for 1/x: a = 1)"),
}


STANDARD: dict[str, str] = {
    "loss_derivative.squared_error": "c * 2 * (a - t)",
    "loss_derivative.cross_entropy": "-t / a",
    "output_reduction": "scale",
    "batch_reduction": "scale",
    "shared_bias": "total",
    "weight_backprop": "w",
    "sgd_step": "p - lr * g",
    "adam_correction.on": "m / (1 - beta ** t)",
    "adam_correction.off": "m",
    "adam_step": "p - lr * mhat / (sqrt(vhat) + eps)",
    "momentum": "mu * v + g",
    "chain_product": "upstream * local",
    "fork": "total",
    "sub_second": "-1",
    "quotient_second": "-a / b ** 2",
    # The layer activations that are not functions of one input; every other activation's rule
    # is its op-table row's (``function_derivative``).
    "activation_derivative.identity": "1",
    "activation_derivative.softmax": "a * (kron - a_j)",
}

_FUNCTIONS: dict[str, Callable[..., float]] = FLOAT64.functions()
_ALLOWED = (
    ast.IfExp,
    ast.Compare,
    ast.cmpop,
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.operator,
    ast.unaryop,
)


@dataclass(frozen=True)
class Formula:
    """A compiled site formula."""

    text: str
    code: CodeType
    own: Mapping[str, Callable[..., Any]] = field(default_factory=dict)  # functions of its own

    def __call__(
        self, values: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]] | None = None
    ) -> Any:
        """The formula on ``values``; with ``functions`` (an arithmetic's own sqrt, exp, ...) the
        result is that arithmetic's number, else a float."""
        names = {"__builtins__": {}, **(functions or _FUNCTIONS), **self.own}
        result = eval(self.code, names, dict(values))
        return result if functions is not None else float(result)


def compile_formula(text: str, names: tuple[str, ...], where: str) -> Formula:
    """Compile ``text``, allowing only ``names``, numbers, arithmetic, comparisons, ``if``/``else``
    and the functions sqrt, exp, log, tanh, sigmoid, relu, abs, sign and step.

    >>> compile_formula("c * (a - t)", ("a", "t", "c"), "example")({"a": 0.7, "t": 1.0, "c": 1.0})
    -0.30000000000000004
    """
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"{where}: cannot read the formula {text!r}: {exc.msg}") from exc
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ValueError(f"{where}: {type(node).__name__} is not allowed in a formula: {text!r}")
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS
        ):
            raise ValueError(f"{where}: only {sorted(_FUNCTIONS)} may be called in {text!r}")
        if isinstance(node, ast.Name) and node.id not in names and node.id not in _FUNCTIONS:
            raise ValueError(f"{where}: unknown name {node.id!r} in {text!r}; this site knows {list(names)}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ValueError(f"{where}: only numbers may appear in {text!r}")
    return Formula(text, compile(tree, where, "eval"))


def site_of(key: str) -> str:
    return key.split(".", 1)[0]


STANDARD_FORMULAS = {
    key: compile_formula(text, SITES[site_of(key)][0], key) for key, text in STANDARD.items()
}


def standard_formula(site: str, variant: str = "") -> Formula:
    """The textbook's formula at a site; an activation's derivative is its op-table row's."""
    key = f"{site}.{variant}" if variant else site
    formula = STANDARD_FORMULAS.get(key)
    if formula is None and site == "activation_derivative":
        return function_derivative(variant)
    if formula is None:
        raise KeyError(f"no standard formula for {key!r}")
    return formula


_DERIVED: dict[str, tuple[Op, Formula]] = {}


def function_derivative(op: str) -> Formula:
    """The local derivative of a function of one input as the textbook writes it: its op-table
    row's reading (sigmoid: ``y*(1 - y)``) with ``a`` for the output and ``z`` for the input.
    A reading beyond the formula language (an op of ``define_op`` may write anything) keeps its
    text and evaluates the row's own derivative rule, in float64.

    >>> function_derivative("sigmoid").text, function_derivative("relu").text
    ('a*(1 - a)', '1 if z > 0 else 0')
    """
    row = function_row(op)
    if row is None:
        raise ValueError(f"no derivative of {op}: not a function of one input in the op table")
    cached = _DERIVED.get(row.name)
    if cached is not None and cached[0] is row:  # define_op may have replaced the row since
        return cached[1]
    reading = row.reading(0, 1).replace("^", "**")
    text = re.sub(r"\b[xy]\b", lambda m: "z" if m.group() == "x" else "a", reading)
    where = f"activation_derivative.{row.name}"
    try:
        formula = compile_formula(text, SITES["activation_derivative"][0], where)
    except ValueError:
        formula = Formula(text, compile("derivative(z)", where, "eval"), {"derivative": _row_derivative(row)})
    _DERIVED[row.name] = (row, formula)
    return formula


def _row_derivative(row: Op) -> Callable[[Any], float]:
    def derivative(z: Any) -> float:
        x = float(z)
        return float(row.run_derivative([x], row.forward(x), None)[0])

    return derivative


@dataclass(frozen=True)
class Mistake:
    """A named conceptual mistake: the sites whose formulas it replaces, and when it applies."""

    id: str
    title: str
    description: str
    rules: dict[str, Formula]
    when: dict[str, Any] = field(default_factory=dict)

    def applies(self, facts: Mapping[str, Any]) -> bool:
        """Whether the setup described by ``facts`` can show this mistake at all."""
        for key, wanted in self.when.items():
            fact = key.removesuffix("_min")
            if fact not in facts:  # a fact of another kind of setup: not this one's mistake
                return False
            if key.endswith("_min"):
                if facts[fact] < wanted:
                    return False
            elif facts[fact] != wanted:
                return False
        return True


FACTS = (
    "setup",  # network or graph
    "loss",
    "half",
    "optimizer",
    "bias_correction",
    "shared_bias",
    "batch",
    "outputs",
    "layers",
    "steps",
)
CATALOGUE_PATH = Path(__file__).with_name("mistakes.toml")


def load_catalogue(path: Path = CATALOGUE_PATH) -> list[Mistake]:
    """The mistake catalogue: data beside the checker."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    mistakes = []
    for i, raw in enumerate(data.get("mistake", [])):
        where = f"{path.name}: mistake {i + 1}"
        ident = raw.get("id")
        rules = {}
        for site, text in raw.get("rules", {}).items():
            if site not in SITES:
                raise ValueError(f"{where} ({ident}): unknown site {site!r}; sites are {sorted(SITES)}")
            rules[site] = compile_formula(text, SITES[site][0], f"{where} ({ident}) {site}")
        when = dict(raw.get("when", {}))
        unknown = [k for k in when if k.removesuffix("_min") not in FACTS]
        if unknown or not ident or not rules:
            raise ValueError(f"{where}: needs an id and rules, and 'when' keys from {FACTS}; got {raw!r}")
        mistakes.append(Mistake(ident, raw.get("title", ident), raw.get("description", ""), rules, when))
    return mistakes
