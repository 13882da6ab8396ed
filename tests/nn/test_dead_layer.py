"""An ``MLP`` whose hidden ReLU layer gives only zeros warns once, where it is called, that
training has stalled; the claim in the warning (no gradient reaches the weights before the
layer) holds in every case that warns."""

from __future__ import annotations

import warnings

import pytest

from autograd import Value
from nn import MLP, DeadLayerWarning
from nn.layers import DEAD_LAYER_CALLS

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def dead_first_layer() -> MLP:
    """Layer 1 gives relu(-(x1 + x2 + x3) - 10) = 0 for every input of XS."""
    return MLP(
        3,
        [2, 1],
        weights=[[[-1.0, -1.0, -1.0], [-1.0, -1.0, -1.0]], [[0.5, 0.5]]],
        biases=[[-10.0, -10.0], [0.1]],
    )


def calls(net: MLP, n: int) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i in range(n):
            net(XS[i % len(XS)])
    return [w for w in caught if issubclass(w.category, DeadLayerWarning)]


def test_it_warns_once_at_the_set_number_of_calls_and_names_the_layer_and_the_fix() -> None:
    net = dead_first_layer()
    assert calls(net, DEAD_LAYER_CALLS - 1) == []
    (warning,) = calls(net, 1)
    text = str(warning.message)
    assert "every ReLU of layer 1 has output 0" in text
    assert 'MLP(3, [2, 1], activations="tanh")' in text
    assert warning.filename == __file__  # points at the caller's line
    assert calls(net, 5 * DEAD_LAYER_CALLS) == []


def test_what_it_says_holds_no_gradient_reaches_the_first_layer() -> None:
    net = dead_first_layer()
    loss = sum(((net(x) - y) ** 2 for x, y in zip(XS, YS)), Value(0.0))
    loss.backward()
    first = [p for name, p in net.named_parameters() if name.startswith("layers.0.")]
    assert first and all(p.grad == 0.0 for p in first)
    assert len({net(x).data for x in XS}) == 1  # the output no longer depends on the input


def test_a_layer_alive_for_some_input_restarts_the_count() -> None:
    net = dead_first_layer()
    alive = [-20.0, 0.0, 0.0]  # z = 20 - 10 > 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            for _ in range(DEAD_LAYER_CALLS - 1):
                net(XS[0])
            net(alive)
    assert not [w for w in caught if issubclass(w.category, DeadLayerWarning)]


def test_an_output_layer_of_zeros_and_a_tanh_network_do_not_warn() -> None:
    relu_out = MLP(3, [1], activations="relu", weights=[[[-1.0, -1.0, -1.0]]], biases=[[-10.0]])
    assert calls(relu_out, 3 * DEAD_LAYER_CALLS) == []
    tanh_net = MLP(3, [4, 4, 1], activations="tanh", seed=0)
    assert calls(tanh_net, 3 * DEAD_LAYER_CALLS) == []


@pytest.mark.parametrize("seed", range(8))
def test_in_the_lecture_loop_it_warns_exactly_when_the_output_has_become_constant(seed: int) -> None:
    net = MLP(3, [4, 4, 1], seed=seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(30):
            loss = sum(((net(x) - y) ** 2 for x, y in zip(XS, YS)), Value(0.0))
            for p in net.parameters():
                p.grad = 0.0
            loss.backward()
            for p in net.parameters():
                p.data += -0.05 * p.grad
    warned = any(issubclass(w.category, DeadLayerWarning) for w in caught)
    constant = len({net(x).data for x in XS}) == 1
    assert warned == constant
