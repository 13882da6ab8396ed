"""chainrule's engine: scalar ``Value``s that record the local derivative of every edge.

>>> from autograd import Value
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> c = (a * b).tanh()
>>> c.backward()
>>> c.parents == (a * b,)  # a new node each time: identity, not value, matters
False
>>> c.op, len(c.parents), round(c.local_grads[0], 6)
('tanh', 1, 2.5e-05)
"""

from .collector import fast_build
from .define import OpFunction, apply_op, define_op
from .events import BackwardEvent
from .forward import jacobian, jvp, tangents
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import backward, backward_events, grad, topological_order, zero_grad
from .mode import enable_grad, is_recording, no_grad
from .ops import OPS, Op, exp, log, sigmoid, sqrt, tanh
from .trig import cos, sin
from .value import Value

CHAINRULE_ENGINE = True
"""Marks this ``autograd`` as chainrule's engine: the PyPI package ``autograd`` (HIPS) uses the
same import name, and ``nn`` and ``viz`` check for this marker."""

__all__ = [
    "OPS",
    "BackwardEvent",
    "GradcheckError",
    "Op",
    "OpFunction",
    "Value",
    "apply_op",
    "backward",
    "backward_events",
    "cos",
    "define_op",
    "enable_grad",
    "exp",
    "fast_build",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_recording",
    "jacobian",
    "jvp",
    "log",
    "no_grad",
    "sigmoid",
    "sin",
    "sqrt",
    "tangents",
    "tanh",
    "topological_order",
    "zero_grad",
]
