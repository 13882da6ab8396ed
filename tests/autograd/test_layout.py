"""The node layout: the inline fast paths of ``+``, ``-`` and ``*`` agree with their op-table rows
bit for bit; ``parents`` and ``local_grads`` are read-only views; creation order is a topological
order and every walk uses it."""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import OPS, Value, backward, backward_events, grad, no_grad, topological_order, zero_grad
from autograd.testing import values
from autograd.value import _binary

floats = st.floats(allow_nan=False, allow_infinity=False)
numbers = floats | st.integers(-(10**6), 10**6)


def bits(x: float) -> bytes:
    """The float's bytes: equal bits, so 0.0 and -0.0 differ."""
    return struct.pack("<d", x)


def same_node(fast: Value, table: Value) -> None:
    assert bits(fast.data) == bits(table.data)
    assert fast.op == table.op and fast.rule is table.rule and fast.param == table.param
    assert len(fast.parents) == len(table.parents)
    assert all(
        p is q or (p.is_leaf and q.is_leaf and p.data == q.data) for p, q in zip(fast.parents, table.parents)
    )
    assert [bits(x) for x in fast.local_grads] == [bits(x) for x in table.local_grads]
    assert fast.grad == table.grad == 0.0 and fast.label == table.label == ""


SYMBOLS = {"add": "+", "sub": "-", "mul": "*"}
APPLY: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
}


@pytest.mark.parametrize("row", sorted(SYMBOLS))
@pytest.mark.parametrize("operands", ["Value, Value", "Value, number", "number, Value"])
@given(x=floats, y=numbers, record=st.booleans())
def test_each_fast_path_is_its_table_row_bit_for_bit(
    row: str, operands: str, x: float, y: Any, record: bool
) -> None:
    left: Any = Value(x) if operands.startswith("Value") else x
    right: Any = Value(y) if operands.endswith("Value") else y

    def fast() -> Value:
        node: Value = APPLY[row](left, right)
        return node

    def table() -> Value:  # the generic applier on the op table's row: the single truth
        return _binary(OPS[row], left if isinstance(left, Value) else Value(left), right)

    if record:
        (fast_node, fast_error), (table_node, table_error) = _outcome(fast), _outcome(table)
    else:
        with no_grad():
            (fast_node, fast_error), (table_node, table_error) = _outcome(fast), _outcome(table)
    assert fast_error == table_error
    if fast_node is not None and table_node is not None:
        same_node(fast_node, table_node)
        assert fast_node.is_leaf == (not record)


def _outcome(make: Callable[[], Value]) -> tuple[Value | None, str | None]:
    try:
        return make(), None
    except (OverflowError, ValueError, TypeError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


def test_the_fast_paths_refuse_what_the_table_refuses() -> None:
    big = Value(1e308)
    for fast, row in ((lambda: big + big, "add"), (lambda: big - -big, "sub"), (lambda: big * big, "mul")):
        with pytest.raises(OverflowError, match=rf"^{row}: got a = "):
            fast()
    with pytest.raises(ValueError, match="only finite numbers"):
        Value(1.0) * math.inf
    with pytest.raises(TypeError, match=r"mul: expected a Value, int or float, got str"):
        Value(1.0) * "2"  # type: ignore[operator]


def test_parents_and_local_grads_are_read_only_views() -> None:
    a, b = Value(2.0), Value(3.0)
    for node, parents, local_grads in (
        (a * b, (a, b), (3.0, 2.0)),
        (a.tanh(), (a,), (1 - math.tanh(2.0) ** 2,)),
        (Value.sum([a, b, a]), (a, b, a), (1.0, 1.0, 1.0)),
        (a, (), ()),
    ):
        assert node.parents == parents and node.local_grads == local_grads
        assert type(node.parents) is tuple and type(node.local_grads) is tuple
        with pytest.raises(AttributeError):
            node.parents = ()  # type: ignore[misc]
        with pytest.raises(AttributeError):
            node.local_grads = ()  # type: ignore[misc]


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[Value], Value]:
    """A random DAG built op by op, with shared sub-expressions and numbers mixed in."""
    nodes = [Value(draw(values(-2, 2)), label=f"x{i}") for i in range(draw(st.integers(1, 4)))]
    for _ in range(draw(st.integers(1, 25))):
        a = nodes[draw(st.integers(0, len(nodes) - 1))]
        b = nodes[draw(st.integers(0, len(nodes) - 1))]
        kind = draw(st.sampled_from(["+", "-", "*", "tanh", "sum", "number"]))
        if kind == "+":
            nodes.append(a + b)
        elif kind == "-":
            nodes.append(a - b)
        elif kind == "*":
            nodes.append(a * b)
        elif kind == "tanh":
            nodes.append(a.tanh())
        elif kind == "sum":
            nodes.append(Value.sum([a, b, a]))
        else:
            nodes.append(0.5 * a + 1)
    return nodes, nodes[-1]


@given(graphs())
def test_creation_order_is_a_topological_order_that_every_walk_uses(graph: tuple[list[Value], Value]) -> None:
    nodes, root = graph
    order = topological_order(root)
    assert [n.index for n in order] == sorted(n.index for n in order)  # creation order
    place = {n: i for i, n in enumerate(order)}
    assert len(place) == len(order)  # each node once
    for node in order:
        assert all(place[p] < place[node] for p in node.parents)
    # exactly the nodes the root depends on
    reachable, stack = {root}, [root]
    while stack:
        for p in stack.pop().parents:
            if p not in reachable:
                reachable.add(p)
                stack.append(p)
    assert set(order) == reachable
    # backward by the creation order agrees with grad and with a naive accumulation over it
    leaves = [n for n in nodes if n.is_leaf and n.label]
    expected = grad(root, leaves)
    zero_grad(root)
    backward(root)
    assert [leaf.grad for leaf in leaves] == expected
    naive = {root: 1.0}
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            naive[parent] = naive.get(parent, 0.0) + local * naive.get(node, 0.0)
    assert [naive.get(leaf, 0.0) for leaf in leaves] == pytest.approx(expected, rel=1e-12, abs=1e-12)


@given(graphs())
def test_backward_events_are_backward_edge_by_edge(graph: tuple[list[Value], Value]) -> None:
    _, root = graph
    zero_grad(root)
    before = {n: n.grad for n in topological_order(root)}
    events = list(backward_events(root))
    assert {n: n.grad for n in topological_order(root)} == before  # the graph is left alone
    backward(root)
    last: dict[Value, float] = {root: 1.0}
    for e in events:
        assert e.child.parents[e.index] is e.parent and e.local == e.child.local_grads[e.index]
        assert e.before == last.get(e.parent, 0.0) and e.after == e.before + e.local * e.child_grad
        last[e.parent] = e.after
    for node in topological_order(root):
        assert bits(last.get(node, 0.0)) == bits(node.grad)  # bit for bit what backward leaves
    # a node passes its gradient on only after every addition to it
    passed_on: set[Value] = set()
    for e in events:
        passed_on.add(e.child)
        assert e.parent not in passed_on
