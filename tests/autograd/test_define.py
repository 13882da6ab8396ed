"""Ops defined with ``define_op`` behave like built-in rows everywhere, and a wrong derivative
rule is caught by the testing kit with a table that names the input."""

from __future__ import annotations

import math
import pickle

import pytest

from autograd import (
    OPS,
    GradcheckError,
    OpFunction,
    Value,
    backward_events,
    cos,
    define_op,
    grad,
    jvp,
    no_grad,
    sigmoid,
    sin,
)
from autograd.testing import assert_gradients, assert_second_order, check_op

# Defined once for the whole session: rows stay in OPS for as long as the process runs.
sinh_ = define_op(
    "test_sinh", math.sinh, lambda x, out: cosh_(x), formula="sinh(x)", local_formulas=("cosh(x)",)
)
cosh_ = define_op(
    "test_cosh", math.cosh, lambda x, out: sinh_(x), formula="cosh(x)", local_formulas=("sinh(x)",)
)
swish = define_op(
    "test_swish",
    lambda x: x * sigmoid(x),
    lambda x, out: sigmoid(x) * (1 + x * (1 - sigmoid(x))),
    formula="x*sigmoid(x)",
    local_formulas=("sigmoid(x)*(1 + x*(1 - sigmoid(x)))",),
)
wrong_swish = define_op(  # the derivative forgets the product rule's second term
    "test_wrong_swish",
    lambda x: x * sigmoid(x),
    lambda x, out: sigmoid(x),
    formula="x*sigmoid(x)",
    local_formulas=("sigmoid(x)",),
)
hypot = define_op(
    "test_hypot",
    math.hypot,
    lambda a, b, out: (a / out, b / out),
    formula="sqrt(a^2 + b^2)",
    local_formulas=("a/y", "b/y"),
    domain=lambda a, b: a != 0.0 or b != 0.0,
    domain_text="(a, b) != (0, 0)",
)
root = define_op(
    "test_root",
    math.sqrt,
    lambda x, out: 0.5 / out,
    formula="sqrt(x)",
    local_formulas=("1/(2*sqrt(x))",),
    domain=lambda x: x > 0.0,
    domain_text="x > 0",
)


def test_a_defined_op_is_a_row_of_the_table_and_a_function_of_values_and_numbers() -> None:
    assert OPS["test_swish"] is swish.op and isinstance(swish, OpFunction)
    x = Value(1.5, label="x")
    y = swish(x)
    assert (y.op, y.parents, y.rule) == ("test_swish", (x,), OPS["test_swish"])
    assert y.data == 1.5 / (1 + math.exp(-1.5))
    assert swish(1.5) == y.data and type(swish(1.5)) is float
    assert hypot(3.0, 4.0) == 5.0 and hypot(Value(3.0), 4).data == 5.0
    assert y.local_formula(0) == "sigmoid(x)*(1 + x*(1 - sigmoid(x)))"


def test_backward_and_grad_use_the_defined_rule() -> None:
    x = Value(0.7)
    y = swish(x) * 2 + sin(x)
    y.backward()
    s = 1 / (1 + math.exp(-0.7))
    expected = 2 * (s + 0.7 * s * (1 - s)) + math.cos(0.7)
    assert x.grad == pytest.approx(expected, rel=1e-12)
    assert grad(y, [x]) == [x.grad]
    assert [e.local for e in backward_events(y) if e.child.op == "test_swish"] == [s + 0.7 * s * (1 - s)]


def test_defined_rows_survive_create_graph_to_third_order() -> None:
    for point in (-1.3, 0.2, 2.0):
        x = Value(point)
        (d1,) = grad(sinh_(x), [x], create_graph=True)
        (d2,) = grad(d1, [x], create_graph=True)
        (d3,) = grad(d2, [x], create_graph=True)
        assert (d1.data, d2.data, d3.data) == pytest.approx(
            (math.cosh(point), math.sinh(point), math.cosh(point)), rel=1e-12
        )
        assert d3.op != ""  # still a graph: a fourth order would work too
        (s1,) = grad(sin(x), [x], create_graph=True)
        (s2,) = grad(s1, [x], create_graph=True)
        (s3,) = grad(s2, [x])
        assert (s1.data, s2.data, s3) == pytest.approx(
            (math.cos(point), -math.sin(point), -math.cos(point)), rel=1e-12, abs=1e-15
        )


