"""``sin`` and ``cos``: two ops defined with ``define_op``, exactly as you would define your own.

Each derivative rule is the other op's function, which works on floats (for ``backward``) and on
Values (for ``grad(..., create_graph=True)``), so derivatives of any order follow.

>>> from autograd import Value, cos, grad, sin
>>> x = Value(0.5)
>>> d1, = grad(sin(x), [x], create_graph=True)    # cos(x), as a Value
>>> d2, = grad(d1, [x], create_graph=True)        # -sin(x)
>>> d3, = grad(d2, [x])                           # -cos(x)
>>> round(d1.data - cos(0.5), 12), round(d2.data + sin(0.5), 12), round(d3 + cos(0.5), 12)
(0.0, 0.0, 0.0)
"""

from __future__ import annotations

import math

from .define import OpFunction, define_op

# sin(x) of a Value (recorded, d/dx = cos(x)) or of a number (a float).
sin: OpFunction = define_op(
    "sin",
    math.sin,
    lambda x, out: cos(x),
    formula="sin(x)",
    local_formulas=("cos(x)",),
)

# cos(x) of a Value (recorded, d/dx = -sin(x)) or of a number (a float).
cos: OpFunction = define_op(
    "cos",
    math.cos,
    lambda x, out: -sin(x),
    formula="cos(x)",
    local_formulas=("-sin(x)",),
)
