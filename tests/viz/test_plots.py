"""``viz.plots``: curves from ``fit``'s history and decision boundaries; a clear error naming
the ``plot`` extra when matplotlib is missing."""

from __future__ import annotations

import importlib
from typing import Any

import matplotlib  # the test extra installs the optional extra "plot"
import pytest

from nn import MLP, SGD, History, fit, hinge, moons, signed
from viz import plots

matplotlib.use("Agg")


def test_history_plot_has_loss_and_accuracy_axes() -> None:
    ax = plots.plot_history(History(loss=[1.0, 0.4, 0.1], accuracy=[0.5, 0.9, 1.0]))
    (loss_line,) = ax.get_lines()
    assert list(loss_line.get_ydata()) == [1.0, 0.4, 0.1]
    twins = [other for other in ax.figure.axes if other is not ax]
    assert len(twins) == 1 and list(twins[0].get_lines()[0].get_ydata()) == [0.5, 0.9, 1.0]
    with pytest.raises(ValueError, match="holds no epochs"):
        plots.plot_history(History())


def test_decision_boundary_of_a_trained_classifier() -> None:
    X, y = moons(40, noise=0.05, seed=0)
    targets = signed(y)
    net = MLP(2, [8, 1], seed=0)
    fit(net, X, targets, hinge, SGD(net.parameters(), lr=0.3), epochs=30, progress=False)
    ax = plots.plot_decision_boundary(net, X, targets, resolution=20)
    assert len(ax.collections) >= 2  # the shaded regions and the scattered points
    points = ax.collections[-1].get_offsets()
    assert len(points) == 40
    with pytest.raises(ValueError, match="2-D points"):
        plots.plot_decision_boundary(net, [[1.0, 2.0, 3.0]], [1])


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def without_matplotlib(name: str, *args: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real(name, *args)

    monkeypatch.setattr(plots.importlib, "import_module", without_matplotlib)
    with pytest.raises(ImportError, match=r"optional extra 'plot': pip install 'chainrule\[plot\]'"):
        plots.plot_history(History(loss=[1.0]))
