"""Module trees of any shape are walked: cycles, shared sub-modules and deep nesting give each
parameter once, under a stable name; parameters a walk cannot name are refused, not skipped."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from autograd import Value
from nn import MLP, SGD, Module


class Cell(Module):
    """One parameter, and whatever a test hangs on it."""

    # What the tests hang on cells (annotations only: no attribute exists until one is set).
    me: Cell
    other: Cell
    left: Cell
    right: Cell
    child: Cell
    blocks: list[Cell]
    items: Any
    heads: Any
    cache: Any
    config: Any
    _cache: Any

    def __init__(self, w: float = 1.0) -> None:
        self.w = Value(w)


def test_a_module_that_holds_itself_is_walked_once() -> None:
    cell = Cell()
    cell.me = cell
    assert cell.named_parameters() == [("w", cell.w)]
    assert cell.parameters() == [cell.w]
    assert repr(cell) == "Cell(1 parameters)"


def test_two_modules_that_hold_each_other_are_walked_once_each() -> None:
    a, b = Cell(1.0), Cell(2.0)
    a.other, b.other = b, a
    assert a.named_parameters() == [("w", a.w), ("other.w", b.w)]
    assert b.named_parameters() == [("w", b.w), ("other.w", a.w)]
    a.load_state_dict({"w": 5.0, "other.w": 6.0})
    assert (a.w.data, b.w.data) == (5.0, 6.0)


def test_a_shared_sub_module_is_walked_once_under_its_first_name() -> None:
    shared = Cell()
    parent = Cell()
    parent.left, parent.right = shared, shared
    assert parent.named_parameters() == [("w", parent.w), ("left.w", shared.w)]
    assert len(SGD(parent.parameters(), lr=0.1).params) == 2  # not "listed twice"


def test_a_tree_deeper_than_the_recursion_limit_is_walked() -> None:
    depth = sys.getrecursionlimit() * 2
    root = Cell()
    node = root
    for _ in range(depth):
        node.child = Cell()
        node = node.child
    names = [name for name, _ in root.named_parameters()]
    assert len(names) == depth + 1 and len(root.parameters()) == depth + 1
    assert names[-1] == "child." * depth + "w"
    assert repr(root) == f"Cell({depth + 1} parameters)"
    root.freeze("child.*")
    assert root.parameters() == [root.w]


def test_a_list_that_holds_itself_is_walked_once() -> None:
    cell = Cell()
    loop: list[Any] = [Value(2.0)]
    loop.append(loop)
    cell.items = loop
    assert [name for name, _ in cell.named_parameters()] == ["w", "items.0"]


def test_walking_order_and_names_are_those_of_before() -> None:
    net = MLP(2, [2, 1], seed=0)
    names = [name for name, _ in net.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.1.neurons.0.b" and len(names) == 9


@pytest.mark.parametrize(
    ("container", "kind", "where"),
    [
        ({"left": Value(1.0)}, "a dict holding a Value", "heads['left']"),
        ({"a": [0.0, {"b": Value(1.0)}]}, "a dict holding a Value", "heads['a'][1]['b']"),
        ({"block": Cell()}, r"a dict holding a Module \(Cell\)", "heads['block']"),
        ({Value(1.0)}, "a set holding a Value", "heads[0]"),
    ],
)
def test_parameters_in_a_dict_or_set_are_refused_naming_the_attribute(
    container: Any, kind: str, where: str
) -> None:
    cell = Cell()
    cell.heads = container
    for walk in (cell.parameters, cell.named_parameters, cell.state_dict, cell.zero_grad):
        with pytest.raises(TypeError, match=r"Cell: attribute 'heads' is " + kind) as caught:
            walk()
        message = str(caught.value)
        assert f"(at {where})" in message
        assert "list or a tuple" in message and "'_heads'" in message
    assert repr(cell) == "Cell(1 parameters)"  # a repr never raises


def test_a_dict_deeper_in_the_tree_is_named_by_its_dotted_path() -> None:
    parent = Cell()
    parent.blocks = [Cell()]
    parent.blocks[0].cache = {"z": Value(3.0)}
    with pytest.raises(TypeError, match=r"attribute 'blocks\.0\.cache' is a dict holding a Value"):
        parent.parameters()


def test_dicts_of_plain_data_and_private_dicts_of_values_are_fine() -> None:
    cell = Cell()
    cell.config = {"lr": 0.1, "sizes": [2, 3]}
    cell._cache = {"z": Value(3.0)}
    assert cell.named_parameters() == [("w", cell.w)]


@pytest.mark.parametrize("pattern", [123, None, b"*.b", ["*.b"]])
def test_a_freeze_pattern_that_is_not_a_string_is_named(pattern: object) -> None:
    net = MLP(2, [1], seed=0)
    for method in ("freeze", "unfreeze"):
        with pytest.raises(
            TypeError, match=rf"{method}: patterns must be strings, .*'\*\.b'.*got {type(pattern).__name__}"
        ):
            getattr(net, method)(pattern)
    assert net.frozen_names() == []
