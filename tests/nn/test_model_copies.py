"""Models and optimizers survive ``pickle`` and ``copy``: with every activation, frozen
parameters kept frozen, and an optimizer copied with its model training as the original does.
(Graphs of Values: see ``tests/autograd/test_pickle_and_copy.py``, whose copiers these tests use.)"""

from __future__ import annotations

from typing import Any

import pytest

from autograd import Value
from nn import MLP, SGD, Adam, AdamW, Layer, Neuron, predict

from ..autograd.test_pickle_and_copy import Copier, copiers


@pytest.mark.parametrize(
    "activation",
    ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "log_softmax"],
)
@copiers
def test_models_copy_with_every_named_activation(copier: Copier, activation: str) -> None:
    net = MLP(3, [4, 3], activation="tanh", output_activation=activation, seed=1)
    net.freeze("layers.0.neurons.0.*")
    copied = copier(net)
    assert copied.state_dict() == net.state_dict()
    assert copied.frozen_names() == net.frozen_names() != []
    assert len(copied.parameters()) == len(net.parameters())
    x = [0.1, -0.4, 0.7]
    assert [v.data for v in copied(x)] == [v.data for v in net(x)]
    assert predict(copied, [x]) == predict(net, [x])


@copiers
def test_neurons_and_layers_with_a_function_activation_copy(copier: Copier) -> None:
    from nn import relu, sigmoid

    neuron = Neuron(2, sigmoid, weights=[0.1, 0.2], bias=0.3)
    layer = Layer(2, 2, relu, weights=[[0.1, -0.2], [0.3, 0.4]], biases=[0.5, -0.6])
    copied_neuron, copied_layer = copier((neuron, layer))
    assert copied_neuron([1.0, 2.0]).data == neuron([1.0, 2.0]).data
    assert [v.data for v in copied_layer([1.0, 2.0])] == [v.data for v in layer([1.0, 2.0])]


@pytest.mark.parametrize(
    "make",
    [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.05), lambda ps: AdamW(ps, lr=0.05)],
    ids=["SGD", "Adam", "AdamW"],
)
@copiers
def test_a_model_and_its_optimizer_copy_together_and_train_alike(copier: Copier, make: Any) -> None:
    net = MLP(2, [3, 1], seed=2, squeeze=True)
    opt = make(net.parameters())
    data = [([0.5, -1.0], 1.0), ([-0.3, 0.8], -1.0)]

    def train_step(model: MLP, optimizer: Any) -> float:
        loss = Value.sum([(model(x) - t) ** 2 for x, t in data])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.data

    train_step(net, opt)
    copied_net, copied_opt = copier((net, opt))
    assert all(a is b for a, b in zip(copied_opt.params, copied_net.parameters()))
    assert copied_opt.state_dict() == opt.state_dict()
    for _ in range(3):
        assert train_step(copied_net, copied_opt) == train_step(net, opt)
    assert copied_net.state_dict() == net.state_dict()
