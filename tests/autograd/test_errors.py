"""Bad input gets a clear exception naming the op and the offending value; never a silent NaN."""

from __future__ import annotations

import math

import pytest

from autograd import Value, grad


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Value("3"), TypeError, r"Value: expected a Value, int or float, got str '3'"),
        (lambda: Value(None), TypeError, r"Value: .* got NoneType None"),
        (lambda: Value(1.0, label=5), TypeError, r"label must be a str, got int 5"),
        (lambda: Value(1.0) + "a", TypeError, r"add: .* got str 'a'"),
        (lambda: "a" * Value(1.0), TypeError, r"mul: .* got str 'a'"),
        (lambda: [1, 2] * Value(1.0), TypeError, r"mul: .* got list \[1, 2\]"),
        (lambda: Value(1.0) / None, TypeError, r"div: .* got NoneType None"),
        (lambda: pow(Value(2.0), 2, 3), TypeError, r"pow: a modulo argument"),
        (lambda: Value(float("nan")), ValueError, r"Value: got nan"),
        (lambda: Value(math.inf), ValueError, r"Value: got inf"),
        (lambda: Value(1.0) * float("nan"), ValueError, r"mul: got nan"),
        (lambda: Value(0.0).log(), ValueError, r"log: got x = 0.0, but log needs x > 0"),
        (lambda: Value(-2.5).log(), ValueError, r"log: got x = -2.5"),
        (lambda: Value(-1.0).sqrt(), ValueError, r"sqrt: got x = -1.0, but sqrt needs x >= 0"),
        (lambda: Value(0.0).sqrt(), ValueError, r"sqrt: the local derivative is infinite at x = 0.0"),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, r"pow: got x = -8.0, p = 0.333"),
        (lambda: Value(0.0) ** -1, ValueError, r"pow: got x = 0.0, p = -1.0"),
        (lambda: Value(0.0) ** 0.5, ValueError, r"pow: the local derivative is infinite at x = 0.0"),
        (lambda: Value(-2.0) ** Value(2.0), ValueError, r"vpow: got a = -2.0, b = 2.0"),
        (lambda: (-2) ** Value(0.5), ValueError, r"rpow: got x = 0.5, p = -2.0"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, r"div: got a = 1.0, b = 0.0"),
        (lambda: 1 / Value(0.0), ZeroDivisionError, r"div: got a = 1.0, b = 0.0"),
        (lambda: Value(710.0).exp(), OverflowError, r"exp: got x = 710.0"),
        (lambda: Value(1e200) * 1e200, OverflowError, r"mul: got a = 1e\+200, b = 1e\+200"),
        (lambda: Value(10.0) ** 400, OverflowError, r"pow: got x = 10.0, p = 400.0"),
        (lambda: Value(1e-320).log(), ValueError, r"log: the local derivative is infinite at x = 1e-320"),
        (lambda: Value.sum([]), ValueError, r"sum: needs at least one value"),
        (lambda: Value.logsumexp([]), ValueError, r"logsumexp: needs at least one value"),
        (lambda: Value.linear([1.0, 2.0], [1.0], 0.0), ValueError, r"linear: 2 weights but 1 inputs"),
        (lambda: Value.dot([], []), ValueError, r"dot: needs at least one"),
        (lambda: Value(1.0).backward(grad=float("nan")), ValueError, r"backward: got nan"),
        (lambda: grad(Value(1.0), [2.0]), TypeError, r"grad: every input must be a Value, got float 2.0"),
        (lambda: grad(3.0, []), TypeError, r"grad: output must be a Value"),
    ],
)
def test_bad_input_raises_a_clear_error(make, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        make()


def test_backward_overflow_is_reported_not_silent() -> None:
    x = Value(1e-200, label="x")
    y = x.log() * 1e200  # finite values, but d y/d x = 1e200 / 1e-200 overflows
    with pytest.raises(OverflowError, match=r"backward: the gradient of Value\(.*label='x'\).* overflowed"):
        y.backward()
    with pytest.raises(OverflowError, match=r"grad: the gradient for Value\(.*label='x'\)"):
        grad(y, [x])


@pytest.mark.parametrize("x0", [1e308, -1e308, 1000.0, -1000.0, 745.0, -745.0])
def test_squashing_functions_are_stable_for_any_magnitude(x0: float) -> None:
    x = Value(x0)
    s, t, p = x.sigmoid(), x.tanh(), x.softplus()
    assert s.data == pytest.approx(1.0 if x0 > 0 else 0.0, abs=1e-300)
    assert t.data == math.copysign(1.0, x0)
    assert p.data == pytest.approx(x0 if x0 > 0 else 0.0, abs=1e-300)
    (s + t + p).backward()
    assert x.grad == pytest.approx(1.0 if x0 > 0 else 0.0, abs=1e-300)  # softplus' derivative


def test_no_grad_allows_values_whose_derivative_is_undefined() -> None:
    from autograd import no_grad

    with no_grad():
        assert Value(0.0).sqrt().data == 0.0
        assert (Value(0.0) ** 0.5).data == 0.0
