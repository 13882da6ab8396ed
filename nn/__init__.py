"""chainrule's neural networks, built only from ``autograd``'s public API.

>>> from nn import MLP, SGD, half_squared_error
>>> net = MLP(2, [2, 2], activation="sigmoid", output_activation="sigmoid",
...           weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
...           biases=[0.35, 0.60], shared_bias=True).freeze("*.b")
>>> loss = half_squared_error(net([0.05, 0.10]), [0.01, 0.99], reduction="sum")
>>> round(loss.data, 9)
0.298371109
"""

from ._engine_check import require_chainrule_autograd

require_chainrule_autograd("nn")

from .activations import identity, leaky_relu, log_softmax, relu, sigmoid, softmax, tanh
from .datasets import batches, blobs, circles, moons, signed, spirals, xor
from .layers import INITS, MLP, DeadLayerWarning, Layer, Neuron
from .losses import (
    binary_cross_entropy,
    cross_entropy,
    half_squared_error,
    hinge,
    l2_penalty,
    mse,
    squared_error,
)
from .module import Module
from .optim import SGD, Adam, AdamW, Optimizer
from .train import (
    History,
    Metrics,
    argmax_accuracy,
    evaluate,
    fit,
    predict,
    sign_accuracy,
    threshold_accuracy,
)

__all__ = [
    "INITS",
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "DeadLayerWarning",
    "History",
    "Layer",
    "Metrics",
    "Module",
    "Neuron",
    "Optimizer",
    "argmax_accuracy",
    "batches",
    "binary_cross_entropy",
    "blobs",
    "circles",
    "cross_entropy",
    "evaluate",
    "fit",
    "half_squared_error",
    "hinge",
    "identity",
    "l2_penalty",
    "leaky_relu",
    "log_softmax",
    "moons",
    "mse",
    "predict",
    "relu",
    "sigmoid",
    "sign_accuracy",
    "signed",
    "softmax",
    "spirals",
    "squared_error",
    "tanh",
    "threshold_accuracy",
    "xor",
]
