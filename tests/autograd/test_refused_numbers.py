"""Numbers the engine must never accept silently: data made non-finite (or not a number) after a
Value was made, infinite local derivatives, huge ints, nonsense check settings, and a ``.grad``
or ``.data`` changed by hand between the forward and the backward pass. Each case asserts the
exception's type and that its message names the op, the argument or the node."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import OPS, Value, backward, cos, grad, gradcheck, gradgradcheck, no_grad, sin

from ..builds import assigned
from .test_ops import SHIPPED

# How to apply each row of the op table to Values (two inputs for every op that takes them).
APPLY: dict[str, Callable[[Value, Value], Value]] = {
    "neg": lambda a, b: -a,
    "exp": lambda a, b: a.exp(),
    "log": lambda a, b: a.log(),
    "sqrt": lambda a, b: a.sqrt(),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "relu": lambda a, b: a.relu(),
    "leaky_relu": lambda a, b: a.leaky_relu(0.1),
    "abs": lambda a, b: abs(a),
    "softplus": lambda a, b: a.softplus(),
    "pow": lambda a, b: a**2,
    "rpow": lambda a, b: 2.0**a,
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "vpow": lambda a, b: a**b,
    "sum": lambda a, b: Value.sum([a, b]),
    "dot": lambda a, b: Value.dot([a], [b]),
    "linear": lambda a, b: Value.linear([a], [b], 0.5),
    "logsumexp": lambda a, b: Value.logsumexp([a, b]),
    "sin": lambda a, b: sin(a),  # rows added with define_op go the same way
    "cos": lambda a, b: cos(a),
}
UNARY = {name for name, op in OPS.items() if op.arity == 1}


def test_every_op_chainrule_ships_is_covered() -> None:
    assert set(APPLY) == SHIPPED


@pytest.mark.parametrize("name", sorted(APPLY))
@given(bad=st.sampled_from([math.nan, math.inf, -math.inf]), which=st.integers(0, 1), recording=st.booleans())
def test_data_made_non_finite_after_construction_is_refused_by_every_op(
    name: str, bad: float, which: int, recording: bool
) -> None:
    if name in UNARY and which == 1:
        which = 0  # a unary op reads only its first input
    inputs = [Value(1.5, label="a"), Value(0.5, label="b")]
    inputs[which].data = bad
    with pytest.raises(ValueError, match=rf"^{name}: got .*{bad!r}.*set after the Value was made"):
        if recording:
            APPLY[name](*inputs)
        else:
            with no_grad():
                APPLY[name](*inputs)


@pytest.mark.parametrize("name", sorted(APPLY))
@pytest.mark.parametrize("bad", ["2.0", None, [1.0]])
def test_data_that_is_not_a_number_names_the_op_and_the_type(name: str, bad: object) -> None:
    a, b = Value(1.5), Value(0.5)
    if not assigned(a, "data", bad):
        return
    with pytest.raises(TypeError, match=rf"^{name}: an input's .data is {type(bad).__name__} "):
        APPLY[name](a, b)


@pytest.mark.parametrize("bad", [math.nan, -math.inf, math.inf])
def test_relu_of_nan_or_infinite_data_is_not_zero(bad: float) -> None:
    x = Value(1.0)
    x.data = bad
    with pytest.raises(ValueError, match="relu: got x = "):
        x.relu()  # used to return 0.0 (nan > 0 is False)
    with pytest.raises(ValueError, match="logsumexp: got inputs"):
        Value.logsumexp([x, Value(0.0)])  # exp(-inf) = 0 would have hidden it


def test_every_recorded_local_derivative_is_finite_or_raises() -> None:
    x = Value(30.8, label="x")
    out = None
    with pytest.raises(ValueError, match=r"^rpow: the local derivative is infinite at x = 30.8"):
        out = 1e10**x  # 1e308 is finite, its derivative 1e308 * log(1e10) is not
    assert out is None
    with no_grad():
        assert math.isfinite((1e10**x).data)  # the value alone is fine
    with pytest.raises(ValueError, match=r"^vpow: the local derivative is infinite"):
        Value(1e10) ** x
    with pytest.raises(ValueError, match=r"^pow: the local derivative is infinite"):
        Value(1e-308) ** -1


@given(st.floats(-800, 800), st.floats(1.01, 1e15))
def test_no_recorded_local_derivative_is_ever_infinite(x: float, base: float) -> None:
    """Whatever comes out of an op, its local derivatives are finite, or the op raised."""
    for make in (lambda v: base**v, lambda v: Value(base) ** v, lambda v: v.exp(), lambda v: (v * v).sqrt()):
        try:
            node = make(Value(x))
        except (ValueError, OverflowError, ZeroDivisionError):
            continue
        assert all(math.isfinite(d) for d in node.local_grads), node


@pytest.mark.parametrize("huge", [10**5000, -(10**400)], ids=["10**5000", "-10**400"])
def test_huge_ints_raise_overflow_naming_the_op_in_a_short_message(huge: int) -> None:
    with pytest.raises(OverflowError, match=r"^Value: an int of about \d+ digits is too large") as caught:
        Value(huge)
    assert len(str(caught.value)) < 200
    with pytest.raises(OverflowError, match=r"^add: an int of about \d+ digits is too large"):
        Value(1.0) + huge
    with pytest.raises(OverflowError, match=r"^mul: an int of about"):
        huge * Value(1.0)


def test_grad_with_one_value_instead_of_a_list_says_so() -> None:
    x = Value(2.0, label="x")
    y = x * x
    with pytest.raises(TypeError, match=r"grad: inputs must be a list of Values, got one Value .*\[x\]"):
        grad(y, x)  # type: ignore[call-overload]
    assert grad(y, [x]) == [4.0]


@pytest.mark.parametrize(
    ("settings", "error", "names"),
    [
        ({"eps": 0}, ValueError, "eps must be > 0"),
        ({"eps": -1e-6}, ValueError, "eps must be > 0"),
        ({"atol": math.nan}, ValueError, "atol: got nan"),
        ({"rtol": math.nan}, ValueError, "rtol: got nan"),
        ({"atol": -1.0}, ValueError, "atol must be >= 0"),
        ({"rtol": math.inf}, ValueError, "rtol: got inf"),
    ],
)
def test_gradcheck_refuses_settings_that_would_pass_anything_or_divide_by_zero(
    settings: dict[str, float], error: type[Exception], names: str
) -> None:
    for check in (gradcheck, gradgradcheck):
        with pytest.raises(error, match=f"{check.__name__}: {names}"):
            check(lambda x: x * x, [Value(1.0)], **settings)  # type: ignore[arg-type]


def test_a_grad_that_is_not_a_number_is_named_and_the_graph_left_as_it_was() -> None:
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    y = (x * w).tanh()
    w.grad = 0.25
    if not assigned(x, "grad", None):
        return
    with pytest.raises(TypeError, match=r"backward: the .grad of .*label='x'\) is NoneType None, not a"):
        y.backward()
    assert w.grad == 0.25 and x.grad is None  # nothing half-done
    x.grad = 0.0
    backward(y)
    assert x.grad == pytest.approx(3.0 * (1 - math.tanh(6.0) ** 2))


def test_data_changed_between_forward_and_create_graph_is_an_error_not_a_disagreement() -> None:
    x = Value(2.0, label="x")
    y = x * x * x  # dy/dx = 3x² = 12 at the forward pass
    (plain,) = grad(y, [x])
    x.data = 5.0
    assert grad(y, [x]) == [plain]  # recorded local derivatives: the point of the forward pass
    with pytest.raises(ValueError, match=r"create_graph=True\): .*'mul'.*\.data changed after the forward"):
        grad(y, [x], create_graph=True)
    x.data = 2.0  # put back: the graph is consistent again
    (again,) = grad(y, [x], create_graph=True)
    assert again.data == plain == 12.0
