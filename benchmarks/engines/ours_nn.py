"""The workload as a chainrule user writes it: ``nn.MLP`` (one ``linear`` node per neuron),
``nn.hinge`` + ``alpha * nn.l2_penalty``, ``nn.SGD``."""

from __future__ import annotations

from typing import cast

import nn
from autograd import Value

from ..workload import Workload


class IdiomaticTrainer:
    def __init__(self, workload: Workload) -> None:
        self.model = nn.MLP(
            workload.n_in,
            workload.sizes,
            activation="relu",
            output_activation="identity",
            weights=workload.layer_weights(),
            biases=workload.layer_biases(),
        )
        self.params = self.model.parameters()
        self.optimizer = nn.SGD(self.params, lr=1.0)
        self.X, self.Y, self.alpha = workload.X, workload.Y, workload.alpha

    def _loss(self) -> Value:
        scores = [self.model(x) for x in self.X]
        data_loss = cast(Value, nn.hinge(scores, self.Y))  # the batch mean: one Value
        return data_loss + self.alpha * nn.l2_penalty(self.params)

    def step(self, lr: float) -> float:
        loss = self._loss()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.lr = lr
        self.optimizer.step()
        return loss.data

    def loss(self) -> float:
        return self._loss().data


def make_trainer(workload: Workload) -> IdiomaticTrainer:
    return IdiomaticTrainer(workload)
