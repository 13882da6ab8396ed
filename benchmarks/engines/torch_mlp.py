"""PyTorch in scalar mode: float64 0-d tensors, one thread, every weight its own leaf tensor,
the graph built op by op exactly as micrograd builds it."""

from __future__ import annotations

from typing import Any, cast

import torch

from ..workload import Workload

DTYPE = torch.float64


def _scalar(x: float, requires_grad: bool = False) -> torch.Tensor:
    return torch.tensor(x, dtype=DTYPE, requires_grad=requires_grad)


class TorchScalarTrainer:
    def __init__(self, workload: Workload) -> None:
        torch.set_num_threads(1)
        self.layers = [
            [([_scalar(v, True) for v in w], _scalar(b, True)) for w, b in layer]
            for layer in workload.weights
        ]
        self.params = [p for layer in self.layers for w, b in layer for p in (*w, b)]
        self.X, self.Y, self.alpha = workload.X, workload.Y, workload.alpha

    def _model(self, x: list[Any]) -> Any:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            out: list[Any] = []
            for w, b in layer:
                act: Any = sum((wi * xi for wi, xi in zip(w, x)), b)
                out.append(torch.relu(act) if i != last else act)
            x = out
        return x[0] if len(x) == 1 else x

    def _loss(self) -> Any:
        inputs = [[_scalar(v) for v in xrow] for xrow in self.X]
        scores = list(map(self._model, inputs))
        losses = [torch.relu(1 + -yi * scorei) for yi, scorei in zip(self.Y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = self.alpha * sum(p * p for p in self.params)
        return data_loss + reg_loss

    def step(self, lr: float) -> float:
        total_loss = self._loss()
        for p in self.params:
            p.grad = None
        total_loss.backward()
        with torch.no_grad():
            for p in self.params:
                p -= lr * cast(torch.Tensor, p.grad)
        return float(total_loss.item())

    def loss(self) -> float:
        with torch.no_grad():
            return float(self._loss().item())


def make_trainer(workload: Workload) -> TorchScalarTrainer:
    return TorchScalarTrainer(workload)
