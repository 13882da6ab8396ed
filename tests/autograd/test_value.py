"""The ``Value`` data model: parents, local derivatives, operators on either side, repr."""

from __future__ import annotations

import gc
import math

import pytest

from autograd import Value


def test_quick_start_expression_gradients_by_hand() -> None:
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = (a * b + 1).tanh() + a**2 / b - b.exp().log() + 2**a
    c.backward()
    t = math.tanh(2.0 * -3.0 + 1)
    # d/da: (1 - t^2) b + 2a/b + 2^a ln 2 ; d/db: (1 - t^2) a - a^2/b^2 - 1
    assert c.data == pytest.approx(t + 4 / -3 - (-3) + 4, rel=1e-14)
    assert a.grad == pytest.approx((1 - t * t) * -3 + 2 * 2 / -3 + 4 * math.log(2), rel=1e-14)
    assert b.grad == pytest.approx((1 - t * t) * 2 - 4 / 9 - 1, rel=1e-14)


def test_micrograd_readme_golden_values() -> None:
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert f"{g.data:.4f}" == "24.7041"
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_parents_are_ordered_and_keep_duplicates() -> None:
    a = Value(3.0, label="a")
    b = Value(5.0, label="b")
    square = a * a
    assert square.parents == (a, a)
    assert square.local_grads == (3.0, 3.0)
    square.backward()
    assert a.grad == 6.0
    quotient = b / a
    assert quotient.parents == (b, a)
    assert quotient.local_grads == pytest.approx((1 / 3, -5 / 9))


def test_linear_is_one_node_with_inputs_and_weights_as_local_derivatives() -> None:
    w = [Value(0.15, label="w1"), Value(0.20, label="w2")]
    b = Value(0.35, label="b1")
    z = Value.linear(w, [0.05, 0.10], b)
    assert z.op == "linear"
    assert len(z.parents) == 5
    assert z.parents[:2] == tuple(w) and z.parents[-1] is b
    assert z.local_grads == (0.05, 0.10, 0.15, 0.20, 1.0)
    assert z.data == 0.15 * 0.05 + 0.20 * 0.10 + 0.35
    z.backward()
    assert [wi.grad for wi in w] == [0.05, 0.10]
    assert b.grad == 1.0


def test_dot_sum_and_logsumexp_are_single_nodes() -> None:
    xs = [Value(float(i)) for i in range(4)]
    total = Value.sum(xs)
    assert total.op == "sum" and total.parents == tuple(xs) and total.data == 6.0
    d = Value.dot(xs[:2], xs[2:])
    assert d.op == "dot" and d.data == 0 * 2 + 1 * 3 and d.local_grads == (2.0, 3.0, 0.0, 1.0)
    lse = Value.logsumexp(xs)
    softmax = [math.exp(i) / sum(math.exp(j) for j in range(4)) for i in range(4)]
    assert lse.local_grads == pytest.approx(softmax, rel=1e-14)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (lambda v: v + 2, 5.0),
        (lambda v: 2 + v, 5.0),
        (lambda v: v - 2, 1.0),
        (lambda v: 2 - v, -1.0),
        (lambda v: v * 2, 6.0),
        (lambda v: 2 * v, 6.0),
        (lambda v: v / 2, 1.5),
        (lambda v: 3 / v, 1.0),
        (lambda v: v**2, 9.0),
        (lambda v: 2**v, 8.0),
        (lambda v: v ** Value(2.0), 9.0),
        (lambda v: -v, -3.0),
        (lambda v: abs(-v), 3.0),
        (lambda v: v + 2.5, 5.5),
    ],
)
def test_operators_accept_numbers_on_either_side(expression, expected) -> None:  # type: ignore[no-untyped-def]
    result = expression(Value(3.0))
    assert isinstance(result, Value)
    assert result.data == expected


def test_repr_shows_data_grad_and_label() -> None:
    v = Value(1.5, label="w5")
    v.grad = 0.25
    assert repr(v) == "Value(data=1.5, grad=0.25, label='w5')"
    assert repr(Value(2)) == "Value(data=2.0, grad=0.0)"


def test_leaf_properties_and_op_names() -> None:
    x = Value(2.0)
    y = x.tanh()
    assert x.is_leaf and x.op == "" and x.rule is None and x.parents == () and x.local_grads == ()
    assert not y.is_leaf and y.op == "tanh" and y.rule is not None
    assert (x**3).param == 3.0 and (2**x).param == 2.0 and y.param is None
    assert y.local_formula(0) == "1 - tanh(x)^2"
    assert (x**3).local_formula(0) == "3*x^2"


def test_detach_cuts_the_graph() -> None:
    x = Value(2.0, label="x")
    y = (x * x).detach()
    assert y.is_leaf and y.data == 4.0
    (y * x).backward()
    assert x.grad == 4.0


def test_values_use_slots_and_form_no_reference_cycles() -> None:
    assert not hasattr(Value(1.0), "__dict__")
    gc.collect()
    x = Value(0.5)
    y = x
    for _ in range(1000):
        y = (y * x).tanh() + y
    y.backward()
    del x, y
    assert gc.collect() == 0
