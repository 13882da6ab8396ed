"""micrograd's own demo, verbatim: its MLP, its SVM loss, its update loop."""

from __future__ import annotations

import random
from typing import Any

from micrograd.engine import Value
from micrograd.nn import MLP

from ..workload import Workload


class MicrogradTrainer:
    def __init__(self, workload: Workload) -> None:
        state = random.getstate()  # micrograd draws from the global generator; we overwrite it all
        try:
            self.model = MLP(workload.n_in, workload.sizes)
        finally:
            random.setstate(state)
        for layer, weights in zip(self.model.layers, workload.weights):
            for neuron, (w, b) in zip(layer.neurons, weights):
                for p, value in zip(neuron.w, w):
                    p.data = value
                neuron.b.data = b
        self.X, self.Y, self.alpha = workload.X, workload.Y, workload.alpha

    def _loss(self) -> Any:
        inputs = [list(map(Value, xrow)) for xrow in self.X]
        scores = list(map(self.model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(self.Y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = self.alpha * sum(p * p for p in self.model.parameters())
        return data_loss + reg_loss

    def step(self, lr: float) -> float:
        total_loss = self._loss()
        self.model.zero_grad()
        total_loss.backward()
        for p in self.model.parameters():
            p.data -= lr * p.grad
        return float(total_loss.data)

    def loss(self) -> float:
        return float(self._loss().data)


def make_trainer(workload: Workload) -> MicrogradTrainer:
    return MicrogradTrainer(workload)
