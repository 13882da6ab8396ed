"""A wrong argument is an error that names it and says what to give instead, raised before
anything changes, rather than a failure deep inside with another name."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograd import Value
from autograd.gradcheck import gradcheck, gradgradcheck
from nn import MLP, Adam
from viz import explain


@pytest.fixture
def y_and_x() -> tuple[Value, Value]:
    x = Value(2.0, label="x")
    y = x * x
    y.label = "y"
    return y, x


# ---- explain ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["paths", "deltas", "forward"])
@pytest.mark.parametrize(
    ("max_paths", "error"), [("10", TypeError), (2.0, TypeError), (True, TypeError), (0, ValueError)]
)
def test_explain_names_a_max_paths_that_is_no_count(
    y_and_x: tuple[Value, Value], method: str, max_paths: object, error: type[Exception]
) -> None:
    y, x = y_and_x
    with pytest.raises(error, match=rf"explain: max_paths must be an int >= 1 .*got {max_paths!r}"):
        explain(y, x, method=method, max_paths=max_paths)  # type: ignore[call-overload]


def test_explain_still_takes_an_int_max_paths(y_and_x: tuple[Value, Value]) -> None:
    y, x = y_and_x
    assert explain(y, x, max_paths=2).n_paths == 2


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


# ---- optimizer state ----------------------------------------------------------------------------


@pytest.mark.parametrize("t", [10**400, 2**53 + 1])
def test_an_adam_step_count_beyond_any_real_training_is_refused_at_load(t: int) -> None:
    p = Value(1.0)
    adam = Adam([p], lr=0.1)
    state = adam.state_dict()
    state["t"] = t
    with pytest.raises(ValueError, match=r"Adam.load_state_dict: 't' must be at most 2\*\*53"):
        adam.load_state_dict(state)
    assert adam.t == 0
    p.grad = 1.0
    adam.step()  # the optimizer still works: nothing was loaded
    assert adam.t == 1


def test_an_adam_step_count_of_2_to_the_53_still_loads_and_steps() -> None:
    p = Value(1.0)
    adam = Adam([p], lr=0.1)
    state = adam.state_dict()
    state["t"] = 2**53
    adam.load_state_dict(state)
    p.grad = 1.0
    adam.step()
    assert math.isfinite(p.data)


# ---- checkpoints --------------------------------------------------------------------------------


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_checkpoint_holding_nan_names_the_parameter(tmp_path: Path, constant: str) -> None:
    model = MLP(2, [1], seed=0)
    path = tmp_path / "model.json"
    model.save(path)
    before = model.state_dict()
    text = path.read_text().replace(
        '"layers.0.neurons.0.w.1": ', f'"layers.0.neurons.0.w.1": {constant}, "x": ', 1
    )
    path.write_text(text)
    with pytest.raises(ValueError) as caught:
        model.load(path)
    message = str(caught.value)
    assert message.startswith(f"load: {str(path)!r} is not a valid checkpoint:")
    assert f"its entry 'layers.0.neurons.0.w.1' holds {constant}, which is not a finite number" in message
    assert "fix or remove the entry, or load an earlier checkpoint" in message
    assert model.state_dict() == before


def test_a_checkpoint_with_many_nans_names_the_first_and_counts_the_rest(tmp_path: Path) -> None:
    model = MLP(2, [1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    path = tmp_path / "model.json"
    path.write_text("{" + ", ".join(f"{json.dumps(name)}: NaN" for name in names) + "}")
    with pytest.raises(
        ValueError, match=rf"its entry '{names[0]}' holds NaN.*and {len(names) - 1} more entries"
    ):
        model.load(path)


def test_linear_and_dot_take_generators_and_name_a_bad_argument() -> None:
    def gen() -> Iterator[Value]:
        return (Value(float(i)) for i in range(3))

    assert Value.linear(gen(), gen(), Value(1.0)).data == 6.0
    assert Value.dot(gen(), gen()).data == 5.0
    with pytest.raises(
        TypeError, match=r"linear: inputs must be a list or tuple of Values or numbers, got int 5"
    ):
        Value.linear([Value(1.0)], 5, 0.0)  # type: ignore[arg-type]
