"""Losses and activations: textbook formulas, finite differences, stability, shapes, errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck, gradgradcheck
from autograd.testing import values
from nn import (
    binary_cross_entropy,
    cross_entropy,
    half_squared_error,
    hinge,
    l2_penalty,
    leaky_relu,
    log_softmax,
    mse,
    softmax,
    squared_error,
)

vectors = st.integers(1, 5).flatmap(
    lambda n: st.tuples(
        st.lists(values(-5, 5), min_size=n, max_size=n), st.lists(values(-5, 5), min_size=n, max_size=n)
    )
)


@given(vectors)
def test_squared_errors_match_textbook_formulas(pair) -> None:  # type: ignore[no-untyped-def]
    outs, targets = pair
    nodes = [Value(o) for o in outs]
    n = len(outs)
    assert half_squared_error([nodes], [targets]).data == pytest.approx(
        sum(0.5 * (t - o) ** 2 for o, t in zip(outs, targets))
    )
    assert squared_error([nodes], [targets]).data == pytest.approx(
        sum((o - t) ** 2 for o, t in zip(outs, targets))
    )
    assert mse([nodes], [targets]).data == pytest.approx(sum((o - t) ** 2 for o, t in zip(outs, targets)) / n)
    # a flat list is a batch of scalar samples: "mean" is the mean over the elements
    assert half_squared_error(nodes, targets).data == pytest.approx(
        sum(0.5 * (t - o) ** 2 for o, t in zip(outs, targets)) / n
    )
    assert half_squared_error(nodes, targets, reduction="sum").data == pytest.approx(
        sum(0.5 * (t - o) ** 2 for o, t in zip(outs, targets))
    )


@given(vectors, st.sampled_from([half_squared_error, squared_error, mse]), st.sampled_from(["mean", "sum"]))
def test_squared_error_gradients_match_finite_differences(pair, loss, reduction) -> None:  # type: ignore[no-untyped-def]
    outs, targets = pair
    assert gradcheck(lambda *v: loss(list(v), targets, reduction=reduction), outs)


def test_batch_reductions() -> None:
    outs = [[Value(1.0), Value(2.0)], [Value(0.0), Value(4.0)]]
    targets = [[0.0, 0.0], [0.0, 0.0]]
    per_sample = squared_error(outs, targets, reduction="none")
    assert [e.data for e in per_sample] == [5.0, 16.0]
    assert squared_error(outs, targets).data == 10.5  # mean over samples
    assert squared_error(outs, targets, reduction="sum").data == 21.0
    assert mse(outs, targets).data == 21.0 / 4  # mean over every element
    assert [e.data for e in mse(outs, targets, reduction="none")] == [2.5, 8.0]
    single = half_squared_error(outs[0], [0.0, 0.0], reduction="none")
    assert [e.data for e in single] == [0.5, 2.0]


logits = st.lists(values(-10, 10), min_size=2, max_size=5)


@given(logits, st.data())
def test_cross_entropy_matches_minus_log_softmax(zs, data) -> None:  # type: ignore[no-untyped-def]
    k = data.draw(st.integers(0, len(zs) - 1))
    nodes = [Value(z) for z in zs]
    textbook = -math.log(math.exp(zs[k]) / sum(math.exp(z) for z in zs))
    assert cross_entropy(nodes, k).data == pytest.approx(textbook, rel=1e-12, abs=1e-12)
    one_hot = [1.0 if i == k else 0.0 for i in range(len(zs))]
    assert cross_entropy(nodes, one_hot).data == pytest.approx(textbook, rel=1e-12, abs=1e-12)
    assert gradcheck(lambda *v: cross_entropy(list(v), k), zs)
    head = zs[:3]
    assert gradgradcheck(lambda *v: cross_entropy(list(v), k % len(head)), head)


@given(logits, st.data())
@settings(max_examples=50)
def test_cross_entropy_soft_targets_and_batches(zs, data) -> None:  # type: ignore[no-untyped-def]
    weights = data.draw(st.lists(values(0.1, 1), min_size=len(zs), max_size=len(zs)))
    probs = [w / sum(weights) for w in weights]
    nodes = [Value(z) for z in zs]
    lse = math.log(sum(math.exp(z) for z in zs))
    assert cross_entropy(nodes, probs).data == pytest.approx(
        sum(p * (lse - z) for p, z in zip(probs, zs)), rel=1e-9
    )
    batch = cross_entropy([nodes, nodes], [0, len(zs) - 1])
    assert batch.data == pytest.approx((2 * lse - zs[0] - zs[-1]) / 2, rel=1e-9)


@given(values(-10, 10), st.sampled_from([0.0, 1.0, 0.3]))
def test_binary_cross_entropy_and_hinge_match_textbook(z, t) -> None:  # type: ignore[no-untyped-def]
    s = 1 / (1 + math.exp(-z))
    textbook = -(t * math.log(s) + (1 - t) * math.log(1 - s))  # loses digits as s nears 0 or 1
    assert binary_cross_entropy(Value(z), t).data == pytest.approx(textbook, rel=1e-7, abs=1e-12)
    assert gradcheck(lambda v: binary_cross_entropy(v, t), [z])
    y = 1 if t > 0.5 else -1
    assert hinge(Value(z), y).data == pytest.approx(max(0.0, 1 - y * z))


@pytest.mark.parametrize("big", [1000.0, -1000.0, 1e300])
def test_losses_and_softmax_are_stable_at_extreme_logits(big: float) -> None:
    zs = [Value(big), Value(0.0), Value(-big)]
    probs = softmax(zs)
    assert sum(p.data for p in probs) == pytest.approx(1.0)
    assert log_softmax(zs)[1].data == pytest.approx(-abs(big))
    loss = cross_entropy(zs, 1)
    assert loss.data == pytest.approx(abs(big))
    loss.backward()
    assert zs[1].grad == pytest.approx(-1.0) and math.isfinite(zs[0].grad)
    bce = binary_cross_entropy(Value(big), 0.0)
    assert bce.data == pytest.approx(max(big, 0.0))


@given(st.lists(values(-10, 10), min_size=1, max_size=5))
def test_softmax_is_a_distribution_with_correct_gradients(zs) -> None:  # type: ignore[no-untyped-def]
    probs = softmax([Value(z) for z in zs])
    exps = [math.exp(z) for z in zs]
    assert [p.data for p in probs] == pytest.approx([e / sum(exps) for e in exps], rel=1e-12)
    assert gradcheck(lambda *v: softmax(list(v))[0] * 2 + softmax(list(v))[-1], zs)


def test_leaky_relu_and_l2_penalty() -> None:
    assert leaky_relu(Value(-2.0), 0.1).data == pytest.approx(-0.2)
    params = [Value(1.0), Value(-2.0)]
    assert l2_penalty(params).data == 5.0


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: cross_entropy([Value(1.0), Value(2.0)], 2),
            ValueError,
            r"target class 2 is out of range for 2 classes",
        ),
        (lambda: cross_entropy([Value(1.0), Value(2.0)], -1), ValueError, r"target class -1 is out of range"),
        (
            lambda: cross_entropy([Value(1.0), Value(2.0)], 0.5),
            TypeError,
            r"class target must be an int index, got 0.5",
        ),
        (
            lambda: cross_entropy([Value(1.0), Value(2.0)], [0.5, 0.6]),
            ValueError,
            r"must be >= 0 and sum to 1",
        ),
        (lambda: cross_entropy([Value(1.0), Value(2.0)], [1.0]), ValueError, r"has 1 entries for 2 classes"),
        (
            lambda: cross_entropy([[Value(1.0)], [Value(2.0)]], [0]),
            ValueError,
            r"2 samples but targets \[0\]",
        ),
        (lambda: hinge(Value(1.0), 0), ValueError, r"hinge: targets must be -1 or \+1, got 0"),
        (lambda: binary_cross_entropy(Value(1.0), 2), ValueError, r"must lie in \[0, 1\], got 2"),
        (lambda: mse([Value(1.0)], [1.0, 2.0]), ValueError, r"mse: 1 outputs but targets"),
        (lambda: mse([[Value(1.0)]], [[1.0, 2.0]]), ValueError, r"differ in shape"),
        (lambda: mse(Value(1.0), float("nan")), ValueError, r"targets must be finite numbers, got nan"),
        (
            lambda: mse(Value(1.0), 1.0, reduction="avg"),
            ValueError,
            r"reduction must be 'mean', 'sum' or 'none'",
        ),
        (lambda: mse([], []), TypeError, r"outputs must be a Value or a non-empty list"),
    ],
)
def test_bad_loss_input_raises_clear_errors(make, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        make()
