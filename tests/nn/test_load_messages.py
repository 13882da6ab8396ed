"""Numbers no training makes are refused when an optimizer's state or a checkpoint is loaded,
naming where they are and what to do, before anything changes: an Adam step count beyond any
real training, a checkpoint entry holding NaN or an infinity, and ints too large for a float in
an optimizer's settings or state."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from autograd import Value
from nn import MLP, SGD, Adam

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


def test_huge_ints_in_optimizer_settings_and_state_are_named_briefly() -> None:
    net = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match=r"^SGD: lr must be a finite number > 0, got an int of about 5001"):
        SGD(net.parameters(), lr=10**5000)
    optimizer = SGD(net.parameters(), lr=0.1, momentum=0.9)
    state = optimizer.state_dict()
    state["lr"] = 10**5000
    with pytest.raises(ValueError, match=r"SGD.load_state_dict: .*lr .*an int of about 5001 digits"):
        optimizer.load_state_dict(state)
    state = optimizer.state_dict()
    state["velocity"][0] = 10**400
    with pytest.raises(ValueError, match=r"'velocity'\[0\] holds an int of about 401 digits, not a finite"):
        optimizer.load_state_dict(state)


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
