"""``Value(data, children, local_grads)``: a node from explicit parents and local derivatives
behaves, in every pass, like the op-built node with the same numbers; the numbers are checked, and
what it cannot do (a second derivative) is an error, never a silently wrong number."""

from __future__ import annotations

import copy
import math
import pickle

import pytest
from hypothesis import given as hypothesis_given
from hypothesis import strategies as st

from autograd import GradcheckError, Value, backward_events, define_op, grad, gradcheck, jvp, no_grad
from autograd.ops import GIVEN

finite = st.floats(-3.0, 3.0, allow_nan=False)


def by_hand(node: Value) -> Value:
    """The same node, rebuilt from its numbers alone."""
    return Value(node.data, node.parents, node.local_grads)


@hypothesis_given(finite, finite, finite)
def test_a_graph_rebuilt_by_hand_has_the_op_built_gradients(x0: float, y0: float, z0: float) -> None:
    def f(make: bool) -> tuple[Value, list[Value]]:
        x, y, z = Value(x0), Value(y0), Value(z0)
        u = x * y
        u = by_hand(u) if make else u
        v = Value.sum([u, z, x])
        v = by_hand(v) if make else v
        w = v.tanh()
        w = by_hand(w) if make else w
        return (w * w + u), [x, y, z]

    expected_out, expected_leaves = f(False)
    out, leaves = f(True)
    assert out.data == expected_out.data
    assert grad(out, leaves) == grad(expected_out, expected_leaves)
    out.backward()
    expected_out.backward()
    assert [p.grad for p in leaves] == [p.grad for p in expected_leaves]


def test_forward_mode_and_backward_events_use_the_given_numbers() -> None:
    out, tangent = jvp(lambda x: Value(x.data**3, (x,), (3 * x.data**2,)), [2.0], [1.0])
    assert (out.data, tangent) == (8.0, 12.0)
    x = Value(2.0)
    cube = Value(8.0, (x,), (12.0,))
    assert [(e.parent, e.local, e.after) for e in backward_events(cube)] == [(x, 12.0, 12.0)]


def test_gradcheck_catches_a_wrong_local_derivative_and_passes_a_right_one() -> None:
    def cube(x: Value, dx: float) -> Value:
        return Value(x.data**3, (x,), (dx * x.data**2,))

    assert gradcheck(lambda x: cube(x, 3.0), [1.3])
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: cube(x, 2.0), [1.3])


def test_the_node_is_recorded_as_the_given_row() -> None:
    a, b = Value(1.5), Value(4.0)
    node = Value(6.0, [a, b], [4, 1.5])
    assert node.rule is GIVEN and node.op == "given" and not node.is_leaf
    assert node.parents == (a, b) and node.local_grads == (4.0, 1.5)
    assert all(type(g) is float for g in node.local_grads)
    assert node.local_formula(0) == "given"
    assert node.index > max(a.index, b.index)


def test_no_children_or_no_recording_gives_a_leaf() -> None:
    a = Value(1.0)
    assert Value(3.0, (), ()).is_leaf
    with no_grad():
        assert Value(2.0, (a,), (2.0,)).is_leaf


def test_pickle_and_deepcopy_keep_the_given_row() -> None:
    a = Value(2.0)
    node = Value(4.0, (a,), (4.0,))
    for twin in (pickle.loads(pickle.dumps(node)), copy.deepcopy(node)):
        assert twin.rule is GIVEN and twin.local_grads == (4.0,) and twin.parents[0].data == 2.0


def test_a_second_derivative_through_it_is_an_error_that_names_the_node() -> None:
    x = Value(2.0)
    y = Value(8.0, (x,), (12.0,))
    assert grad(y, [x]) == [12.0]
    with pytest.raises(ValueError, match=r"Value\(data, children, local_grads\).*define_op"):
        grad(y, [x], create_graph=True)


@pytest.mark.parametrize(
    ("args", "kind", "message"),
    [
        ((1.0, ("a",), "+"), TypeError, r"micrograd's internal way.*local_grads"),
        ((1.0, "x", (1.0,)), TypeError, r"local_grads go with children, not a label"),
        ((1.0, "CHILD"), TypeError, r"needs the local derivatives too"),
        ((1.0, "CHILD", 2.0), TypeError, r"local_grads must be a tuple of numbers.*float 2\.0"),
        ((1.0, "CHILD", (1.0, 2.0)), ValueError, r"len\(children\) is 1 but len\(local_grads\) is 2"),
        ((1.0, (1.0,), (1.0,)), TypeError, r"children\[0\] is float 1\.0, not a Value"),
        ((1.0, "CHILD", (math.nan,)), ValueError, r"local_grads\[0\]: got nan"),
        ((1.0, "CHILD", ("2",)), TypeError, r"local_grads\[0\]: expected a Value, int or float, got str"),
        ((math.inf, "CHILD", (1.0,)), ValueError, r"Value: got inf"),
        ((1.0, 7), TypeError, r"label must be a str, got int 7 \(or.*children must be a tuple of Values"),
    ],
)
def test_bad_arguments_are_refused_naming_what_to_change(
    args: tuple[object, ...], kind: type[Exception], message: str
) -> None:
    child = Value(0.5)
    filled = tuple((child,) if a == "CHILD" else a for a in args)
    with pytest.raises(kind, match=message):
        Value(*filled)  # type: ignore[arg-type]


def test_define_op_cannot_take_the_name_given() -> None:
    with pytest.raises(ValueError, match=r"an op named 'given' exists already"):
        define_op("given", lambda x: x, lambda x, out: (1.0,), formula="x", local_formulas=("1",))
