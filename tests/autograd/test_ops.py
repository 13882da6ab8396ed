"""Every row of the op table, property-tested on its valid domain with ``autograd.testing``.

For each op: the forward value against its textbook float formula, and the first and second
derivatives against central finite differences (``assert_gradients``, ``assert_second_order``,
and ``check_op`` over each op's own domain). A new shipped row without a case here fails
``test_every_op_has_a_case``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd.trig
from autograd import OPS, OpFunction, Value, cos, sin
from autograd.ops import _ROWS
from autograd.testing import PARAMS, assert_gradients, assert_second_order, check_op, values


@dataclass(frozen=True)
class Case:
    """How to exercise one op: ``build(p, *values)`` makes the node, ``reference(p, *floats)``
    is the textbook formula; ``points`` draws the inputs and ``param`` the constant parameter."""

    build: Callable[..., Value]
    points: st.SearchStrategy[list[float]]
    reference: Callable[..., float]
    param: st.SearchStrategy[Any] = field(default_factory=st.none)


def n_points(*strategies: st.SearchStrategy[float]) -> st.SearchStrategy[list[float]]:
    return st.tuples(*strategies).map(list)


def pairs_of(n_max: int, extra: int = 0) -> st.SearchStrategy[list[float]]:
    """2n (+ extra) points: n weights, n inputs (and a bias)."""
    return st.integers(1, n_max).flatmap(
        lambda n: st.lists(values(-3, 3), min_size=2 * n + extra, max_size=2 * n + extra)
    )


THOUSAND, HUNDRED = values(-1e3, 1e3), values(-100, 100)


def _dot(xs: tuple[float, ...]) -> float:
    n = len(xs) // 2
    return sum(w * x for w, x in zip(xs[:n], xs[n:]))


CASES: list[tuple[str, Case]] = [
    ("neg", Case(lambda p, x: -x, n_points(values(-100, 100)), lambda p, x: -x)),
    ("exp", Case(lambda p, x: x.exp(), n_points(values(-30, 30)), lambda p, x: math.e**x)),
    ("log", Case(lambda p, x: x.log(), n_points(values(1e-2, 1e3)), lambda p, x: math.log(x))),
    ("sqrt", Case(lambda p, x: x.sqrt(), n_points(values(1e-2, 1e3)), lambda p, x: x**0.5)),
    (
        "tanh",
        Case(
            lambda p, x: x.tanh(),
            n_points(values(-20, 20)),
            lambda p, x: (math.exp(x) - math.exp(-x)) / (math.exp(x) + math.exp(-x)),
        ),
    ),
    (
        "sigmoid",
        Case(lambda p, x: x.sigmoid(), n_points(values(-30, 30)), lambda p, x: 1 / (1 + math.exp(-x))),
    ),
    ("relu", Case(lambda p, x: x.relu(), n_points(values(-50, 50, avoid=(0.0,))), lambda p, x: max(x, 0.0))),
    (
        "leaky_relu",
        Case(
            lambda p, x: x.leaky_relu(p),
            n_points(values(-50, 50, avoid=(0.0,))),
            lambda p, x: x if x > 0 else p * x,
            param=values(0.0, 1.0),
        ),
    ),
    ("abs", Case(lambda p, x: abs(x), n_points(values(-50, 50, avoid=(0.0,))), lambda p, x: abs(x))),
    (
        "softplus",
        Case(lambda p, x: x.softplus(), n_points(values(-30, 30)), lambda p, x: math.log(1 + math.exp(x))),
    ),
    (
        "pow",
        Case(
            lambda p, x: x**p,
            n_points(values(0.1, 10)),
            lambda p, x: math.exp(p * math.log(x)),
            param=values(-3, 3),
        ),
    ),
    (
        "pow",  # a negative base needs an integer exponent
        Case(
            lambda p, x: x**p,
            n_points(values(-10, -0.1)),
            lambda p, x: math.prod([x] * int(p)) if p >= 0 else 1 / math.prod([x] * int(-p)),
            param=st.integers(-3, 4),
        ),
    ),
    (
        "rpow",
        Case(
            lambda p, x: p**x,
            n_points(values(-5, 5)),
            lambda p, x: math.exp(x * math.log(p)),
            param=values(0.1, 10),
        ),
    ),
    (
        "add",
        Case(lambda p, a, b: a + b, n_points(THOUSAND, THOUSAND), lambda p, a, b: a + b),
    ),
    (
        "sub",
        Case(lambda p, a, b: a - b, n_points(THOUSAND, THOUSAND), lambda p, a, b: a - b),
    ),
    (
        "mul",
        Case(lambda p, a, b: a * b, n_points(HUNDRED, HUNDRED), lambda p, a, b: a * b),
    ),
    (
        "div",
        Case(
            lambda p, a, b: a / b,
            n_points(values(-100, 100), values(-100, 100, avoid=(0.0,), gap=0.1)),
            lambda p, a, b: a / b,
        ),
    ),
    (
        "vpow",
        Case(
            lambda p, a, b: a**b,
            n_points(values(0.1, 10), values(-3, 3)),
            lambda p, a, b: math.exp(b * math.log(a)),
        ),
    ),
    (
        "sum",
        Case(
            lambda p, *xs: Value.sum(xs),
            st.lists(values(-100, 100), min_size=1, max_size=6),
            lambda p, *xs: sum(xs),
        ),
    ),
    (
        "dot",
        Case(
            lambda p, *xs: Value.dot(xs[: len(xs) // 2], xs[len(xs) // 2 :]),
            pairs_of(4),
            lambda p, *xs: _dot(xs),
        ),
    ),
    (
        "linear",
        Case(
            lambda p, *xs: Value.linear(xs[: len(xs) // 2], xs[len(xs) // 2 : -1], xs[-1]),
            pairs_of(4, extra=1),
            lambda p, *xs: _dot(xs[:-1]) + xs[-1],
        ),
    ),
    ("sin", Case(lambda p, x: sin(x), n_points(values(-10, 10)), lambda p, x: math.sin(x))),
    ("cos", Case(lambda p, x: cos(x), n_points(values(-10, 10)), lambda p, x: math.cos(x))),
    (
        "logsumexp",
        Case(
            lambda p, *xs: Value.logsumexp(xs),
            st.lists(values(-30, 30), min_size=1, max_size=6),
            lambda p, *xs: math.log(sum(math.exp(x) for x in xs)),
        ),
    ),
]

IDS = [name for name, _ in CASES]


# The rows chainrule ships: the table's own, and the ops autograd defines with define_op. Other
# rows of OPS come from define_op calls in tests and examples.
SHIPPED = {op.name for op in _ROWS} | {
    f.name for f in vars(autograd.trig).values() if isinstance(f, OpFunction)
}


def test_every_op_has_a_case() -> None:
    assert {"sin", "cos"} | {op.name for op in _ROWS} == SHIPPED
    assert set(OPS) >= SHIPPED
    assert {name for name, _ in CASES} == SHIPPED


UNARY_AND_BINARY = sorted(name for name in SHIPPED if OPS[name].arity is not None)


@pytest.mark.parametrize("name", UNARY_AND_BINARY)
def test_check_op_passes_on_every_unary_and_binary_row(name: str) -> None:
    check_op(name, param=PARAMS[name][0] if name in PARAMS else None, max_examples=40)


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
@given(data=st.data())
def test_forward_matches_textbook_formula(name: str, case: Case, data: st.DataObject) -> None:
    points = data.draw(case.points, label="points")
    p = data.draw(case.param, label="param")
    node = case.build(p, *[Value(x) for x in points])
    assert node.op == name
    assert node.data == pytest.approx(case.reference(p, *points), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
@given(data=st.data())
def test_local_grads_are_floats_aligned_with_parents(name: str, case: Case, data: st.DataObject) -> None:
    points = data.draw(case.points, label="points")
    p = data.draw(case.param, label="param")
    inputs = [Value(x) for x in points]
    node = case.build(p, *inputs)
    assert node.parents == tuple(inputs)
    assert len(node.local_grads) == len(node.parents)
    assert all(type(g) is float for g in node.local_grads)
    assert all(node.local_formula(i) for i in range(len(node.parents)))


@pytest.mark.parametrize("check", [assert_gradients, assert_second_order], ids=["first", "second"])
@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
@given(data=st.data())
def test_derivatives_match_finite_differences(
    check: Callable[..., None], name: str, case: Case, data: st.DataObject
) -> None:
    """The first derivatives (``assert_gradients``) and the second (``assert_second_order``)."""
    points = data.draw(case.points, label="points")
    p = data.draw(case.param, label="param")
    check(lambda *xs: case.build(p, *xs), points)


def _evaluate(text: str, namespace: dict[str, object]) -> float:
    """A formula of the op table as Python: ``^`` is a power; a ``name = value`` keeps the value."""
    expression = text.split(" = ")[-1].replace("^", "**")
    return float(eval(expression, {"__builtins__": {}}, namespace))  # our own table's text


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
@given(data=st.data())
def test_every_formula_and_reading_evaluates_to_the_local_derivative(
    name: str, case: Case, data: st.DataObject
) -> None:
    from viz.naming import argument_names

    points = data.draw(case.points, label="points")
    p = data.draw(case.param, label="param")
    node = case.build(p, *[Value(x) for x in points])
    rule = node.rule
    assert rule is not None
    namespace: dict[str, object] = {
        **dict(zip(argument_names(node), points)),
        "y": node.data,
        "x": points if rule.arity is None else points[0],
        "exp": math.exp,
        "log": math.log,
        "sqrt": math.sqrt,
        "tanh": math.tanh,
        "sigmoid": lambda v: 1 / (1 + math.exp(-v)),
        "sign": lambda v: (v > 0) - (v < 0),
        "sin": math.sin,
        "cos": math.cos,
        "logsumexp": lambda vs: math.log(sum(math.exp(v) for v in vs)),
    }
    if rule.arity == 2:
        namespace.update(a=points[0], b=points[1])
    n = len(points)
    for i, local in enumerate(node.local_grads):
        for text in (node.local_formula(i), rule.reading(i, n, node.param)):
            assert _evaluate(text, namespace) == pytest.approx(local, rel=1e-9, abs=1e-9), text
