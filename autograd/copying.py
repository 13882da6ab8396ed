"""Pickling and copying ``Value`` graphs of any depth, without recursion.

``pickle`` and ``copy.deepcopy`` would follow a node's parents one Python call deeper per
edge, so a long chain would end in ``RecursionError``. Here a node is rebuilt from its fields
and its parents, and the parents always exist first:

* ``copy.deepcopy`` walks the graph with an explicit stack and copies the nodes in creation
  order, so every parent is copied (and in the memo) before its children;
* ``pickle`` writes a node together with the list of all the nodes it depends on, in creation
  order; each of those is then written shallowly, its parents being already in the pickle.

Either way a node shared by several children (``a * a``'s one parent, a weight used by many
neurons) stays one node, gradients come out the same after loading, and an op row is stored
by its name and looked up in ``autograd.OPS`` again on loading.

>>> import copy, pickle
>>> from autograd import Value
>>> x = Value(3.0, label="x"); y = x * x
>>> x2, y2 = pickle.loads(pickle.dumps((x, y)))
>>> y2.parents == (x2, x2), y2.op
(True, 'mul')
>>> y2.backward(); x2.grad
6.0
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from .ops import Op
from .value import Value, _next_index

# Ids of the nodes that a node being pickled has already listed, in creation order, ahead of
# itself: each of them is then written shallowly (its parents come earlier in that list).
# Only an optimisation: a node written without being listed lists its own ancestors.
_listed = threading.local()


def _listed_ids() -> set[int]:
    ids: set[int] | None = getattr(_listed, "ids", None)
    if ids is None:
        ids = _listed.ids = set()
    return ids


def ancestors(node: Value, skip: dict[int, Any] | None = None) -> list[Value]:
    """The nodes ``node`` depends on (not ``node`` itself), in creation order, found with an
    explicit stack; a node whose id is in ``skip`` is neither listed nor walked past."""
    seen = {id(node)}
    found: list[Value] = []
    stack = [node]
    while stack:
        for parent in stack.pop().parents:
            key = id(parent)
            if key in seen or (skip is not None and key in skip):
                continue
            seen.add(key)
            found.append(parent)
            stack.append(parent)
    found.sort(key=lambda n: n._index)
    return found


def _fields(node: Value) -> tuple[Any, ...]:
    return (node.data, node.grad, node.label, node._rule, node.param, node.parents, node.local_grads)


def _build(
    cls: type[Value],
    data: float,
    grad: Any,
    label: str,
    rule: Op | None,
    param: float | None,
    parents: tuple[Value, ...],
    local_grads: tuple[float, ...],
) -> Value:
    """A node with these fields and a fresh creation index (later than its parents')."""
    node = cls.__new__(cls)
    node.data = data
    node.grad = grad
    node.label = label
    node._index = _next_index()
    node._rule = rule
    node._param = param
    if rule is None or not parents:
        node._p0 = node._p1 = None
    elif len(parents) <= 2 and rule.arity is not None:
        node._p0 = parents[0]
        node._d0 = local_grads[0]
        if len(parents) == 2:
            node._p1 = parents[1]
            node._d1 = local_grads[1]
        else:
            node._p1 = None
    else:
        node._p0 = None
        node._p1 = tuple(parents)
        node._d1 = tuple(local_grads)
    return node


def _unpickle(cls: type[Value], listed: object, done: object, *fields: Any) -> Value:
    """Rebuild a pickled node; ``listed`` and ``done`` were only there to order the pickle."""
    return _build(cls, *fields)


class _Done:
    """Written after a node's list of ancestors: forgets that they were listed."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __reduce__(self) -> tuple[Any, ...]:
        _listed_ids().difference_update(self.ids)
        return (_nothing, ())


def _nothing() -> None:
    return None


def reduce_value(node: Value) -> tuple[Any, ...]:
    """``node.__reduce_ex__``: the node's fields, after its ancestors unless already listed."""
    state = getattr(node, "__dict__", None) or None  # a subclass's own attributes, if any
    listed = _listed_ids()
    key = id(node)
    if key in listed or node._rule is None:
        listed.discard(key)
        return (_unpickle, (type(node), None, None, *_fields(node)), state)
    order = ancestors(node)
    ids = [id(n) for n in order if n._rule is not None]
    listed.update(ids)
    return (_unpickle, (type(node), order, _Done(ids), *_fields(node)), state)


def deepcopy_value(node: Value, memo: dict[int, Any]) -> Value:
    """``node.__deepcopy__``: copy the node and whatever it depends on that is not in ``memo``
    yet, parents first, so that nodes shared in the original stay shared in the copy."""
    keep = memo.setdefault(id(memo), [])
    for original in [*ancestors(node, skip=memo), node]:
        parents = tuple(memo[id(p)] for p in original.parents)
        copied = _build(
            type(original),
            original.data,
            original.grad,
            original.label,
            original._rule,
            original.param,
            parents,
            original.local_grads,
        )
        extra = getattr(original, "__dict__", None)
        if extra:
            vars(copied).update(copy.deepcopy(extra, memo))
        memo[id(original)] = copied
        keep.append(original)  # the memo's ids stay valid while the copy runs
    copied_node: Value = memo[id(node)]
    return copied_node


def copy_value(node: Value) -> Value:
    """``node.__copy__``: a new node with the same fields and the very same parents."""
    copied = _build(type(node), *_fields(node))
    extra = getattr(node, "__dict__", None)
    if extra:
        vars(copied).update(extra)
    return copied
