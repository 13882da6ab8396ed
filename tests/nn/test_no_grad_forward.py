"""Under ``no_grad`` layers compute on plain floats: the very same numbers, no nodes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, no_grad
from autograd.testing import values
from nn import MLP, Layer

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "log_softmax"]


@given(
    hidden=st.sampled_from(ACTIVATIONS[:5]),
    output=st.sampled_from(ACTIVATIONS),
    seed=st.integers(0, 10**6),
    x=st.lists(values(-3, 3), min_size=3, max_size=3),
    shared=st.booleans(),
)
@settings(max_examples=150)
def test_no_grad_forward_equals_the_recorded_forward_exactly(hidden, output, seed, x, shared) -> None:  # type: ignore[no-untyped-def]
    net = MLP(3, [4, 3], activation=hidden, output_activation=output, seed=seed, shared_bias=shared)
    recorded = [v.data for v in net(x)]
    with no_grad():
        plain = net(x)
        by_layer = net.layers[1](net.layers[0](x))
    assert [v.data for v in plain] == recorded  # bit for bit
    assert [v.data for v in by_layer] == recorded
    assert all(v.is_leaf for v in plain)


def test_custom_activations_and_value_inputs_still_work_without_a_graph() -> None:
    net = MLP(2, [3, 1], activation=lambda v: v * v, seed=0)
    x = [Value(0.5), 2]
    recorded = net(x).data
    with no_grad():
        out = net(x)
    assert out.data == recorded and out.is_leaf


def test_errors_under_no_grad_are_the_value_paths_clear_errors() -> None:
    layer = Layer(1, 1, weights=[[1e200]], biases=[0.0])
    with no_grad(), pytest.raises(OverflowError, match=r"linear: got inputs \[1e\+200, 1e\+200, 0.0\]"):
        layer([1e200])
    with no_grad(), pytest.raises(TypeError, match=r"Value: expected a Value, int or float, got str 'a'"):
        layer(["a"])
