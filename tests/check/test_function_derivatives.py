"""The checker's functions of one input come from the op table: each row's value and textbook
derivative (its reading, in a site's names) agree with the row's own rules, in float64 and with
50 digits; an activation the table gains is a layer activation of a worked-example file."""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import OPS, define_op
from viz.check.arithmetic import FLOAT64, PRECISE
from viz.check.refs import function_names, function_row
from viz.check.rules import function_derivative, standard_formula
from viz.check.spec import activations

ONE_INPUT = sorted(name for name in OPS if function_row(name) is not None)
NEEDED = {"exp", "log", "sqrt", "sigmoid", "tanh", "relu", "abs", "softplus", "sin", "cos"}


def test_every_function_of_one_input_is_in_the_language() -> None:
    assert set(ONE_INPUT) >= NEEDED
    assert function_names() >= {*ONE_INPUT, "ln", "sum", "max", "min"}
    assert "pow" not in function_names()  # a constant parameter: x ** p is written with **


@pytest.mark.parametrize("op", ONE_INPUT)
@given(x=st.floats(-4.0, 4.0))
def test_value_and_derivative_agree_with_the_row(op: str, x: float) -> None:
    row = OPS[op]
    assume(row.accepts((x,), None) and abs(x) > 1e-3 and all(abs(x - k) > 1e-6 for k in row.kinks))
    y = row.forward(x)
    (want,) = row.run_derivative([x], y, None)
    formula = function_derivative(op)
    assert formula({"a": y, "z": x, "a_j": y, "kron": 1.0}) == pytest.approx(want, rel=1e-12, abs=1e-15)
    precise_x = mpmath.mpf(x)  # x's binary value exactly (PRECISE.const reads the decimal)
    precise_y = PRECISE.apply(op, precise_x)
    assert float(precise_y) == pytest.approx(y, rel=1e-14, abs=1e-300)
    values = {"a": precise_y, "z": precise_x, "a_j": precise_y, "kron": PRECISE.const(1.0)}
    assert float(formula(values, PRECISE.functions())) == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert FLOAT64.apply(op, x) == y  # float64 is the row's own forward rule, bit for bit


def test_the_textbook_forms_are_the_rows_readings() -> None:
    assert function_derivative("sigmoid").text == "a*(1 - a)"  # in the output a, as taught
    assert function_derivative("tanh").text == "1 - a**2"
    assert function_derivative("relu").text == "1 if z > 0 else 0"
    assert function_derivative("ln") is function_derivative("log")  # ln is log's other name
    assert standard_formula("activation_derivative", "tanh") is function_derivative("tanh")


def test_precise_values_keep_the_digits_float64_loses() -> None:
    one_minus = 1 - PRECISE.apply("sigmoid", PRECISE.const(16.0))
    assert float(one_minus) == pytest.approx(math.exp(-16) / (1 + math.exp(-16)), rel=1e-15)


def test_a_reading_beyond_the_formula_language_runs_the_rows_rule() -> None:
    wiggle = define_op(
        "wiggle", lambda x: x + math.sin(x), lambda x, out: (1.0 + math.cos(x),),
        formula="wiggle(x)", local_formulas=("1 + cos(x)",),
    )  # fmt: skip
    assert wiggle is not None and "wiggle" in activations()
    formula = function_derivative("wiggle")
    assert formula.text == "1 + cos(z)"  # cos is no function of the formula language
    assert formula({"a": 0.0, "z": 0.5, "a_j": 0.0, "kron": 1.0}) == 1.0 + math.cos(0.5)


def test_a_redefined_row_is_read_again() -> None:
    define_op("ramp", lambda x: 2.0 * x, lambda x, out: (2.0,), formula="ramp(x)", local_formulas=("2",))
    assert function_derivative("ramp").text == "2"
    del OPS["ramp"]
    define_op("ramp", lambda x: 3.0 * x, lambda x, out: (3.0,), formula="ramp(x)", local_formulas=("3",))
    assert function_derivative("ramp")({"a": 0.0, "z": 1.0, "a_j": 0.0, "kron": 1.0}) == 3.0


def test_a_name_that_is_no_function_of_one_input_is_refused() -> None:
    for name in ("pow", "add", "no_such_op"):
        with pytest.raises(ValueError, match=f"no derivative of {name}"):
            function_derivative(name)
        with pytest.raises(ValueError, match=f"unknown function {name}"):
            FLOAT64.apply(name, 1.0)
