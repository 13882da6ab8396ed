"""Optimizers against their update rules written out by hand, and their saved state."""

from __future__ import annotations

import json
import math

import pytest

from autograd import Value
from nn import SGD, Adam, AdamW

GRADS = [[0.5, -1.0], [0.25, 2.0], [-0.75, 0.5]]  # three steps of made-up gradients
START = [1.0, -2.0]


def run(make, steps=GRADS):  # type: ignore[no-untyped-def]
    params = [Value(x) for x in START]
    opt = make(params)
    for grads in steps:
        opt.zero_grad()
        for p, g in zip(params, grads):
            p.grad += g
        opt.step()
    return [p.data for p in params], opt


def test_sgd_with_momentum_and_weight_decay() -> None:
    lr, mu, wd = 0.1, 0.9, 0.01
    expected = []
    for i, p in enumerate(START):
        v = 0.0
        for grads in GRADS:
            v = mu * v + grads[i] + wd * p
            p = p - lr * v
        expected.append(p)
    got, _ = run(lambda ps: SGD(ps, lr=lr, momentum=mu, weight_decay=wd))
    assert got == pytest.approx(expected, rel=1e-14)


def test_sgd_with_nesterov_momentum_looks_ahead() -> None:
    """Sutskever's Nesterov momentum as PyTorch writes it: v ← μv + g, p ← p − lr·(g + μv)."""
    lr, mu = 0.1, 0.9
    expected = []
    for i, p in enumerate(START):
        v = 0.0
        for grads in GRADS:
            v = mu * v + grads[i]
            p = p - lr * (grads[i] + mu * v)
        expected.append(p)
    got, opt = run(lambda ps: SGD(ps, lr=lr, momentum=mu, nesterov=True))
    assert got == pytest.approx(expected, rel=1e-14)
    assert opt.state_dict()["nesterov"] is True and "nesterov" not in SGD([Value(1.0)], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="nesterov needs a momentum above 0"):
        SGD([Value(1.0)], lr=0.1, nesterov=True)


@pytest.mark.parametrize("bias_correction", [True, False])
@pytest.mark.parametrize("kind", ["adam", "adamw"])
def test_adam_and_adamw_follow_the_paper(bias_correction: bool, kind: str) -> None:
    lr, b1, b2, eps, wd = 0.01, 0.9, 0.999, 1e-8, 0.1
    expected = []
    for i, p in enumerate(START):
        m = v = 0.0
        for t, grads in enumerate(GRADS, start=1):
            g = grads[i]
            if kind == "adam":
                g += wd * p
            else:
                p -= lr * wd * p
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            m_hat, v_hat = (m / (1 - b1**t), v / (1 - b2**t)) if bias_correction else (m, v)
            p -= lr * m_hat / (math.sqrt(v_hat) + eps)
        expected.append(p)
    cls = Adam if kind == "adam" else AdamW
    got, _ = run(
        lambda ps: cls(ps, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd, bias_correction=bias_correction)
    )
    assert got == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1, momentum=0.9),
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
        lambda ps: Adam(ps, lr=0.05),
        lambda ps: AdamW(ps, lr=0.05),
    ],
)
def test_state_round_trip_resumes_exactly(make) -> None:  # type: ignore[no-untyped-def]
    straight, _ = run(make)
    _, first = run(make, GRADS[:2])
    state = json.loads(json.dumps(first.state_dict()))
    params = [Value(p.data) for p in first.params]
    resumed = make(params)
    resumed.load_state_dict(state)
    for p, g in zip(params, GRADS[2]):
        p.grad = g
    resumed.step()
    assert [p.data for p in params] == straight


def test_load_state_rejects_mismatches_and_changes_nothing() -> None:
    _, opt = run(lambda ps: Adam(ps, lr=0.05))
    before = opt.state_dict()
    with pytest.raises(ValueError, match=r"state is for 'SGD', not 'Adam'"):
        opt.load_state_dict(SGD([Value(1.0)], lr=0.1).state_dict())
    bad = dict(before, m=[0.0])
    with pytest.raises(ValueError, match=r"'m' needs 2 numbers"):
        opt.load_state_dict(bad)
    assert opt.state_dict() == before


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: SGD([Value(1.0)], lr=0), ValueError, r"SGD: lr must be a finite number > 0, got 0"),
        (
            lambda: SGD([Value(1.0)], lr=0.1, momentum=-1),
            ValueError,
            r"momentum must be a finite number >= 0",
        ),
        (lambda: Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError, r"betas must be two numbers in \[0, 1\)"),
        (lambda: Adam([], lr=0.1), ValueError, r"Adam: got no parameters"),
        (lambda: SGD([1.0], lr=0.1), TypeError, r"parameters must be Values, got float 1.0"),
        (lambda: SGD([v := Value(1.0), v], lr=0.1), ValueError, r"is listed twice"),
    ],
)
def test_bad_hyper_parameters_raise_clear_errors(make, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.update(betas=[0.9]), r"betas must be two numbers"),
        (lambda s: s.update(lr=-1.0), r"lr must be a finite number > 0, got -1.0"),
        (lambda s: s.update(bias_correction="false"), r"bias_correction must be True or False"),
        (lambda s: s.update(t=-2), r"'t' must be an int >= 0, got -2"),
        (lambda s: s.update(eps=0.0), r"eps must be a finite number > 0"),
    ],
)
def test_bad_hyper_parameters_in_a_state_change_nothing(edit, message) -> None:  # type: ignore[no-untyped-def]
    _, opt = run(lambda ps: Adam(ps, lr=0.05))
    before = opt.state_dict()
    state = opt.state_dict()
    edit(state)
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(state)
    assert opt.state_dict() == before
    with pytest.raises(TypeError, match="expected a mapping"):
        opt.load_state_dict([("lr", 0.1)])  # type: ignore[arg-type]
