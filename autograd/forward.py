"""Forward mode: derivatives carried from the inputs up to the outputs, beside backward's reverse.

Every node's tangent is d(node)/d(direction): the sum over its parents of
``local * parent's tangent``, using the very local derivatives the op table recorded on the node
(the ones ``backward`` multiplies with gradients). One sweep in creation order (the forward pass
as it happened) gives one directional derivative of every output; no reverse pass is made. A
full gradient of n inputs takes n such sweeps, where reverse mode takes one backward pass
(``docs/forward-vs-reverse.md`` counts the multiplications each needs).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, overload

from .graph import grad, topological_order
from .mode import enable_grad
from .value import Number, Value, _as_float, _lift

Function = Callable[..., Value]
VectorFunction = Callable[..., Sequence[Value]]


def tangents(roots: Sequence[Value], seeds: Mapping[Value, float]) -> dict[Value, float]:
    """The tangent of every node the roots depend on, given the tangents of some nodes
    (``seeds``, usually the inputs): ``tangent[node] = Σ local_i * tangent[parent_i]``, node by
    node in creation order. Nodes whose tangent is 0 are left out.

    >>> from autograd import Value
    >>> x = Value(3.0); y = x * x + x
    >>> tangents([y], {x: 1.0})[y]      # dy/dx = 2x + 1
    7.0
    """
    return _sweep(topological_order(*roots), seeds)


def _sweep(order: list[Value], seeds: Mapping[Value, float]) -> dict[Value, float]:
    """``tangents`` over a topological order already made (one per graph, however many sweeps)."""
    result: dict[Value, float] = {}
    for node, t in seeds.items():
        if not isinstance(node, Value):
            raise TypeError(f"tangents: seeds must map Values to numbers, got {node!r}")
        t = _as_float(t, "tangents")
        if t:
            result[node] = t
    if not result:
        return result
    start = min(node.index for node in result)
    for node in order:
        if node.index <= start or node in seeds or node.is_leaf:
            continue
        t = 0.0
        touched = False
        for parent, local in zip(node.parents, node.local_grads):
            tp = result.get(parent)
            if tp is not None:
                t += local * tp
                touched = True
        if touched and t:
            if not math.isfinite(t):
                raise OverflowError(f"jvp: the tangent of {node!r} (op {node.op!r}) overflowed to {t!r}")
            result[node] = t
    return result


def _evaluate(
    f: Callable[..., Value | Sequence[Value]], inputs: Sequence[Value | Number], where: str
) -> tuple[list[Value], list[Value], bool]:
    """(the input Values, the outputs as a list, whether f returned a single Value)."""
    if isinstance(inputs, Value):
        raise TypeError(f"{where}: inputs must be a sequence of Values or numbers, e.g. [x], not a Value")
    leaves = [_lift(x, where) for x in inputs]
    if not leaves:
        raise ValueError(f"{where}: needs at least one input")
    with enable_grad():  # the local derivatives are recorded on the graph
        out = f(*leaves)
    found: list[object] = (
        [out] if isinstance(out, Value) else list(out) if isinstance(out, (list, tuple)) else [out]
    )
    outputs = [o for o in found if isinstance(o, Value)]
    if len(outputs) != len(found):
        bad = next(o for o in found if not isinstance(o, Value))
        raise TypeError(
            f"{where}: f must return a Value or a list of Values, got {type(bad).__name__} {bad!r}"
        )
    return leaves, outputs, isinstance(out, Value)


@overload
def jvp(
    f: Function, inputs: Sequence[Value | Number], tangents_in: Sequence[Number]
) -> tuple[Value, float]: ...


@overload
def jvp(
    f: VectorFunction, inputs: Sequence[Value | Number], tangents_in: Sequence[Number]
) -> tuple[list[Value], list[float]]: ...


def jvp(
    f: Callable[..., Value | Sequence[Value]],
    inputs: Sequence[Value | Number],
    tangents_in: Sequence[Number],
) -> tuple[Value | list[Value], float | list[float]]:
    """(f(inputs), the derivative of f along ``tangents_in``): Σ_i ∂f/∂x_i · t_i, in forward
    mode (one sweep from the inputs up, no backward pass). ``f`` returns a Value or a list of
    them; numbers among the inputs become leaves.

    >>> from autograd import Value
    >>> out, d = jvp(lambda x, y: x * y + x, [2.0, 5.0], [1.0, 0.0])   # ∂/∂x = y + 1
    >>> out.data, d
    (12.0, 6.0)
    """
    leaves, outputs, single = _evaluate(f, inputs, "jvp")
    if len(tangents_in) != len(leaves):
        raise ValueError(f"jvp: {len(leaves)} inputs but {len(tangents_in)} tangents")
    seeds: dict[Value, float] = {}
    for leaf, t in zip(leaves, tangents_in):
        seeds[leaf] = seeds.get(leaf, 0.0) + _as_float(t, "jvp")
    found = tangents(outputs, seeds)
    derivatives = [found.get(o, 0.0) for o in outputs]
    if single:
        return outputs[0], derivatives[0]
    return outputs, derivatives


def jacobian(
    f: Callable[..., Value | Sequence[Value]],
    inputs: Sequence[Value | Number],
    mode: Literal["forward", "reverse"] = "reverse",
) -> list[list[float]]:
    """∂output_i/∂input_j as rows (one per output; one row when f returns a single Value).

    ``mode="forward"`` makes one forward sweep per input (a column each), ``"reverse"`` one
    backward pass per output (a row each): the same numbers up to rounding, at different cost.

    >>> jacobian(lambda x, y: [x * y, x + y], [2.0, 3.0], mode="forward")
    [[3.0, 2.0], [1.0, 1.0]]
    >>> jacobian(lambda x, y: x * y, [2.0, 3.0])
    [[3.0, 2.0]]
    """
    if mode not in ("forward", "reverse"):
        raise ValueError(f"jacobian: mode must be 'forward' or 'reverse', got {mode!r}")
    leaves, outputs, _ = _evaluate(f, inputs, "jacobian")
    if mode == "reverse":
        return [list(grad(o, leaves)) for o in outputs]
    columns = []
    order = topological_order(*outputs)  # one walk, one sweep per input
    for leaf in leaves:
        found = _sweep(order, {leaf: 1.0})
        columns.append([found.get(o, 0.0) for o in outputs])
    return [[column[i] for column in columns] for i in range(len(outputs))]
