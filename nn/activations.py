"""Activation functions by name: element-wise ones map a Value to a Value, vector ones
(``softmax``, ``log_softmax``) map a layer's whole output list to a list."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from autograd import OPS, Value, apply_op

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


class OpActivation:
    """A one-input row of the op table as an activation: ``MLP(..., activations="softplus")``,
    or an op of your own from ``define_op``. A class, not a closure, so that layers holding it
    pickle; its name is the op's.

    >>> OpActivation("softplus")(Value(0.0)).op
    'softplus'
    """

    def __init__(self, op: str) -> None:
        self.__name__ = op

    def __call__(self, x: Value) -> Value:
        out = apply_op(OPS[self.__name__], [x])
        assert isinstance(out, Value)
        return out


def is_activation_op(name: str) -> bool:
    """True for a row of the op table that can act on each output of a layer: one input, no
    constant parameter, and every finite input in its domain."""
    row = OPS.get(name)
    return row is not None and row.function_of_one and row.domain is None


def _elementwise_ops() -> dict[str, Elementwise]:
    """The op table's activation rows now (``define_op`` rows included), as Value functions."""
    return {name: getattr(Value, name, None) or OpActivation(name) for name in OPS if is_activation_op(name)}


ELEMENTWISE: dict[str, Elementwise] = {"identity": identity, **_elementwise_ops(), "leaky_relu": leaky_relu}
"""The built-in element-wise activations: identity, leaky ReLU (slope 0.01), and every one-input
row of the op table without a parameter or a domain (an op defined later is found by name too)."""
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
    **{name: _ElementwiseFloats(name) for name in ELEMENTWISE if is_activation_op(name)},
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
        return FLOAT_FORMS.get(activation) or (
            _ElementwiseFloats(activation) if is_activation_op(activation) else None
        )
    if isinstance(activation, OpActivation):
        return _ElementwiseFloats(activation.__name__)
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
    if is_activation_op(activation):
        return activation, OpActivation(activation), None
    known = sorted({*ELEMENTWISE, *_elementwise_ops()}) + sorted(VECTORWISE)
    raise ValueError(
        f"unknown activation {activation!r}; choose one of {known}, an op of the table with one "
        "input and no domain (define_op adds one), or pass a function"
    )
