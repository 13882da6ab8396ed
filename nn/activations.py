"""Activation functions by name: element-wise ones map a Value to a Value, vector ones
(``softmax``, ``log_softmax``) map a layer's whole output list to a list."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from autograd import OPS, Value

Elementwise = Callable[[Value], Value]
Vectorwise = Callable[[Sequence[Value]], list[Value]]


def identity(x: Value) -> Value:
    """x itself: a linear output layer.

    >>> identity(Value(-2.0)).data
    -2.0
    """
    return x


# Element-wise activations are the engine's own ops: one node each in the graph.
sigmoid: Elementwise = Value.sigmoid
tanh: Elementwise = Value.tanh
relu: Elementwise = Value.relu


def leaky_relu(x: Value, slope: float = 0.01) -> Value:
    """x for x > 0, else slope * x.

    >>> leaky_relu(Value(-2.0)).data
    -0.02
    """
    return x.leaky_relu(slope)


def log_softmax(xs: Sequence[Value]) -> list[Value]:
    """x_i - logsumexp(x): stable for logits of any size.

    >>> [round(v.data, 4) for v in log_softmax([Value(1000.0), Value(0.0)])]
    [0.0, -1000.0]
    """
    lse = Value.logsumexp(xs)
    return [x - lse for x in xs]


def softmax(xs: Sequence[Value]) -> list[Value]:
    """exp(x_i - logsumexp(x)): probabilities, stable for logits of any size.

    >>> [round(p.data, 4) for p in softmax([Value(1.0), Value(2.0), Value(3.0)])]
    [0.09, 0.2447, 0.6652]
    """
    return [v.exp() for v in log_softmax(xs)]


ELEMENTWISE: dict[str, Elementwise] = {
    "identity": identity,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
}
VECTORWISE: dict[str, Vectorwise] = {"softmax": softmax, "log_softmax": log_softmax}


FloatForm = Callable[[list[float]], list[float]]


class _ElementwiseFloats:
    """An op-table forward rule applied to each float (a class, not a closure, so that layers
    holding it pickle)."""

    def __init__(self, op: str, *param: float) -> None:
        self.op = op
        self.param = param

    def __call__(self, zs: list[float]) -> list[float]:
        forward, param = OPS[self.op].forward, self.param
        return [forward(z, *param) for z in zs]


def _identity_floats(zs: list[float]) -> list[float]:
    return zs


def _log_softmax_floats(zs: list[float]) -> list[float]:
    lse = OPS["logsumexp"].forward(zs)
    return [z - lse for z in zs]


def _softmax_floats(zs: list[float]) -> list[float]:
    return [math.exp(v) for v in _log_softmax_floats(zs)]


FLOAT_FORMS: dict[str, FloatForm] = {
    "identity": _identity_floats,
    "sigmoid": _ElementwiseFloats("sigmoid"),
    "tanh": _ElementwiseFloats("tanh"),
    "relu": _ElementwiseFloats("relu"),
    "leaky_relu": _ElementwiseFloats("leaky_relu", 0.01),
    "log_softmax": _log_softmax_floats,
    "softmax": _softmax_floats,
}
"""The named activations on plain floats, through the same op-table forward rules as the
Values (so a ``no_grad`` forward pass gives the very same numbers, without building nodes)."""


def float_form(activation: str | Elementwise | None) -> FloatForm | None:
    """The float twin of a named (or built-in) activation; None for a custom function."""
    if activation is None:
        return FLOAT_FORMS["identity"]
    if isinstance(activation, str):
        return FLOAT_FORMS.get(activation)
    for name, function in ELEMENTWISE.items():
        if function is activation:
            return FLOAT_FORMS[name]
    return None


def resolve(activation: str | Elementwise | None) -> tuple[str, Elementwise | None, Vectorwise | None]:
    """(name, element-wise function, vector function) for a name or a callable: exactly one
    of the two functions is set; None means identity."""
    if activation is None:
        return "identity", identity, None
    if callable(activation):
        return getattr(activation, "__name__", "custom"), activation, None
    if activation in ELEMENTWISE:
        return activation, ELEMENTWISE[activation], None
    if activation in VECTORWISE:
        return activation, None, VECTORWISE[activation]
    known = sorted(ELEMENTWISE) + sorted(VECTORWISE)
    raise ValueError(f"unknown activation {activation!r}; choose one of {known} or pass a function")
