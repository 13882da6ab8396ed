"""Graphs survive ``pickle`` and ``copy``: of any depth, with shared nodes kept shared, op rows
found again by name, and the same gradients after loading. (Models and optimizers: see
``tests/nn/test_model_copies.py``.)"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given

from autograd import OPS, Op, Value, cos, sin, topological_order
from autograd.copying import ancestors
from autograd.testing import values as reals

from .test_ops import SHIPPED

Copier = Callable[[Any], Any]
COPIERS: dict[str, Copier] = {
    "pickle": lambda obj: pickle.loads(pickle.dumps(obj)),
    "pickle protocol 2": lambda obj: pickle.loads(pickle.dumps(obj, protocol=2)),
    "deepcopy": copy.deepcopy,
}
copiers = pytest.mark.parametrize("copier", list(COPIERS.values()), ids=list(COPIERS))


def snapshot(root: Value) -> list[tuple[Any, ...]]:
    """Every node of the graph as plain data, parents given by position: two graphs with equal
    snapshots have the same shape, sharing, ops and numbers."""
    order = topological_order(root)
    position = {id(node): i for i, node in enumerate(order)}
    return [
        (
            node.data,
            node.grad,
            node.label,
            node.op,
            node.param,
            tuple(position[id(p)] for p in node.parents),
            node.local_grads,
        )
        for node in order
    ]


# One graph using every op of the table, built from three leaves.
def every_op(x: Value, y: Value, z: Value) -> Value:
    unary = [
        -x,
        x.exp(),
        y.log(),
        y.sqrt(),
        x.tanh(),
        x.sigmoid(),
        x.relu(),
        x.leaky_relu(0.1),
        abs(x),
        x.softplus(),
        y**3,
        2.0**x,
        sin(x),  # rows added with define_op
        cos(x),
    ]
    binary = [x + y, x - y, x * y, x / y, y**z]
    nary = [
        Value.sum([x, y, z]),
        Value.dot([x, y], [z, 2.0]),
        Value.linear([x, y], [z, z], 0.5),
        Value.logsumexp([x, y, z]),
    ]
    return Value.sum(unary + binary + nary)


def test_the_every_op_graph_uses_every_op() -> None:
    root = every_op(Value(0.3), Value(1.5), Value(-0.7))
    assert {node.op for node in topological_order(root)} - {""} == SHIPPED


@copiers
@given(x=reals(-2, 2), y=reals(0.1, 3), z=reals(-2, 2))
def test_a_copied_graph_backpropagates_to_the_same_gradients(
    copier: Copier, x: float, y: float, z: float
) -> None:
    leaves = (Value(x, label="x"), Value(y, label="y"), Value(z, label="z"))
    root = every_op(*leaves)
    copied_leaves, copied_root = copier((leaves, root))
    assert snapshot(copied_root) == snapshot(root)
    root.backward()
    copied_root.backward()
    assert [leaf.grad for leaf in copied_leaves] == [leaf.grad for leaf in leaves]
    assert snapshot(copied_root) == snapshot(root)


@pytest.mark.parametrize("name", sorted(SHIPPED))  # not OPS: other modules define ops at import
def test_op_rows_pickle_by_name_and_are_never_copied(name: str) -> None:
    row = OPS[name]
    assert pickle.loads(pickle.dumps(row)) is row
    assert copy.deepcopy(row) is row and copy.copy(row) is row


def test_an_op_that_is_not_registered_cannot_be_pickled_and_the_error_names_it() -> None:
    rogue = Op("tanh", 1, abs, (1.0,), "|x|", ("1",))  # not the row OPS holds under that name
    with pytest.raises(pickle.PicklingError, match=r"op 'tanh'.*autograd\.OPS"):
        pickle.dumps(rogue)


def test_loading_a_graph_whose_op_is_not_registered_names_the_op(monkeypatch: pytest.MonkeyPatch) -> None:
    data = pickle.dumps(Value(0.5).tanh())
    monkeypatch.delitem(OPS, "tanh")
    with pytest.raises(pickle.UnpicklingError, match=r"op 'tanh' is not in autograd\.OPS"):
        pickle.loads(data)


@copiers
def test_shared_nodes_stay_shared(copier: Copier) -> None:
    a = Value(3.0, label="a")
    square = a * a  # two edges to one parent
    h = square.tanh()
    root = h * h + square  # h and square each reached along two paths
    copied_a, copied_h, copied_root = copier((a, h, root))
    assert copied_root.parents[0].parents == (copied_h, copied_h)
    copied_square = copied_h.parents[0]
    assert copied_square.parents == (copied_a, copied_a)
    assert copied_root.parents[1] is copied_square
    root.backward()
    copied_root.backward()
    assert (copied_a.grad, copied_h.grad) == (a.grad, h.grad)


def test_objects_copied_in_one_deepcopy_keep_their_identities() -> None:
    x = Value(2.0)
    y = x * 3
    z = y + 1
    a, b, c = copy.deepcopy([x, y, z])
    assert b.parents[0] is a and c.parents[0] is b


def test_a_shallow_copy_is_a_new_node_on_the_same_parents() -> None:
    x = Value(2.0, label="x")
    y = x * x
    y.label = "y"
    shallow = copy.copy(y)
    assert shallow is not y
    assert shallow.parents == (x, x) and shallow.parents[0] is x
    assert (shallow.data, shallow.label, shallow.op, shallow.local_grads) == (4.0, "y", "mul", (2.0, 2.0))


def chain(n: int) -> tuple[Value, Value]:
    x = Value(0.5, label="x")
    y = x
    for k in range(n):
        y = y.relu() if k % 3 == 2 else -y  # data 0.5, -0.5, 0.5, 0.5, ...: gradients stay 1
    return x, y


@copiers
def test_a_chain_of_100k_nodes_copies_without_recursion(copier: Copier) -> None:
    x, y = chain(100_000)
    copied_x, copied_y = copier((x, y))
    assert len(ancestors(copied_y)) == 100_000
    y.backward()
    copied_y.backward()
    assert copied_x.grad == x.grad == -1.0  # 66,667 negations
    assert snapshot(copied_y) == snapshot(y)


def test_a_node_of_a_deep_graph_pickled_on_its_own_needs_no_recursion() -> None:
    _, y = chain(100_000)
    middle = y.parents[0].parents[0]  # an interior node, with 99,998 ancestors
    assert len(ancestors(pickle.loads(pickle.dumps(middle)))) == 99_998
