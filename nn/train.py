"""A training loop (``fit``), evaluation without a graph (``evaluate``) and accuracy helpers."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from autograd import Value, is_recording, no_grad

from . import losses
from ._checks import is_count, is_finite_number
from ._messages import short
from .datasets import batches
from .module import Module
from .optim import Optimizer

Model = Callable[[Any], Any]
Loss = Callable[..., Any]
Accuracy = Callable[[Sequence[Any], Sequence[Any]], float]


@dataclass
class History:
    """What ``fit`` saw, one entry per epoch: the mean loss over the epoch's samples (each batch's
    loss taken before its update) and, where it applies, the training accuracy."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.loss)


@dataclass
class Metrics:
    """What ``evaluate`` measured: the loss (None without a loss function) and the accuracy
    (None where it does not apply)."""

    loss: float | None
    accuracy: float | None


def _scalar(output: Any) -> Value:
    if isinstance(output, Value):
        return output
    if len(output) != 1 or not isinstance(output[0], Value):
        raise ValueError(f"accuracy: expected one output per sample, got {output!r}")
    value: Value = output[0]
    return value


def _samples(outputs: Sequence[Any], targets: Sequence[Any], where: str) -> int:
    """How many samples there are: as many outputs as targets, and at least one."""
    if len(outputs) != len(targets):
        raise ValueError(
            f"{where}: {len(outputs)} outputs but {len(targets)} targets; pass one target per output"
        )
    if not outputs:
        raise ValueError(
            f"{where}: no samples (outputs and targets are empty); an accuracy needs at least one"
        )
    return len(outputs)


def sign_accuracy(outputs: Sequence[Any], targets: Sequence[Any]) -> float:
    """Share of samples whose score has the sign of its ±1 label (hinge loss).

    >>> sign_accuracy([Value(0.3), Value(0.2)], [1, -1])
    0.5
    """
    n = _samples(outputs, targets, "sign_accuracy")
    hits = sum((_scalar(o).data > 0) == (t > 0) for o, t in zip(outputs, targets))
    return float(hits) / n


def threshold_accuracy(outputs: Sequence[Any], targets: Sequence[Any]) -> float:
    """Share of samples whose logit is > 0 exactly when the 0/1 label is 1 (binary cross-entropy).

    >>> threshold_accuracy([Value(2.0), Value(-1.0)], [1, 1])
    0.5
    """
    n = _samples(outputs, targets, "threshold_accuracy")
    hits = sum((_scalar(o).data > 0) == (t >= 0.5) for o, t in zip(outputs, targets))
    return float(hits) / n


def argmax_accuracy(outputs: Sequence[Any], targets: Sequence[Any]) -> float:
    """Share of samples whose largest output is the target class (cross-entropy).

    >>> argmax_accuracy([[Value(0.1), Value(2.0)], [Value(3.0), Value(0.0)]], [1, 1])
    0.5
    """
    n = _samples(outputs, targets, "argmax_accuracy")
    hits = 0
    for o, t in zip(outputs, targets):
        scores = [v.data for v in o]
        target = t if isinstance(t, int) else max(range(len(t)), key=t.__getitem__)
        hits += max(range(len(scores)), key=scores.__getitem__) == target
    return hits / n


_AUTO_ACCURACY: dict[Any, Accuracy] = {
    losses.hinge: sign_accuracy,
    losses.binary_cross_entropy: threshold_accuracy,
    losses.cross_entropy: argmax_accuracy,
}


def _accuracy_for(loss: Loss | None, accuracy: Accuracy | str | None) -> Accuracy | None:
    if accuracy == "auto":
        return _AUTO_ACCURACY.get(loss)
    if accuracy is None or callable(accuracy):
        return accuracy
    raise ValueError(f"accuracy must be 'auto', None or a function, got {accuracy!r}")


