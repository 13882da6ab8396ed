"""Training and its data are never silently wrong: a learning-rate schedule is checked as the
optimizer checks ``lr``, a diverged step stops ``fit`` naming the epoch, the parameter and what
to lower, datasets refuse noise that is not a standard deviation, and accuracies of nothing or
of mismatched lists are errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from autograd import Value
from nn import (
    MLP,
    SGD,
    argmax_accuracy,
    blobs,
    circles,
    evaluate,
    fit,
    moons,
    mse,
    sign_accuracy,
    spirals,
    threshold_accuracy,
    xor,
)

X = [[1.0, 2.0], [0.5, -1.0]]
Y = [1.0, 0.0]


def net() -> MLP:
    return MLP(2, [3, 1], seed=0)


def train(model: MLP, lr: float = 0.1, epochs: int = 3, **options: Any) -> Any:
    return fit(model, X, Y, mse, SGD(model.parameters(), lr=lr), epochs=epochs, progress=False, **options)


# ---- the learning-rate schedule -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "shown"),
    [(-1.0, "-1.0"), (0.0, "0.0"), (math.nan, "nan"), (math.inf, "inf"), ("a", "'a'"), (None, "None")],
)
def test_a_schedule_value_that_is_no_learning_rate_stops_fit_before_the_epoch(
    rate: object, shown: str
) -> None:
    model = net()
    before = model.state_dict()
    with pytest.raises(
        ValueError, match=rf"fit: lr_schedule\(0\) returned {shown}.*lr must be a finite number > 0"
    ):
        train(model, lr_schedule=lambda epoch: rate)
    assert model.state_dict() == before  # nothing was trained


def test_a_schedule_is_checked_every_epoch_and_names_the_one_that_failed() -> None:
    model = net()
    optimizer = SGD(model.parameters(), lr=0.1)
    rates = [0.1, 0.05, -0.05, 0.01]
    with pytest.raises(ValueError, match=r"lr_schedule\(2\) returned -0.05"):
        fit(model, X, Y, mse, optimizer, epochs=4, progress=False, lr_schedule=rates.__getitem__)
    assert optimizer.lr == 0.05  # the refused rate was never set


def test_setting_a_bad_lr_by_hand_is_refused_as_in_the_constructor() -> None:
    optimizer = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match=r"SGD: lr must be a finite number > 0, got -1"):
        optimizer.lr = -1.0
    assert optimizer.lr == 0.1


def test_a_schedule_that_is_not_a_function_is_named() -> None:
    with pytest.raises(TypeError, match=r"fit: lr_schedule must be a function of the epoch"):
        train(net(), lr_schedule=0.1)


# ---- l2, stop_below and the loss function -------------------------------------------------------


@pytest.mark.parametrize("l2", [math.nan, math.inf, -0.1, "0.1", True])
def test_an_l2_that_is_no_penalty_weight_is_named(l2: object) -> None:
    model = net()
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"fit: l2 must be a finite number >= 0"):
        train(model, l2=l2)
    assert model.state_dict() == before


def test_stop_below_nan_is_refused_rather_than_never_stopping() -> None:
    with pytest.raises(ValueError, match=r"fit: stop_below must be a finite number or None, got nan"):
        train(net(), stop_below=math.nan)


@pytest.mark.parametrize(
    ("returns", "says"),
    [
        (lambda o, t: 1.0, r"returned float 1.0, not a Value; build the loss from the outputs"),
        (lambda o, t: [o[0]], r'returned list .*reduction="none".*"mean"'),
    ],
)
def test_a_loss_function_that_returns_no_value_is_named(returns: Callable[..., Any], says: str) -> None:
    model = net()
    optimizer = SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match=rf"fit: the loss function <lambda> {says}"):
        fit(model, X, Y, returns, optimizer, epochs=1, progress=False)


def test_evaluate_accepts_a_loss_given_as_a_plain_number() -> None:
    assert evaluate(net(), X, Y, lambda o, t: 0.25).loss == 0.25
    with pytest.raises(TypeError, match=r"evaluate: the loss function <lambda> returned str"):
        evaluate(net(), X, Y, lambda o, t: "low")


# ---- divergence ---------------------------------------------------------------------------------


def test_a_step_that_diverges_names_the_epoch_the_parameter_and_the_learning_rate() -> None:
    with pytest.raises(OverflowError) as caught:
        train(net(), lr=1e308)
    message = str(caught.value)
    assert message.startswith("fit: epoch 2: the forward pass overflowed a float")
    assert "after the last update, which moved parameter 'layers." in message
    assert "training diverged: lower lr (now 1e+308)" in message
    assert isinstance(caught.value.__cause__, OverflowError)  # the op's own error, kept


def test_a_loss_too_large_to_total_is_an_error_not_an_inf_in_the_history() -> None:
    with pytest.raises(
        OverflowError, match=r"fit: epoch 1: the loss .* too large .*lower l2 \(now 1e\+308\)"
    ):
        train(net(), l2=1e308, epochs=1)


def test_an_update_the_optimizer_refuses_names_the_epoch_and_l2_too() -> None:
    model = MLP(1, [1], weights=[[[1.0]]], biases=[[0.0]])
    before = model.state_dict()
    optimizer = SGD(model.parameters(), lr=1e308)
    with pytest.raises(
        OverflowError, match=r"fit: epoch 1: SGD: parameter .*lower lr \(now 1e\+308\) or l2 \(now 0.001\)"
    ):
        fit(model, [[2.0]], [0.0], mse, optimizer, epochs=1, progress=False, l2=1e-3)
    assert model.state_dict() == before


def test_a_penalty_that_overflows_names_l2() -> None:
    model = MLP(1, [1], weights=[[[1e155]]], biases=[[0.0]])
    with pytest.raises(
        OverflowError, match=r"fit: epoch 1: the penalty l2 \* Σp² overflows a float .*lower l2 \(now 0.001\)"
    ):
        fit(model, [[1e-160]], [0.0], mse, SGD(model.parameters(), lr=0.1), progress=False, l2=1e-3)


def test_training_that_does_not_diverge_is_unchanged() -> None:
    history = train(net(), epochs=20, l2=1e-3, lr_schedule=lambda e: 0.1 / (1 + e))
    assert history.epochs == 20 and all(map(math.isfinite, history.loss))
    assert history.loss[-1] < history.loss[0]


# ---- datasets -----------------------------------------------------------------------------------

GENERATORS: dict[str, Callable[..., Any]] = {
    "moons": lambda noise: moons(20, noise=noise),
    "circles": lambda noise: circles(20, noise=noise),
    "xor": lambda noise: xor(20, noise=noise),
    "spirals": lambda noise: spirals(20, noise=noise),
    "blobs": lambda noise: blobs(20, std=noise),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("noise", [math.inf, -math.inf, math.nan, -1.0, "0.1", None])
def test_a_noise_that_is_no_standard_deviation_is_named(name: str, noise: object) -> None:
    argument = "std" if name == "blobs" else "noise"
    with pytest.raises(ValueError, match=rf"{name}: {argument} must be a finite number >= 0"):
        GENERATORS[name](noise)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_no_noise_and_some_noise_still_give_finite_points(name: str) -> None:
    for noise in (0, 0.0, 0.3):
        X, _ = GENERATORS[name](noise)
        assert all(math.isfinite(c) for point in X for c in point)


@pytest.mark.parametrize("classes", ["a", 2.5, None, 1])
def test_spirals_names_a_bad_class_count(classes: object) -> None:
    with pytest.raises(ValueError, match=r"spirals: classes must be an int >= 2"):
        spirals(10, classes=classes)  # type: ignore[arg-type]


@pytest.mark.parametrize("factor", ["a", math.nan, 1.0, None])
def test_circles_names_a_bad_factor(factor: object) -> None:
    with pytest.raises(ValueError, match=r"circles: factor must lie in \(0, 1\)"):
        circles(10, factor=factor)  # type: ignore[arg-type]


# ---- accuracies ---------------------------------------------------------------------------------

ACCURACIES = [sign_accuracy, threshold_accuracy, argmax_accuracy]


@pytest.mark.parametrize("accuracy", ACCURACIES, ids=lambda f: f.__name__)
def test_an_accuracy_of_no_samples_is_an_error(accuracy: Callable[..., float]) -> None:
    with pytest.raises(ValueError, match=rf"{accuracy.__name__}: no samples"):
        accuracy([], [])


@pytest.mark.parametrize("accuracy", ACCURACIES, ids=lambda f: f.__name__)
def test_an_accuracy_of_more_outputs_than_targets_is_an_error(accuracy: Callable[..., float]) -> None:
    outputs = [[Value(1.0), Value(0.0)]] * 3 if accuracy is argmax_accuracy else [Value(1.0)] * 3
    with pytest.raises(ValueError, match=rf"{accuracy.__name__}: 3 outputs but 2 targets"):
        accuracy(outputs, [1, 1])
