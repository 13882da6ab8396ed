"""Training plots with matplotlib (the optional extra ``plot``): loss and accuracy curves from
``fit``'s history, and a 2-D classifier's decision boundary."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, no_grad
from nn import History


def _pyplot() -> Any:
    try:
        return importlib.import_module("matplotlib.pyplot")
    except ImportError:
        raise ImportError(
            "viz.plots needs matplotlib, which is the optional extra 'plot': "
            "pip install 'chainrule[plot]' (or pip install matplotlib)"
        ) from None


def plot_history(history: History, ax: Any = None) -> Any:
    """Loss per epoch (and accuracy, on a second axis, where ``fit`` measured it); returns the axes.

    >>> from nn import History
    >>> ax = plot_history(History(loss=[1.0, 0.5, 0.2], accuracy=[0.5, 0.8, 1.0]))
    >>> [line.get_label() for line in ax.get_lines()]
    ['loss']
    """
    plt = _pyplot()
    if not history.loss:
        raise ValueError("plot_history: the history holds no epochs")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    epochs = range(1, len(history.loss) + 1)
    ax.plot(epochs, history.loss, color="tab:blue", label="loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss", color="tab:blue")
    if history.accuracy:
        right = ax.twinx()
        right.plot(epochs, history.accuracy, color="tab:orange", label="accuracy")
        right.set_ylabel("accuracy", color="tab:orange")
        right.set_ylim(0, 1.05)
    return ax


def plot_decision_boundary(
    model: Callable[[Sequence[float]], Any],
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    ax: Any = None,
    resolution: int = 60,
    margin: float = 0.5,
) -> Any:
    """Shade the plane by the model's decision and scatter the points; returns the axes.

    The decision is the sign of a single output (hinge or logistic scores) or the arg-max of
    several (class logits). The grid is evaluated under ``no_grad``.
    """
    plt = _pyplot()
    if len(X) == 0 or any(len(p) != 2 for p in X):
        raise ValueError("plot_decision_boundary: X must be a non-empty list of 2-D points")
    if resolution < 2:
        raise ValueError(f"plot_decision_boundary: resolution must be >= 2, got {resolution}")
    xs = [p[0] for p in X]
    ys = [p[1] for p in X]
    x0, x1 = min(xs) - margin, max(xs) + margin
    y0, y1 = min(ys) - margin, max(ys) + margin
    gx = [x0 + (x1 - x0) * i / (resolution - 1) for i in range(resolution)]
    gy = [y0 + (y1 - y0) * j / (resolution - 1) for j in range(resolution)]
    with no_grad():
        grid = [[_decision(model([a, b])) for a in gx] for b in gy]
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.5))
    ax.contourf(gx, gy, grid, alpha=0.35, cmap="coolwarm")
    ax.scatter(xs, ys, c=[_label(t) for t in y], cmap="coolwarm", edgecolors="k", s=25)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return ax


def _decision(output: Any) -> float:
    values = [output] if isinstance(output, Value) else list(output)
    if len(values) == 1:
        return 1.0 if values[0].data > 0 else 0.0
    scores = [v.data for v in values]
    return float(max(range(len(scores)), key=scores.__getitem__))


def _label(target: Any) -> float:
    if isinstance(target, (list, tuple)):
        return float(max(range(len(target)), key=target.__getitem__))
    return float(target) if target > 0 else 0.0  # ±1 labels become 0/1; class indices stay
