"""A wrong argument is an error that names it and says what to give instead, raised before
anything changes, rather than a failure deep inside with another name: gradcheck's step ``eps``,
and the inputs of ``Value.linear`` and ``Value.dot``. (``explain``'s ``max_paths``:
``tests/viz/test_explain_arguments.py``; optimizer state and checkpoints:
``tests/nn/test_load_messages.py``.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from autograd import Value
from autograd.gradcheck import gradcheck, gradgradcheck

# ---- gradcheck ----------------------------------------------------------------------------------


@pytest.mark.parametrize("eps", [1e308, 1e200])
def test_gradcheck_with_a_step_that_overflows_f_names_eps(eps: float) -> None:
    with pytest.raises(OverflowError) as caught:
        gradcheck(lambda a: a * a, [Value(2.0, label="a")], eps=eps)
    message = str(caught.value)
    assert message.startswith(
        f"gradcheck: f at a + eps = {2.0 + eps!r} (eps={eps!r} is the finite-difference step)"
    )
    assert "use a smaller eps, such as the default 1e-6" in message
    assert "mul:" in message  # the op's own words are kept


def test_gradcheck_with_a_step_out_of_the_domain_names_eps() -> None:
    with pytest.raises(
        ValueError,
        match=r"gradcheck: f at input 0 - eps = -0.9 \(eps=1.0 is the finite-difference step\) failed: log: "
        r".*use a smaller eps",
    ):
        gradcheck(lambda a: a.log(), [0.1], eps=1.0)


def test_gradgradcheck_names_eps_too() -> None:
    with pytest.raises(OverflowError, match=r"gradgradcheck: f at input 0 \+ eps = .*eps=1e\+200"):
        gradgradcheck(lambda a: a * a * a, [Value(1.0)], eps=1e200)


def test_gradcheck_with_a_usual_step_still_passes() -> None:
    assert gradcheck(lambda a, b: (a * b).tanh(), [Value(0.3), Value(-0.7)])


# ---- linear and dot -----------------------------------------------------------------------------


def test_linear_and_dot_take_generators_and_name_a_bad_argument() -> None:
    def gen() -> Iterator[Value]:
        return (Value(float(i)) for i in range(3))

    assert Value.linear(gen(), gen(), Value(1.0)).data == 6.0
    assert Value.dot(gen(), gen()).data == 5.0
    with pytest.raises(
        TypeError, match=r"linear: inputs must be a list or tuple of Values or numbers, got int 5"
    ):
        Value.linear([Value(1.0)], 5, 0.0)  # type: ignore[arg-type]
