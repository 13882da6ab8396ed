"""Walking a graph: topological order, ``backward``, ``grad`` and ``zero_grad``.

Every walk starts the same way: collect the nodes the roots depend on (a loop over an explicit
stack, never recursion, so a chain of a million nodes is as fine as a chain of ten), then order
them by creation index. A node is always created after its parents, so creation order is a
topological order, and it is the order the graph was built in: the forward pass as it happened.
Backward runs it in reverse.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from operator import attrgetter
from typing import Any, Literal, overload

from .events import BackwardEvent
from .mode import _deferring_infinite, enable_grad
from .value import Real, Value, _as_float, _infinite_local_error, _shown

_isfinite = math.isfinite
_by_index = attrgetter("_index")


def topological_order(*roots: Value) -> list[Value]:
    """Every node the roots depend on, in creation order: each after all of its parents.

    >>> from autograd import Value
    >>> a = Value(1.0, label="a"); b = a * 2; c = b + a
    >>> [n.label or n.op for n in topological_order(c)]
    ['a', '', 'mul', 'add']
    """
    inner, leaves = _collect(roots, reset=False)
    order = inner + leaves
    order.sort(key=_by_index)
    return order


def _collect(
    roots: Sequence[Value], reset: bool, where: str = "topological_order"
) -> tuple[list[Value], list[Value]]:
    """(the non-leaf nodes the roots depend on in creation order, the leaves among them, in no
    particular order); with ``reset``, zero each non-leaf's grad on the way. ``where`` names the
    caller in errors."""
    for root in roots:
        if not isinstance(root, Value):
            raise TypeError(f"{where}: expected a Value, got {type(root).__name__} {root!r}")
    inner: list[Value] = []
    leaves: list[Value] = []
    seen = set(roots)
    stack = list(seen)
    push, mark = stack.append, seen.add
    while stack:
        node = stack.pop()
        a = node._p0
        if a is not None:  # unary or binary
            inner.append(node)
            if a not in seen:
                mark(a)
                push(a)
            b = node._p1
            if b is not None and b not in seen:
                mark(b)  # type: ignore[arg-type]
                push(b)  # type: ignore[arg-type]
        elif node._p1 is not None:  # n-ary
            inner.append(node)
            for parent in node._p1:  # type: ignore[union-attr]
                if parent not in seen:
                    mark(parent)
                    push(parent)
        else:
            leaves.append(node)
            continue
        if reset:
            node.grad = 0.0
    inner.sort(key=_by_index)
    return inner, leaves


def backward(root: Value, grad: Real = 1.0) -> None:
    """Fill ``.grad`` of every node ``root`` depends on with d(root)/d(node), times ``grad``.

    Leaves (inputs, parameters) accumulate: a second call adds to their ``.grad``. Every other
    node is reset first, so it holds the gradient of the latest call only.

    >>> from autograd import Value
    >>> x = Value(3.0); y = x * x
    >>> backward(y); backward(y); x.grad   # leaves accumulate: 6 + 6
    12.0
    """
    seed = _as_float(grad, "backward")
    inner, leaves = _collect((root,), reset=True, where="backward")
    before = [leaf.grad for leaf in leaves]
    try:
        root.grad += seed
        # parent.grad += local * node.grad, for every edge, children before parents.
        for node in reversed(inner):
            g = node.grad
            if g:
                a = node._p0
                if a is not None:
                    a.grad += node._d0 * g
                    b = node._p1
                    if b is not None:
                        b.grad += node._d1 * g  # type: ignore[operator, union-attr]
                else:
                    for parent, local in zip(node._p1, node._d1):  # type: ignore[arg-type]
                        parent.grad += local * g
    except TypeError:  # a .grad that is not a number, set by hand
        _raise_bad_grad(inner, leaves, before)
        raise
    # An overflow anywhere reaches the leaves as inf or nan, so they are enough to check.
    if not all(map(_isfinite, [leaf.grad for leaf in leaves])):
        _raise_overflow(inner, leaves, before)


def backward_events(root: Value, grad: Real = 1.0) -> Iterator[BackwardEvent]:
    """The backward pass from ``root``, edge by edge, as ``backward`` runs it on a graph whose
    gradients were zeroed: the same nodes, in the same order, with the same arithmetic (so the
    last ``after`` of each node is, bit for bit, the ``.grad`` that ``backward`` leaves). Nothing
    of the graph is changed: the running sums are kept aside. A node whose gradient is 0 passes
    nothing on, as in ``backward``.

    >>> from autograd import Value
    >>> a = Value(3.0, label="a"); y = a * a
    >>> [(e.parent.label, e.local, e.before, e.after) for e in backward_events(y)]
    [('a', 3.0, 0.0, 3.0), ('a', 3.0, 3.0, 6.0)]
    """
    seed = _as_float(grad, "backward_events")
    inner, _ = _collect((root,), reset=False, where="backward_events")
    for edge in _sweep(inner, {root: seed}):
        yield BackwardEvent(*edge)


Edge = tuple[Value, Value, int, float, float, float, float]


def _sweep(order: list[Value], grads: dict[Value, float]) -> Iterator[Edge]:
    """The backward pass over ``order`` (creation order) with the running sums kept in
    ``grads`` (seeded with the root's), not in ``.grad``: ``grad`` and ``backward_events`` run
    it. Yields each edge as (child, parent, index, local, child_grad, before, after); a node
    whose gradient is 0 passes nothing on. ``backward`` is the same loop on ``.grad``, written
    out as the engine's fast path (tests prove them equal, bit for bit)."""
    for node in reversed(order):
        g = grads.get(node)
        if not g:
            continue
        for index, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            before = grads.get(parent, 0.0)
            after = before + local * g
            grads[parent] = after
            yield node, parent, index, local, g, before, after


def _raise_overflow(inner: list[Value], leaves: list[Value], before: list[float]) -> None:
    """Name the node where the overflow began (or the infinite local derivative it multiplied
    by), after putting the leaves' gradients back."""
    used = _infinite_local_error((n for n in reversed(inner) if n.grad), "backward")
    backward_order = sorted(inner + leaves, key=_by_index, reverse=True)
    first = next(node for node in backward_order if not _isfinite(node.grad))
    message = (
        f"backward: the gradient of {first!r} (op {first.op or 'leaf'!r}) overflowed to "
        f"{first.grad!r}; the graph's derivatives are too large for a float. "
        "The leaves' gradients are left as they were before this call."
    )
    for leaf, grad in zip(leaves, before):
        leaf.grad = grad
    for node in inner:
        node.grad = 0.0
    if used is not None:
        raise used
    raise OverflowError(message)


def _raise_bad_grad(inner: list[Value], leaves: list[Value], before: list[Any]) -> None:
    """Name the leaf whose ``.grad`` is not a number, after putting the graph back."""
    bad = [
        (leaf, g) for leaf, g in zip(leaves, before) if isinstance(g, bool) or not isinstance(g, (int, float))
    ]
    if not bad:
        return
    for leaf, g in zip(leaves, before):
        leaf.grad = g
    for node in inner:
        node.grad = 0.0
    leaf, g = bad[0]
    raise TypeError(
        f"backward: the .grad of {leaf!r} is {type(g).__name__} {_shown(g)}, not a number; set it to "
        "0.0 (or call zero_grad) before backward"
    )


def zero_grad(*roots: Value) -> None:
    """Set ``.grad`` to 0 on every node of the graphs behind ``roots``.

    >>> from autograd import Value
    >>> x = Value(3.0); y = x * x; y.backward()
    >>> zero_grad(y); x.grad, y.grad
    (0.0, 0.0)
    """
    for node in topological_order(*roots):
        node.grad = 0.0


@overload
def grad(
    output: Value,
    inputs: Sequence[Value],
    *,
    grad_output: float = ...,
    create_graph: Literal[False] = ...,
) -> list[float]: ...


@overload
def grad(
    output: Value,
    inputs: Sequence[Value],
    *,
    grad_output: float = ...,
    create_graph: Literal[True],
) -> list[Value]: ...


def grad(
    output: Any,  # checked below, with a message of its own (the overloads say what is meant)
    inputs: Any,
    *,
    grad_output: Real = 1.0,
    create_graph: object = False,
) -> list[float] | list[Value]:
    """d(output)/d(input) for each input, leaving every ``.grad`` untouched.

    With ``create_graph=False`` the results are floats. With ``create_graph=True`` they are
    ``Value``s built from the op table's derivative rules, so they can be differentiated again.
    An input that ``output`` does not depend on gets 0.

    >>> from autograd import Value
    >>> x = Value(3.0)
    >>> y = x ** 3
    >>> dy, = grad(y, [x], create_graph=True)
    >>> d2y, = grad(dy, [x])
    >>> dy.data, d2y
    (27.0, 18.0)
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__} {output!r}")
    if isinstance(inputs, Value):
        raise TypeError(
            f"grad: inputs must be a list of Values, got one Value {inputs!r}; write grad(y, [x])"
        )
    inputs = list(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"grad: every input must be a Value, got {type(x).__name__} {x!r}")
    seed = _as_float(grad_output, "grad")
    order = topological_order(output)
    if create_graph:
        with enable_grad():
            return _value_grads(order, output, inputs, seed)
    grads: dict[Value, float] = {output: seed}
    for _ in _sweep(order, grads):
        pass
    result = [grads.get(x, 0.0) for x in inputs]
    for x, g in zip(inputs, result):
        if not _isfinite(g):
            used = _infinite_local_error((n for n in reversed(order) if grads.get(n)), "grad")
            if used is not None:
                raise used
            raise OverflowError(f"grad: the gradient for {x!r} overflowed to {g!r}")
    return result


def _value_grads(order: list[Value], output: Value, inputs: list[Value], seed: float) -> list[Value]:
    """The gradients as Values: each local derivative is rebuilt from its rule on Values."""
    token = _deferring_infinite.set(True)
    try:
        return _build_value_grads(order, output, inputs, seed)
    finally:
        _deferring_infinite.reset(token)


def _build_value_grads(order: list[Value], output: Value, inputs: list[Value], seed: float) -> list[Value]:
    grads: dict[Value, Value] = {output: Value(seed)}
    for node in reversed(order):
        g = grads.get(node)
        rule = node.rule
        if g is None or rule is None:
            continue
        locals_ = rule.run_derivative(node.parents, node, node.param)
        _check_unchanged(node, locals_)
        for parent, local in zip(node.parents, locals_):
            if isinstance(local, Value):
                contribution = local * g
            elif local == 0.0:
                continue
            else:
                contribution = g if local == 1.0 else g * local
            previous = grads.get(parent)
            grads[parent] = contribution if previous is None else previous + contribution
    return [grads[x] if x in grads else Value(0.0) for x in inputs]


def _check_unchanged(node: Value, rebuilt: tuple[Any, ...]) -> None:
    """The local derivatives rebuilt from the rule must be the ones recorded in the forward pass;
    they differ only if some ``.data`` changed since, which would make ``grad`` with and without
    ``create_graph`` disagree."""
    for i, (local, recorded) in enumerate(zip(rebuilt, node.local_grads)):
        now = local.data if isinstance(local, Value) else local
        if not math.isclose(now, recorded, rel_tol=1e-9, abs_tol=1e-300):
            parent = node.parents[i]
            raise ValueError(
                f"grad(create_graph=True): {node!r} (op {node.op!r}) recorded the local derivative "
                f"{recorded!r} for its input {i} ({parent!r}) in the forward pass, but the inputs' "
                f".data now give {now!r}: some .data changed after the forward pass; run the forward "
                "pass again"
            )
