"""Loss functions, each built from Value ops so every term shows in the graph.

Shapes: ``outputs`` is one sample's output (a ``Value``, or a list of Values for a layer of
several neurons) or a batch: a list of per-sample outputs. ``targets`` mirrors it. A flat list
of Values is a batch of scalar samples, so "mean" over it is the mean over its elements.

``reduction``: ``"mean"`` averages the per-sample losses (a mini-batch's loss), ``"sum"`` adds
them, ``"none"`` returns them as a list. A batch of one sample is that sample's loss.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal

from autograd import Value

from ._checks import finite_number

Reduction = Literal["mean", "sum", "none"]
LossResult = Value | list[Value]


def half_squared_error(outputs: Any, targets: Any, reduction: Reduction = "mean") -> LossResult:
    """Per sample, the sum over outputs of ½(t − o)²: the worked examples' E.

    >>> round(half_squared_error(Value(0.75136507), 0.01).data, 8)
    0.27481108
    """
    samples = _elementwise_samples(outputs, targets, "half_squared_error")
    return _reduce(
        [_sum([0.5 * (t - o) ** 2 for o, t in s]) for s in samples], reduction, "half_squared_error"
    )


def squared_error(outputs: Any, targets: Any, reduction: Reduction = "mean") -> LossResult:
    """Per sample, the sum over outputs of (o − t)².

    >>> squared_error([Value(0.5), Value(2.0)], [1.0, 1.0], reduction="sum").data
    1.25
    """
    samples = _elementwise_samples(outputs, targets, "squared_error")
    return _reduce([_sum([(o - t) ** 2 for o, t in s]) for s in samples], reduction, "squared_error")


def mse(outputs: Any, targets: Any, reduction: Reduction = "mean") -> LossResult:
    """Mean squared error over every output of every sample (``"sum"``: their total).

    >>> mse([[Value(1.0), Value(3.0)]], [[0.0, 0.0]]).data
    5.0
    """
    samples = _elementwise_samples(outputs, targets, "mse")
    per_sample = [_sum([(o - t) ** 2 for o, t in s]) for s in samples]
    if reduction == "mean":
        return _sum(per_sample) / sum(len(s) for s in samples)
    if reduction == "none":
        return [loss / len(s) for loss, s in zip(per_sample, samples)]
    return _reduce(per_sample, reduction, "mse")


def cross_entropy(logits: Any, targets: Any, reduction: Reduction = "mean") -> LossResult:
    """−log softmax(z)[target], through a stable ``logsumexp``: ``logsumexp(z) − z_target``.

    A target is a class index, or a probability vector (one-hot or soft) over the classes.
    ``logits`` is one sample's list of Values, or a list of such lists.

    >>> round(cross_entropy([Value(1.0), Value(2.0), Value(3.0)], 2).data, 6)
    0.407606
    """
    batch, target_list = _batch(logits, targets, lambda x: isinstance(x, Value), "cross_entropy")
    losses = []
    for z, target in zip(batch, target_list):
        if not isinstance(z, (list, tuple)) or not z or not all(isinstance(v, Value) for v in z):
            raise TypeError(
                f"cross_entropy: logits of a sample must be a non-empty list of Values, got {z!r}"
            )
        lse = Value.logsumexp(z)
        if isinstance(target, (list, tuple)):
            probs = _distribution(target, len(z))
            losses.append(_sum([p * (lse - zi) for p, zi in zip(probs, z) if p != 0.0]))
        else:
            losses.append(lse - z[_class_index(target, len(z))])
    return _reduce(losses, reduction, "cross_entropy")


def binary_cross_entropy(logits: Any, targets: Any, reduction: Reduction = "mean") -> LossResult:
    """−[t log σ(z) + (1 − t) log(1 − σ(z))], computed stably as ``softplus(z) − t·z``.

    >>> round(binary_cross_entropy(Value(0.0), 1).data, 6), binary_cross_entropy(Value(1000.0), 1).data
    (0.693147, 0.0)
    """
    pairs = _scalar_samples(logits, targets, "binary_cross_entropy")
    for _, t in pairs:
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"binary_cross_entropy: targets must lie in [0, 1], got {t!r}")
    return _reduce([z.softplus() - t * z for z, t in pairs], reduction, "binary_cross_entropy")


def hinge(scores: Any, targets: Any, reduction: Reduction = "mean") -> LossResult:
    """max(0, 1 − y·score) with labels y = ±1: micrograd's SVM loss.

    >>> hinge([Value(0.25), Value(-2.0)], [1, -1]).data   # (0.75 + 0) / 2
    0.375
    """
    pairs = _scalar_samples(scores, targets, "hinge")
    for _, y in pairs:
        if y not in (-1.0, 1.0):
            raise ValueError(f"hinge: targets must be -1 or +1, got {y!r}")
    return _reduce([(1 - y * s).relu() for s, y in pairs], reduction, "hinge")


def l2_penalty(parameters: Sequence[Value]) -> Value:
    """Σ p², for regularisation: ``loss + alpha * l2_penalty(model.parameters())``.

    >>> l2_penalty([Value(1.0), Value(-2.0)]).data
    5.0
    """
    if not parameters:
        raise ValueError("l2_penalty: got no parameters")
    return _sum([p * p for p in parameters])


# --- shapes ---------------------------------------------------------------------------------------
def _sum(values: list[Value]) -> Value:
    return values[0] if len(values) == 1 else Value.sum(values)


def _reduce(losses: list[Value], reduction: str, name: str) -> LossResult:
    if reduction == "none":
        return losses
    if reduction == "sum":
        return _sum(losses)
    if reduction == "mean":
        return losses[0] if len(losses) == 1 else Value.sum(losses) / len(losses)
    raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _target_number(t: Any, name: str) -> float:
    return finite_number(t, f"{name}: targets must be finite numbers")


def _batch(
    outputs: Any, targets: Any, is_one_sample: Callable[[Any], bool], name: str
) -> tuple[list[Any], list[Any]]:
    """Split into per-sample lists; a single sample becomes a batch of one."""
    if isinstance(outputs, (list, tuple)) and outputs and is_one_sample(outputs[0]):
        return [list(outputs)], [targets]
    if isinstance(outputs, Value):
        return [outputs], [targets]
    if not isinstance(outputs, (list, tuple)) or not outputs:
        raise TypeError(f"{name}: outputs must be a Value or a non-empty list, got {outputs!r}")
    if not isinstance(targets, (list, tuple)) or len(targets) != len(outputs):
        raise ValueError(f"{name}: {len(outputs)} samples but targets {targets!r}")
    return list(outputs), list(targets)


def _elementwise_samples(outputs: Any, targets: Any, name: str) -> list[list[tuple[Value, float]]]:
    if isinstance(outputs, Value):
        if isinstance(targets, (list, tuple)) and len(targets) == 1:
            targets = targets[0]  # one output against a one-element target list
        return [[(outputs, _target_number(targets, name))]]
    if not isinstance(outputs, (list, tuple)) or not outputs:
        raise TypeError(f"{name}: outputs must be a Value or a non-empty list, got {outputs!r}")
    if not isinstance(targets, (list, tuple)) or len(targets) != len(outputs):
        raise ValueError(f"{name}: {len(outputs)} outputs but targets {targets!r}")
    samples = []
    for o, t in zip(outputs, targets):
        if isinstance(o, Value):
            if isinstance(t, (list, tuple)) and len(t) == 1:
                t = t[0]  # one output against a one-element target list
            samples.append([(o, _target_number(t, name))])
            continue
        if isinstance(o, (list, tuple)) and len(o) == 1 and not isinstance(t, (list, tuple)):
            t = [t]  # a width-1 layer's output against a plain number
        if not isinstance(o, (list, tuple)) or not isinstance(t, (list, tuple)) or len(o) != len(t) or not o:
            raise ValueError(f"{name}: a sample's outputs {o!r} and targets {t!r} differ in shape")
        if not all(isinstance(v, Value) for v in o):
            raise TypeError(f"{name}: outputs must be Values, got {o!r}")
        samples.append([(v, _target_number(x, name)) for v, x in zip(o, t)])
    return samples


def _scalar_samples(outputs: Any, targets: Any, name: str) -> list[tuple[Value, float]]:
    """Per-sample scalar outputs: a Value, a list of Values, or width-1 lists of Values."""
    pairs = []
    for sample in _elementwise_samples(outputs, targets, name):
        if len(sample) != 1:
            raise ValueError(f"{name}: each sample needs one output, got {len(sample)}")
        pairs.append(sample[0])
    return pairs


def _class_index(target: Any, n_classes: int) -> int:
    if isinstance(target, bool) or not isinstance(target, int):
        raise TypeError(f"cross_entropy: a class target must be an int index, got {target!r}")
    if not 0 <= target < n_classes:
        raise ValueError(f"cross_entropy: target class {target} is out of range for {n_classes} classes")
    return target


def _distribution(target: Sequence[Any], n_classes: int) -> list[float]:
    if len(target) != n_classes:
        raise ValueError(
            f"cross_entropy: target {list(target)!r} has {len(target)} entries for {n_classes} classes"
        )
    probs = [_target_number(p, "cross_entropy") for p in target]
    if any(p < 0.0 for p in probs) or abs(math.fsum(probs) - 1.0) > 1e-9:
        raise ValueError(
            f"cross_entropy: a target distribution must be >= 0 and sum to 1, got {list(target)!r}"
        )
    return probs
