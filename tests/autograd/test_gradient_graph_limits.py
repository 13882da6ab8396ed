"""The graph of a gradient may hold a local derivative that is infinite (the second derivative of
log at 1e-160): the first derivative is still returned, and only a pass that multiplies by that
local derivative raises, naming it."""

from __future__ import annotations

import math

import pytest

from autograd import Value, grad

INFINITE = r"local derivative of div is infinite at a = 1\.0, b = 1e-160 .*create_graph=True"


def first_derivative_of_log_at_a_tiny_x() -> tuple[Value, Value]:
    x = Value(1e-160)
    (g,) = grad(x.log(), [x], create_graph=True)
    return x, g


def test_the_first_derivative_is_returned() -> None:
    x, g = first_derivative_of_log_at_a_tiny_x()
    assert math.isclose(g.data, 1 / x.data, rel_tol=1e-15)


def test_a_second_derivative_through_it_raises_naming_it() -> None:
    x, g = first_derivative_of_log_at_a_tiny_x()
    with pytest.raises(ValueError, match=INFINITE):
        grad(g, [x])


def test_backward_through_it_raises_and_leaves_the_gradients_as_they_were() -> None:
    x, g = first_derivative_of_log_at_a_tiny_x()
    x.grad = 0.25
    with pytest.raises(ValueError, match=INFINITE):
        g.backward()
    assert x.grad == 0.25


def test_an_infinite_local_derivative_that_nothing_uses_raises_nothing() -> None:
    x, g = first_derivative_of_log_at_a_tiny_x()
    h = g * 0.0 + x
    (dh,) = grad(h, [x])
    assert dh == 1.0
    h.backward()
    assert x.grad == 1.0


def test_outside_the_graph_of_a_gradient_it_still_raises_while_recording() -> None:
    with pytest.raises(ValueError, match=r"sqrt: the local derivative is infinite"):
        Value(0.0).sqrt()
    with pytest.raises(ValueError, match=r"div: the local derivative is infinite"):
        1.0 / Value(1e-160)
