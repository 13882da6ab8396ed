"""``backward``, ``grad`` and ``zero_grad``: semantics, higher orders and very deep graphs."""

from __future__ import annotations

import math

import pytest

from autograd import Value, grad, topological_order, zero_grad


def test_leaf_gradients_accumulate_and_intermediates_hold_the_latest_call() -> None:
    x = Value(3.0, label="x")
    h = x * x
    y = h * 2.0
    y.backward()
    y.backward()
    assert x.grad == 2 * (2 * 2 * 3.0)  # leaves add up: two calls
    assert h.grad == 2.0  # intermediates: the latest call only
    assert y.grad == 1.0


def test_backward_with_a_seed_gradient() -> None:
    x = Value(2.0)
    (x * 5).backward(grad=0.5)
    assert x.grad == 2.5


def test_zero_grad_clears_a_whole_graph() -> None:
    x = Value(3.0)
    y = (x * x).exp()
    y.backward()
    zero_grad(y)
    assert all(node.grad == 0.0 for node in topological_order(y))


def test_topological_order_puts_parents_first() -> None:
    a = Value(1.0)
    b = a * a
    c = b + a
    d = c * b
    order = topological_order(d)
    position = {id(node): i for i, node in enumerate(order)}
    assert len(order) == 4 and order[-1] is d
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]


def test_grad_returns_floats_and_leaves_dot_grad_alone() -> None:
    x = Value(0.3)
    y = Value(-1.2)
    out = (x * y).sigmoid()
    dx, dy = grad(out, [x, y])
    s = 1 / (1 + math.exp(0.36))
    assert dx == pytest.approx(s * (1 - s) * -1.2, rel=1e-14)
    assert dy == pytest.approx(s * (1 - s) * 0.3, rel=1e-14)
    assert x.grad == 0.0 and y.grad == 0.0 and out.grad == 0.0


def test_grad_of_an_unrelated_input_is_zero() -> None:
    x, z = Value(1.0), Value(2.0)
    assert grad(x * 3, [z]) == [0.0]
    (gz,) = grad(x * 3, [z], create_graph=True)
    assert gz.data == 0.0


@pytest.mark.parametrize("x0", [-2.0, -0.3, 0.0, 0.7, 1.9])
def test_second_and_third_derivatives_of_tanh(x0: float) -> None:
    x = Value(x0)
    (d1,) = grad(x.tanh(), [x], create_graph=True)
    (d2,) = grad(d1, [x], create_graph=True)
    (d3,) = grad(d2, [x])
    t = math.tanh(x0)
    assert d1.data == pytest.approx(1 - t * t, abs=1e-15)
    assert d2.data == pytest.approx(-2 * t * (1 - t * t), abs=1e-15)
    assert d3 == pytest.approx(-2 * (1 - t * t) * (1 - 3 * t * t), abs=1e-14)


def test_mixed_second_derivative() -> None:
    x, y = Value(1.5), Value(-0.5)
    (dx,) = grad(x * x * y + y.exp() * x, [x], create_graph=True)
    dxx, dxy = grad(dx, [x, y])
    assert dxx == pytest.approx(2 * -0.5)
    assert dxy == pytest.approx(2 * 1.5 + math.exp(-0.5))


def test_create_graph_gradient_can_itself_be_backpropagated() -> None:
    x = Value(0.5)
    (dy,) = grad(x**4, [x], create_graph=True)  # 4x^3
    dy.backward()  # d/dx 4x^3 = 12x^2
    assert x.grad == pytest.approx(12 * 0.25)


def test_a_million_node_chain_backpropagates_without_recursion() -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(999_999):
        y = -y
    assert len(topological_order(y)) == 1_000_000
    y.backward()
    assert x.grad == -1.0  # (-1)^999999
    assert grad(y, [x]) == [-1.0]
    del y  # freeing a million nested nodes must not overflow the C stack either
