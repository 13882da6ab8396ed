"""SGD with momentum and Nesterov momentum, as pages work them: the velocity is a printable state,
every step reads it, and the program the report prints takes the same steps."""

from __future__ import annotations

import math
from typing import Any

import pytest

from viz.check import WorkedExampleError, check
from viz.check.spec import from_mapping
from viz.walkthrough.program import program

W, B, X, T, LR, MU = 0.5, 0.1, 1.5, 1.0, 0.1, 0.9


def by_hand(steps: int, nesterov: bool) -> list[dict[str, float]]:
    """One tanh neuron, ½(o − t)², SGD with momentum: w, b, velocities after each step."""
    w, b, vw, vb = W, B, 0.0, 0.0
    out = []
    for _ in range(steps):
        o = math.tanh(w * X + b)
        delta = (o - T) * (1 - o * o)
        gw, gb = delta * X, delta
        vw, vb = MU * vw + gw, MU * vb + gb
        w -= LR * (gw + MU * vw if nesterov else vw)
        b -= LR * (gb + MU * vb if nesterov else vb)
        out.append({"w": w, "b": b, "vw": vw, "vb": vb})
    return out


def page(printed: list[tuple[str, float]], nesterov: bool, **optimizer: Any) -> dict[str, Any]:
    return {
        "network": {
            "inputs": 1,
            "layers": [
                {
                    "activation": "tanh",
                    "weights": [[W]],
                    "bias": [B],
                    "weight_names": [["w"]],
                    "bias_names": ["b"],
                }
            ],
        },
        "data": {"inputs": [X], "targets": [T]},
        "loss": {"kind": "squared_error", "half": True},
        "optimizer": [{"kind": "sgd", "lr": LR, "momentum": MU, "nesterov": nesterov, **optimizer}],
        "training": {"steps": 2},
        "printed": [{"quantity": q, "where": "step", "printed": f"{v:.8f}"} for q, v in printed],
    }


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_steps_and_velocities_match_a_hand_calculation(nesterov: bool) -> None:
    first, second = by_hand(2, nesterov)
    printed = [
        ("velocity(w)", first["vw"]), ("w'", first["w"]), ("velocity(b)", first["vb"]), ("b'", first["b"]),
        ("velocity(w')", second["vw"]), ("w''", second["w"]), ("b''", second["b"]),
    ]  # fmt: skip
    report = check(page(printed, nesterov))
    assert [v.cls for v in report.items] == ["exact"] * len(printed)


def test_a_page_that_forgets_the_velocity_is_wrong_from_its_second_step() -> None:
    """Momentum ignored: the second step uses the gradient alone. The first step is the same either way."""
    w, b = W, B
    for _ in range(2):
        o = math.tanh(w * X + b)
        delta = (o - T) * (1 - o * o)
        w, b = w - LR * delta * X, b - LR * delta
    report = check(page([("w''", w)], False))
    assert report.items[0].wrong


def test_velocity_belongs_to_sgd_with_momentum() -> None:
    data = page([("velocity(w)", 0.0)], False)
    data["optimizer"][0]["momentum"] = 0.0
    with pytest.raises(WorkedExampleError, match=r"velocity\(\.\.\.\) is the state of SGD with momentum"):
        check(data)
    data = page([], False)
    data["optimizer"] = [{"kind": "adam", "lr": 0.1, "momentum": 0.9}]
    with pytest.raises(WorkedExampleError, match=r"\['momentum'\] apply to sgd only"):
        check(data)
    with pytest.raises(WorkedExampleError, match="momentum must lie in"):
        check(page([], False, momentum=1.5))


@pytest.mark.parametrize("nesterov", [False, True])
def test_the_reports_program_takes_the_same_momentum_step(nesterov: bool) -> None:
    ex = from_mapping(page([], nesterov))
    text = program(ex)
    assert f"momentum={MU}" in text and ("nesterov=True" in text) == nesterov
    namespace: dict[str, Any] = {}
    exec(compile(text, "<program>", "exec"), namespace)
    (layer,) = [v for v in namespace.values() if type(v).__name__ == "Layer"]
    params = dict(layer.named_parameters())
    first = by_hand(1, nesterov)[0]
    assert params["neurons.0.w.0"].data == pytest.approx(first["w"], rel=1e-12)


def online(printed: list[tuple[str, float]]) -> dict[str, Any]:
    data = page(printed, False)
    data["optimizer"] = [{"kind": "sgd", "lr": LR}]
    data["data"] = {"inputs": [[X], [-X]], "targets": [[T], [-0.5]]}
    data["training"] = {"steps": 3, "schedule": "per_sample"}
    return data


def test_online_training_takes_one_sample_a_step_in_order() -> None:
    w, b, after = W, B, []
    for x, t in ((X, T), (-X, -0.5), (X, T)):  # sample 1, sample 2, sample 1 again
        o = math.tanh(w * x + b)
        delta = (o - t) * (1 - o * o)
        w, b = w - LR * delta * x, b - LR * delta
        after.append((w, b))
    printed = [("w'", after[0][0]), ("b''", after[1][1]), ("w@3", after[2][0])]
    assert [v.cls for v in check(online(printed)).items] == ["exact"] * 3
    batch = online(printed)
    batch["training"]["schedule"] = "batch"  # the same numbers are wrong for a batch step
    assert [v.wrong for v in check(batch).items] == [True, True, True]
    text = program(from_mapping(online([])))
    assert "one such step per sample" in text and "X =" not in text