def test_third_derivative_of_swish_matches_differences_of_its_second() -> None:
    def second(p: float) -> float:
        x = Value(p)
        (d1,) = grad(swish(x), [x], create_graph=True)
        return grad(d1, [x])[0]

    for p in (-2.0, -0.3, 0.8):
        x = Value(p)
        (d1,) = grad(swish(x), [x], create_graph=True)
        (d2,) = grad(d1, [x], create_graph=True)
        (d3,) = grad(d2, [x])
        eps = 1e-5
        assert d3 == pytest.approx((second(p + eps) - second(p - eps)) / (2 * eps), rel=1e-6, abs=1e-8)


def test_check_op_passes_on_right_rules() -> None:
    for op in (swish, sinh_, cosh_, hypot, root, "test_swish"):
        check_op(op, min_value=-3, max_value=3, max_examples=30)


def test_a_wrong_derivative_fails_check_op_with_a_table_naming_the_input() -> None:
    with pytest.raises(AssertionError) as info:
        check_op(wrong_swish, max_examples=30)
    message = str(info.value)
    assert message.startswith("check_op(test_wrong_swish): the derivative rule disagrees")
    assert "at x = " in message
    table = message.splitlines()
    header = next(i for i, line in enumerate(table) if line.startswith("input"))
    row = table[header + 2]
    assert row.startswith("x ") and row.endswith("<-- mismatch")
    analytical, numerical = (float(v) for v in row.split()[2:4])
    x = float(row.split()[1])
    s = 1 / (1 + math.exp(-x))
    assert analytical == pytest.approx(s, rel=1e-6)  # what the wrong rule says
    assert numerical == pytest.approx(s + x * s * (1 - s), rel=1e-4, abs=1e-6)  # the truth


def test_a_wrong_derivative_fails_assert_gradients_with_a_table_naming_the_input() -> None:
    with pytest.raises(GradcheckError) as info:
        assert_gradients(lambda u, v: wrong_swish(u) * v, [Value(1.0, label="u"), Value(2.0, label="v")])
    lines = str(info.value).splitlines()
    assert lines[0].startswith("assert_gradients: analytical and numerical")
    u_row = next(line for line in lines if line.startswith("u "))
    v_row = next(line for line in lines if line.startswith("v "))
    assert u_row.endswith("<-- mismatch") and "mismatch" not in v_row
    # The second-order check differentiates the (wrong) first derivative: consistent with itself.
    assert_second_order(wrong_swish, [1.0])


def test_no_grad_records_nothing_and_domain_errors_name_the_op() -> None:
    with no_grad():
        y = swish(Value(1.0))
    assert y.is_leaf and y.parents == ()
    for bad in (Value(-1.0), -1.0):
        with pytest.raises(ValueError, match=r"^test_root: got x = -1.0, but test_root needs x > 0$"):
            root(bad)
    with pytest.raises(ValueError, match=r"test_hypot: got a = 0.0, b = 0.0, but test_hypot needs"):
        hypot(Value(0.0), 0.0)
    with pytest.raises(TypeError, match="test_hypot: takes 2 inputs, got 1"):
        hypot(Value(1.0))


def test_redefining_a_name_is_an_error() -> None:
    for name in ("tanh", "sin", "test_swish"):
        with pytest.raises(ValueError, match=rf"an op named '{name}' exists already"):
            define_op(name, math.tanh, lambda x, out: 1 - out * out, formula="t", local_formulas=("1",))
    assert OPS["tanh"].forward is math.tanh and OPS["test_swish"] is swish.op


def test_a_malformed_definition_is_refused_with_a_clear_error() -> None:
    with pytest.raises(ValueError, match="identifier"):
        define_op("my op", abs, lambda x, out: 1.0, formula="|x|", local_formulas=("1",))
    with pytest.raises(ValueError, match=r"one input \(x\) or two"):
        define_op("test_three", max, lambda *a: a, formula="m", local_formulas=("1", "1", "1"))
    with pytest.raises(TypeError, match="one per input"):
        define_op("test_str_formulas", abs, lambda x, out: 1.0, formula="|x|", local_formulas="1")
    bad_count = define_op(
        "test_bad_count", abs, lambda x, out: (1.0, 2.0), formula="|x|", local_formulas=("1",)
    )
    with pytest.raises(TypeError, match="test_bad_count: derivative must give 1 local derivative"):
        bad_count(Value(1.0))
    not_a_number = define_op(
        "test_not_a_number", lambda x: "x", lambda x, out: 1.0, formula="x", local_formulas=("1",)
    )
    with pytest.raises(TypeError, match="test_not_a_number: forward must return a number, got str"):
        not_a_number(Value(1.0))
    value_rule = define_op(
        "test_value_rule", math.exp, lambda x, out: Value(out), formula="exp(x)", local_formulas=("exp(x)",)
    )
    with pytest.raises(TypeError, match="test_value_rule: on float inputs the derivative must give floats"):
        value_rule(Value(1.0))
    infinite = define_op(
        "test_infinite", math.sqrt, lambda x, out: 0.5 / out, formula="sqrt(x)", local_formulas=("1/(2*y)",)
    )
    with pytest.raises(ValueError, match=r"test_infinite: the local derivative is infinite at x = 0\.0"):
        infinite(Value(0.0))


