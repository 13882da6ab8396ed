"""Random expression DAGs (shared sub-expressions, reused nodes, ``a op a``) against finite
differences, for first and second derivatives, ``backward`` and ``grad`` alike."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, grad, gradcheck, gradgradcheck
from autograd.testing import values

# Each step combines two earlier nodes (possibly the same one) through a smooth, bounded
# expression that stays inside every op's domain, so finite differences are meaningful.
STEPS: dict[str, Callable[[Value, Value], Value]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b.tanh(),
    "div": lambda a, b: a / (1 + b * b),
    "neg": lambda a, b: -a,
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: (a - b).sigmoid(),
    "exp": lambda a, b: (a / (1 + a * a)).exp(),
    "log": lambda a, b: (1 + a * a).log(),
    "sqrt": lambda a, b: (1 + b * b).sqrt() * a.tanh(),
    "pow": lambda a, b: a.tanh() ** 3,
    "vpow": lambda a, b: (a.sigmoid() + 0.5) ** b.tanh(),
    "rpow": lambda a, b: 2 ** a.tanh(),
    "softplus": lambda a, b: a.softplus() - b,
    "sum": lambda a, b: Value.sum([a, b, a, 1.0]),
    "linear": lambda a, b: Value.linear([a, b], [b.tanh(), 0.5], a),
    "logsumexp": lambda a, b: Value.logsumexp([a.tanh(), b.tanh(), 0.0]),
}

Recipe = tuple[list[float], list[tuple[str, int, int]]]


@st.composite
def recipes(draw: st.DrawFn, max_steps: int = 12) -> Recipe:
    """Leaf values and a list of steps (op, index of a, index of b) over earlier nodes."""
    leaves = draw(st.lists(values(-2, 2), min_size=1, max_size=4))
    steps = draw(
        st.lists(
            st.tuples(st.sampled_from(sorted(STEPS)), st.integers(0, 10**6), st.integers(0, 10**6)),
            min_size=1,
            max_size=max_steps,
        )
    )
    return leaves, steps


def build(recipe: Recipe) -> Callable[..., Value]:
    """The recipe as a function of its leaves; the output sums every node built."""
    _, steps = recipe

    def f(*leaves: Value) -> Value:
        nodes = list(leaves)
        for name, i, j in steps:
            nodes.append(STEPS[name](nodes[i % len(nodes)], nodes[j % len(nodes)]))
        return Value.sum(nodes[len(leaves) :])

    return f


@given(recipes())
@settings(max_examples=300)
def test_random_graphs_first_derivatives(recipe: Recipe) -> None:
    leaves, _ = recipe
    assert gradcheck(build(recipe), leaves, atol=1e-4, rtol=1e-3)


@given(recipes(max_steps=6))
@settings(max_examples=100)
def test_random_graphs_second_derivatives(recipe: Recipe) -> None:
    leaves, _ = recipe
    assert gradgradcheck(build(recipe), leaves, atol=1e-4, rtol=1e-3)


@given(recipes())
@settings(max_examples=200)
def test_backward_agrees_with_grad_and_create_graph(recipe: Recipe) -> None:
    leaves_data, _ = recipe
    leaves = [Value(x) for x in leaves_data]
    out = build(recipe)(*leaves)
    out.backward()
    via_backward = [leaf.grad for leaf in leaves]
    via_grad = grad(out, leaves)
    via_values = [g.data for g in grad(out, leaves, create_graph=True)]
    assert via_grad == pytest.approx(via_backward, rel=1e-12, abs=1e-12)
    assert via_values == pytest.approx(via_backward, rel=1e-9, abs=1e-12)