def fit(
    model: Model,
    X: Sequence[Any],
    y: Sequence[Any],
    loss: Loss,
    optimizer: Optimizer,
    epochs: int = 100,
    batch_size: int | None = None,
    *,
    stop_below: float | None = None,
    shuffle: bool = False,
    seed: int = 0,
    l2: float = 0.0,
    lr_schedule: Callable[[int], float] | None = None,
    accuracy: Accuracy | str | None = "auto",
    progress: bool | None = None,
    stream: TextIO | None = None,
) -> History:
    """Train ``model`` with mini-batch gradient descent; returns the ``History``.

    Each batch: forward every sample, ``loss(outputs, targets)`` (its mean), plus
    ``l2 * Σ p²`` over ``optimizer.params`` if ``l2``, then zero the gradients, ``backward`` and
    ``optimizer.step()``. ``stop_below`` ends training at the first epoch whose loss is below it;
    with one batch per epoch that loss is known before the update, which is then skipped, as a
    hand-written ``while loss >= threshold`` loop does. ``lr_schedule(epoch)`` sets the learning
    rate of each epoch (counted from 0), checked as the optimizer checks ``lr`` (a finite
    number > 0). ``progress`` prints one line per epoch (default: when the stream is a terminal).

    ``loss`` must return one Value. Training that diverges stops with an ``OverflowError``
    naming the epoch and what to lower (lr or l2): an update the optimizer refuses (it names
    the parameter), a forward pass that overflows after an update (naming the parameter the
    update moved most), or a loss too large to total.

    Inside ``no_grad()`` no graph is recorded, so nothing could be trained: ``fit`` then raises
    ``RuntimeError`` rather than report a flat loss (``enable_grad()`` around it trains).

    >>> from nn import MLP, SGD, cross_entropy
    >>> net = MLP(3, [2, 3], activation="sigmoid", seed=0)
    >>> history = fit(net, [[1.0, 1.0, 1.0]], [0], cross_entropy, SGD(net.parameters(), lr=0.5),
    ...               epochs=500, stop_below=0.1, progress=False)
    >>> history.stopped_early, history.loss[-1] < 0.1 <= history.loss[-2], history.accuracy[-1]
    (True, True, 1.0)
    """
    if not is_recording():
        raise RuntimeError(
            "fit: called inside no_grad(), where no graph is recorded, so no gradient could be "
            "computed and nothing would be trained; call fit outside the no_grad() block, or wrap "
            "it in enable_grad()"
        )
    if not is_count(epochs, 1):
        raise ValueError(f"fit: epochs must be an int >= 1, got {epochs!r}")
    if len(X) != len(y):
        raise ValueError(f"fit: {len(X)} inputs but {len(y)} targets")
    if not is_finite_number(l2) or l2 < 0:
        raise ValueError(
            "fit: l2 must be a finite number >= 0 (the weight of the penalty l2 * Σp²; 0 for none), "
            f"got {short(l2)}"
        )
    if stop_below is not None and not is_finite_number(stop_below):
        raise ValueError(f"fit: stop_below must be a finite number or None, got {short(stop_below)}")
    if lr_schedule is not None and not callable(lr_schedule):
        raise TypeError(
            f"fit: lr_schedule must be a function of the epoch (0, 1, ...) giving its learning rate, "
            f"got {type(lr_schedule).__name__} {short(lr_schedule)}"
        )
    measure = _accuracy_for(loss, accuracy)
    out = stream if stream is not None else sys.stderr
    show = out.isatty() if progress is None else progress
    history = History()
    single_batch = batch_size is None or batch_size >= len(X)
    params = optimizer.params
    before: list[float] | None = None  # the parameters before the latest update, once there is one
    for epoch in range(epochs):
        if lr_schedule is not None:
            _schedule(optimizer, lr_schedule, epoch)
        total, hits, stop = 0.0, 0.0, False
        for xb, yb in batches(X, y, batch_size, shuffle=shuffle, seed=seed + epoch):
            try:
                outputs = [model(x) for x in xb]
                value = _as_loss(loss(outputs, yb), loss, "fit")
            except OverflowError as error:
                if before is None:  # before any update: the data or the model, as the op says
                    raise
                moved = _largest_move(model, params, before)
                raise OverflowError(
                    f"fit: epoch {epoch + 1}: the forward pass overflowed a float ({error}) after the "
                    f"last update, which moved {moved}; {_lower(optimizer, l2)}"
                ) from error
            if l2:
                try:
                    value = value + l2 * losses.l2_penalty(params)
                except OverflowError as error:
                    raise OverflowError(
                        f"fit: epoch {epoch + 1}: the penalty l2 * Σp² overflows a float ({error}); "
                        + _lower(optimizer, l2, updated=before is not None)
                    ) from error
            total += value.data * len(xb)
            if not math.isfinite(total):
                raise OverflowError(
                    f"fit: epoch {epoch + 1}: the loss ({value.data:g} on a batch of {len(xb)}) is too "
                    f"large for its total over the epoch to be a float; "
                    + _lower(optimizer, l2, updated=before is not None)
                )
            if measure is not None:
                hits += measure(outputs, yb) * len(xb)
            if single_batch and stop_below is not None and value.data < stop_below:
                stop = True
                break
            zero = getattr(model, "zero_grad", optimizer.zero_grad)
            zero()
            before = [p.data for p in params]
            try:
                value.backward()
                optimizer.step()
            except OverflowError as error:  # nothing was updated; the message names the parameter
                raise OverflowError(f"fit: epoch {epoch + 1}: {error} ({_lower(optimizer, l2)})") from error
        history.loss.append(total / len(X))
        if measure is not None:
            history.accuracy.append(hits / len(X))
        if show:
            acc = f"  accuracy {history.accuracy[-1]:.3f}" if measure is not None else ""
            print(f"epoch {epoch + 1}/{epochs}  loss {history.loss[-1]:.6f}{acc}", file=out)
        if stop or (stop_below is not None and history.loss[-1] < stop_below):
            history.stopped_early = True
            break
    return history