def test_a_rule_written_with_math_instead_of_the_helpers_fails_check_op() -> None:
    # math.cos turns a Value into a float: right first derivatives, but no graph for the second.
    flat = define_op(
        "test_flat_sin", math.sin, lambda x, out: math.cos(x), formula="sin(x)", local_formulas=("cos(x)",)
    )
    check_op_message = ""
    try:
        check_op(flat, max_examples=20)
    except AssertionError as exc:
        check_op_message = str(exc)
    assert check_op_message.startswith("check_op(test_flat_sin): at x = ")
    assert "the derivative rule gave the plain number" in check_op_message and "math.*" in check_op_message


def test_defined_ops_draw_explain_and_replay_with_their_formulas() -> None:
    from viz import draw, explain, replay

    x = Value(0.4, label="x")
    y = swish(x)
    y.label = "y"
    z = hypot(y, cos(x))
    z.label = "z"
    source = draw(z).source
    assert "test_swish: x*sigmoid(x)" in source and "test_hypot: sqrt(a^2 + b^2)" in source
    assert "∂u1/∂x = −sin(x) = -0.3894" in source and "∂y/∂x = σ(x)·(1 + x·(1 − σ(x)))" in source
    text = explain(z, x).to_text()
    assert "∂y/∂x = σ(x)·(1 + x·(1 − σ(x)))" in text and "∂z/∂y = y/z" in text
    assert explain(z, x).matches and explain(z, x, method="forward").matches
    for fmt in ("markdown", "latex", "html"):
        assert explain(z, x, format=fmt)
    page = replay(z)
    assert any(step.text.startswith("y = x·σ(x) = ") for step in page.steps)  # in the graph's names
    assert page.steps[-1].text.startswith("x.grad += ")


def test_an_op_function_pickles_by_name_and_forward_mode_uses_its_rule() -> None:
    assert pickle.loads(pickle.dumps(swish)).op is swish.op
    out, d = jvp(lambda x: swish(x), [0.3], [2.0])
    s = 1 / (1 + math.exp(-0.3))
    assert out.data == swish(0.3) and d == pytest.approx(2 * (s + 0.3 * s * (1 - s)), rel=1e-12)


def test_a_forward_rule_that_fails_is_a_domain_error_not_an_overflow() -> None:
    recip = define_op(
        "recip_test", lambda x: 1 / x, lambda x, out: -out * out, formula="1/x", local_formulas=("-1/x^2",)
    )
    mlog = define_op("mlog_test", math.log, lambda x, out: 1 / x, formula="log(x)", local_formulas=("1/x",))
    with pytest.raises(
        ZeroDivisionError, match=r"^recip_test: got x = 0.0, where its forward rule fails .*domain="
    ):
        recip(Value(0.0))
    with pytest.raises(
        ValueError, match=r"^mlog_test: got x = -1.0, where its forward rule fails \(ValueError"
    ):
        mlog(Value(-1.0))
    with pytest.raises(ValueError, match="outside the op's domain"):
        mlog(-1.0)  # on numbers too


def test_a_derivative_rule_made_with_math_functions_is_refused_before_it_gives_wrong_higher_derivatives() -> (
    None
):
    msin = define_op(
        "msin_test", math.sin, lambda x, out: math.cos(x), formula="sin(x)", local_formulas=("cos(x)",)
    )
    x = Value(0.7)
    y = msin(x)
    y.backward()
    assert x.grad == pytest.approx(math.cos(0.7))  # first order on floats is right
    with pytest.raises(
        TypeError, match=r"msin_test: on Value inputs the derivative rule gave the plain number .*math"
    ):
        grad(msin(x), [x], create_graph=True)
    line = define_op("line_test", lambda x: 3 * x, lambda x, out: 3.0, formula="3*x", local_formulas=("3",))
    (g,) = grad(line(x), [x], create_graph=True)  # a constant derivative is fine as a number
    assert g.data == 3.0 and grad(g, [x]) == [0.0]
