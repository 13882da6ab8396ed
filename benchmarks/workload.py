"""micrograd's demo workload, fixed once and shared by every engine: the two-moons data, the
initial weights, the learning-rate schedule, and the check that engines did the same work."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import nn

from .config import Config

# per layer, per neuron: (weights, bias)
Weights = list[list[tuple[list[float], float]]]


@dataclass(frozen=True)
class Workload:
    """An MLP 2-h1-h2-1 (ReLU hidden, linear output) trained full batch with SGD on a hinge loss
    plus ``alpha * sum(p*p)``, for ``steps`` steps with ``lr = 1.0 - 0.9*k/100``."""

    X: list[list[float]]
    Y: list[int]  # labels -1 / +1
    weights: Weights
    alpha: float
    steps: int

    @property
    def sizes(self) -> list[int]:
        """Layer widths after the input: [16, 16, 1] for the demo."""
        return [len(layer) for layer in self.weights]

    @property
    def n_in(self) -> int:
        return len(self.X[0])

    @staticmethod
    def lr(k: int) -> float:
        """micrograd's demo schedule."""
        return 1.0 - 0.9 * k / 100

    def layer_weights(self) -> list[list[list[float]]]:
        """The weights as ``nn.MLP(weights=...)`` takes them."""
        return [[list(w) for w, _ in layer] for layer in self.weights]

    def layer_biases(self) -> list[list[float]]:
        """The biases as ``nn.MLP(biases=...)`` takes them."""
        return [[b for _, b in layer] for layer in self.weights]


def draw_weights(n_in: int, sizes: Sequence[int], seed: int) -> Weights:
    """Weights from ``random.Random(seed).uniform(-1, 1)`` and zero biases, as micrograd draws
    them (neuron by neuron, layer by layer)."""
    rng = random.Random(seed)
    layers: Weights = []
    fan_in = n_in
    for width in sizes:
        layers.append([([rng.uniform(-1.0, 1.0) for _ in range(fan_in)], 0.0) for _ in range(width)])
        fan_in = width
    return layers


def make_workload(config: Config) -> Workload:
    """The workload of ``config``: ``nn.moons`` data and the drawn initial weights."""
    X, labels = nn.moons(config.points, noise=config.noise, seed=config.data_seed)
    weights = draw_weights(len(X[0]), [*config.hidden, 1], config.weight_seed)
    return Workload(X=X, Y=nn.signed(labels), weights=weights, alpha=config.alpha, steps=config.steps)


def same_work(values: dict[str, float], tolerance: float) -> dict[str, object]:
    """Whether every named result equals every other within ``tolerance`` (absolute).

    >>> same_work({"a": 0.5, "b": 0.5 + 1e-12}, 1e-9)["ok"]
    True
    >>> same_work({"a": 0.5, "b": 0.5001}, 1e-9)["ok"]
    False
    """
    if not values:
        return {
            "ok": True,
            "compared": [],
            "spread": 0.0,
            "tolerance": tolerance,
            "note": "nothing to compare",
        }
    finite = all(v == v and abs(v) != float("inf") for v in values.values())
    spread = max(values.values()) - min(values.values()) if finite else float("inf")
    return {
        "ok": finite and spread <= tolerance,
        "compared": sorted(values),
        "spread": spread,
        "tolerance": tolerance,
    }
