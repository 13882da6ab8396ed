"""``fit``, ``evaluate`` and ``predict``."""

from __future__ import annotations

import io

import pytest

from autograd import Value
from nn import MLP, SGD, Adam, cross_entropy, evaluate, fit, hinge, l2_penalty, moons, mse, predict, signed


def test_micrograd_demo_reaches_full_training_accuracy() -> None:
    # micrograd's demo: MLP 2-16-16-1, 100 moons, SVM hinge loss + 1e-4 L2, SGD 1.0 -> 0.1.
    X, y = moons(100, noise=0.1, seed=1)
    targets = signed(y)
    net = MLP(2, [16, 16, 1], seed=1337)
    history = fit(
        net,
        X,
        targets,
        hinge,
        SGD(net.parameters(), lr=1.0),
        epochs=100,
        l2=1e-4,
        lr_schedule=lambda k: 1.0 - 0.9 * k / 100,
        progress=False,
    )
    assert history.accuracy[-1] == 1.0
    assert history.loss[-1] < history.loss[0] / 10
    assert evaluate(net, X, targets, hinge).accuracy == 1.0


def test_history_records_the_loss_before_each_update() -> None:
    X, y = [[1.0, 2.0], [0.5, -1.0]], [0.3, -0.2]
    net = MLP(2, [1], output_activation="identity", seed=0)
    opt = SGD(net.parameters(), lr=0.05)
    expected = []
    twin = MLP(2, [1], output_activation="identity", seed=0)
    twin_opt = SGD(twin.parameters(), lr=0.05)
    for _ in range(3):
        loss = mse([twin(x) for x in X], y) + 0.01 * l2_penalty(twin.parameters())
        expected.append(loss.data)
        twin.zero_grad()
        loss.backward()
        twin_opt.step()
    history = fit(net, X, y, mse, opt, epochs=3, l2=0.01, progress=False)
    assert history.loss == pytest.approx(expected, rel=1e-14) and history.accuracy == []
    assert net.state_dict() == twin.state_dict()


def test_mini_batches_stop_below_and_progress_lines() -> None:
    X, y = moons(40, seed=2)
    net = MLP(2, [8, 2], activation="tanh", seed=0)
    stream = io.StringIO()
    history = fit(
        net,
        X,
        y,
        cross_entropy,
        Adam(net.parameters(), lr=0.05),
        epochs=200,
        batch_size=16,
        shuffle=True,
        stop_below=0.3,
        progress=True,
        stream=stream,
    )
    lines = stream.getvalue().splitlines()
    assert history.stopped_early and history.loss[-1] < 0.3 <= min(history.loss[:-1], default=1.0)
    assert len(lines) == history.epochs and lines[0].startswith(
        f"epoch 1/200  loss {history.loss[0]:.6f}  accuracy"
    )


def test_lr_schedule_sets_the_rate_of_each_epoch() -> None:
    net = MLP(1, [1], seed=0)
    opt = SGD(net.parameters(), lr=1.0)
    seen = []
    fit(
        net,
        [[1.0]],
        [[0.0]],
        mse,
        opt,
        epochs=3,
        lr_schedule=lambda k: seen.append(k) or 0.1 * (k + 1),
        progress=False,
    )
    assert seen == [0, 1, 2] and opt.lr == pytest.approx(0.3)


def test_evaluate_and_predict_build_no_graph() -> None:
    net = MLP(2, [3, 2], seed=0)
    outputs = predict(net, [[1.0, 2.0]])
    assert isinstance(outputs[0][0], float)
    metrics = evaluate(net, [[1.0, 2.0], [0.0, 1.0]], [0, 1], cross_entropy)
    assert metrics.accuracy in (0.0, 0.5, 1.0) and metrics.loss > 0
    assert all(p.grad == 0.0 for p in net.parameters())


def test_fit_rejects_bad_arguments() -> None:
    net = MLP(1, [1], seed=0)
    with pytest.raises(ValueError, match=r"fit: epochs must be an int >= 1, got 0"):
        fit(net, [[1.0]], [0.0], mse, SGD(net.parameters(), lr=0.1), epochs=0)
    with pytest.raises(ValueError, match=r"fit: 2 inputs but 1 targets"):
        fit(net, [[1.0], [2.0]], [0.0], mse, SGD(net.parameters(), lr=0.1))
    with pytest.raises(ValueError, match=r"accuracy must be 'auto', None or a function"):
        fit(net, [[1.0]], [0.0], mse, SGD(net.parameters(), lr=0.1), accuracy="top5")
    assert isinstance(Value(1.0), Value)
