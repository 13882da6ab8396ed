"""Our ``Value`` driven exactly like micrograd's demo: ``sum(wi*xi ...) + b``, ``relu``, one
binary node per operation. This measures the engine's per-node overhead."""

from __future__ import annotations

from typing import Any

from autograd import Value

from ..workload import Workload


class OpByOpMLP:
    """micrograd's MLP, rebuilt on our ``Value`` (hidden ReLU, linear output)."""

    def __init__(self, workload: Workload) -> None:
        self.layers = [[([Value(v) for v in w], Value(b)) for w, b in layer] for layer in workload.weights]

    def __call__(self, x: list[Any]) -> Any:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            out: list[Any] = []
            for w, b in layer:
                act: Any = sum((wi * xi for wi, xi in zip(w, x)), b)
                out.append(act.relu() if i != last else act)
            x = out
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for w, b in layer for p in (*w, b)]


class OpByOpTrainer:
    def __init__(self, workload: Workload) -> None:
        self.model = OpByOpMLP(workload)
        self.params = self.model.parameters()
        self.X, self.Y, self.alpha = workload.X, workload.Y, workload.alpha

    def _loss(self) -> Any:
        inputs = [list(map(Value, xrow)) for xrow in self.X]
        scores = list(map(self.model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(self.Y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = self.alpha * sum(p * p for p in self.params)
        return data_loss + reg_loss

    def step(self, lr: float) -> float:
        total_loss = self._loss()
        for p in self.params:
            p.grad = 0.0
        total_loss.backward()
        for p in self.params:
            p.data -= lr * p.grad
        return float(total_loss.data)

    def loss(self) -> float:
        return float(self._loss().data)


def make_trainer(workload: Workload) -> OpByOpTrainer:
    return OpByOpTrainer(workload)
