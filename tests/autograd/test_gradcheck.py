"""``gradcheck`` and ``gradgradcheck`` pass on right derivatives and explain wrong ones."""

from __future__ import annotations

import pytest

from autograd import GradcheckError, Value, gradcheck, gradgradcheck


def test_gradcheck_passes_and_leaves_inputs_untouched() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    assert gradcheck(lambda x, y: (x * y).sigmoid(), [a, b]) is True
    assert (a.grad, b.grad) == (0.0, 0.0)


def test_gradcheck_accepts_plain_numbers() -> None:
    assert gradcheck(lambda x: x.exp() * x, [0.3])


def test_gradcheck_reports_every_input_when_a_derivative_is_wrong() -> None:
    # x * detach(x) looks like x^2, but its recorded derivative is x, not 2x.
    a, b = Value(1.5, label="a"), Value(0.5, label="b")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: x * x.detach() + y, [a, b])
    message = str(info.value)
    assert "analytical" in message and "numerical" in message
    a_row = next(line for line in message.splitlines() if line.startswith("a "))
    b_row = next(line for line in message.splitlines() if line.startswith("b "))
    assert a_row.split()[1:4] == ["1.5", "1.5", "3"] and a_row.endswith("<-- mismatch")
    assert b_row.split()[1:4] == ["0.5", "1", "1"] and "mismatch" not in b_row


def test_gradcheck_can_return_false_instead() -> None:
    assert gradcheck(lambda x: x * x.detach(), [2.0], raise_exception=False) is False


def test_gradgradcheck_catches_a_wrong_second_derivative() -> None:
    assert gradgradcheck(lambda x, y: (x * y).tanh() * x, [0.4, -0.7])
    with pytest.raises(GradcheckError, match=r"d²f/dx_i dx_j"):
        gradgradcheck(lambda x: x * x * x.detach(), [1.5])


def test_gradcheck_rejects_misuse() -> None:
    with pytest.raises(TypeError, match="f must return a Value, got float"):
        gradcheck(lambda x: 1.0, [1.0])  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="a sequence of Values"):
        gradcheck(lambda x: x, Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one input"):
        gradcheck(lambda: Value(1.0), [])