def _schedule(optimizer: Optimizer, lr_schedule: Callable[[int], float], epoch: int) -> None:
    """Set the epoch's learning rate, checked by the optimizer's own ``lr`` (nothing is changed
    when it refuses)."""
    rate = lr_schedule(epoch)
    try:
        optimizer.lr = rate
    except ValueError as error:
        raise ValueError(
            f"fit: lr_schedule({epoch}) returned {short(rate)}, which is no learning rate ({error}); "
            "make the schedule return a finite number > 0 for every epoch"
        ) from None


def _as_loss(result: Any, loss: Loss, where: str) -> Value:
    """The loss function's result, which must be one Value (a number has no gradient)."""
    if isinstance(result, Value):
        return result
    hint = (
        '; with reduction="none" a loss gives one Value per sample: use "mean"'
        if isinstance(result, list)
        else "; build the loss from the outputs with Value ops, so that it has a gradient"
    )
    name = getattr(loss, "__name__", type(loss).__name__)
    raise TypeError(
        f"{where}: the loss function {name} returned {type(result).__name__} {short(result)}, "
        f"not a Value{hint}"
    )


def _loss_number(result: Any, loss: Loss) -> float:
    """What ``evaluate`` reports: the loss Value's data, or a plain number the function gave."""
    if is_finite_number(result):
        return float(result)
    return _as_loss(result, loss, "evaluate").data


def _lower(optimizer: Optimizer, l2: float, updated: bool = True) -> str:
    """What to change when the numbers grow too large: after an update, the step size; before
    any, the penalty (the learning rate has not acted yet)."""
    penalty = f"l2 (now {l2:g})" if l2 else ""
    if not updated:
        return f"lower {penalty}" if penalty else "rescale the loss or the data"
    return f"training diverged: lower lr (now {optimizer.lr:g})" + (f" or {penalty}" if penalty else "")


def _largest_move(model: Model, params: Sequence[Value], before: Sequence[float]) -> str:
    """The parameter the latest update changed most, by name, with its old and new value."""
    i = max(range(len(params)), key=lambda k: abs(params[k].data - before[k]))
    p = params[i]
    names: dict[int, str] = {}
    if isinstance(model, Module):
        names = {id(q): name for name, q in model.named_parameters()}
    name = repr(names[id(p)]) if id(p) in names else f"params[{i}]" + (f" ({p.label!r})" if p.label else "")
    return f"parameter {name} from {before[i]:.6g} to {p.data:.6g}"


def evaluate(
    model: Model,
    X: Sequence[Any],
    y: Sequence[Any],
    loss: Loss | None = None,
    accuracy: Accuracy | str | None = "auto",
) -> Metrics:
    """Loss and accuracy of ``model`` on (X, y), computed under ``no_grad`` (no graph is built).

    >>> from nn import MLP, hinge
    >>> net = MLP(1, [1], weights=[[[2.0]]], biases=[[0.0]])
    >>> evaluate(net, [[1.0], [-1.0]], [1, 1], hinge)
    Metrics(loss=1.5, accuracy=0.5)
    """
    measure = _accuracy_for(loss, accuracy)
    with no_grad():
        outputs = [model(x) for x in X]
        value = _loss_number(loss(outputs, list(y)), loss) if loss is not None else None
        score = measure(outputs, list(y)) if measure is not None else None
    return Metrics(value, score)


def predict(model: Model, X: Sequence[Any]) -> list[Any]:
    """The model's outputs as floats (or lists of floats), computed under ``no_grad``.

    >>> from nn import MLP
    >>> predict(MLP(1, [2], weights=[[[2.0], [-1.0]]], biases=[[0.0, 1.0]]), [[3.0]])
    [[6.0, -2.0]]
    """
    with no_grad():
        outputs = [model(x) for x in X]
    return [o.data if isinstance(o, Value) else [v.data for v in o] for o in outputs]
