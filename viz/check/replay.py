"""The example replayed with chainrule itself: ``nn`` layers, ``autograd`` graphs, ``grad`` and the
``nn`` optimizers. Its values are the truth the checker reports, and every one of them is
compared with the ledger's textbook rules, so the two computations vouch for each other."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from autograd import Value, grad
from nn import SGD, Adam, Layer, Optimizer
from nn.activations import ELEMENTWISE, softmax

from .ledger import Key, Ledger
from .spec import WorkedExample


class ReplayMismatch(AssertionError):
    """The engine and the textbook rules disagree: a bug in chainrule, never in the document."""


def _layers(ex: WorkedExample) -> list[Layer]:
    layers = []
    n_in = len(ex.input_names)
    for spec in ex.layers:
        layers.append(
            Layer(
                n_in,
                spec.width,
                spec.activation,
                weights=spec.weights,
                biases=spec.bias,
                bias=spec.bias is not None,
                shared_bias=spec.shared_bias,
            )
        )
        n_in = spec.width
    return layers


def _parameters(ex: WorkedExample, layers: list[Layer]) -> dict[tuple[Any, ...], Value]:
    params: dict[tuple[Any, ...], Value] = {}
    for li, (spec, layer) in enumerate(zip(ex.layers, layers)):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                params[("w", li, j, k)] = w
            if spec.bias is not None and not spec.shared_bias:
                assert neuron.b is not None
                params[("b", li, j)] = neuron.b
        if spec.shared_bias:
            params[("b", li)] = layer.b
    return params


class EngineReplay:
    """One optimizer run of an example through the engine; ``values`` maps ledger keys to
    the engine's numbers."""

    def __init__(self, ledger: Ledger, needed: Iterable[Key]) -> None:
        self.ledger = ledger
        ex = self.ex = ledger.ex
        self.values: dict[Key, float] = {}
        derivatives: dict[Any, list[Key]] = {}
        for key in needed:
            if key[0] in ("D", "L"):
                derivatives.setdefault(ledger._step_of(key[1]), []).append(key)
        layers = _layers(ex)
        params = _parameters(ex, layers)
        trainable = [pid for pid in params if not ledger.frozen(pid)]
        optimizer = self._optimizer([params[pid] for pid in trainable])
        for q in range(ex.steps + 1):
            nodes, loss = self._forward(layers, params, q)
            for pid, p in params.items():
                if q == 0 or not ledger.frozen(pid):
                    self.values[ledger.param(pid, q)] = p.data
            for key, node in nodes.items():
                self.values[key] = node.data
            for key in derivatives.get(q, []):
                top, bottom = nodes[key[1]], self._node(key[2], nodes, params)
                self.values[key] = grad(top, [bottom])[0]
            if q == ex.steps:
                break
            for p in params.values():
                p.grad = 0.0
            loss.backward()
            optimizer.step()
            if isinstance(optimizer, Adam):
                for i, pid in enumerate(trainable):
                    self.values[("m", pid, q)] = optimizer.m[i]
                    self.values[("v", pid, q)] = optimizer.v[i]
        if ex.loop is not None:
            self._loop()

    def _optimizer(self, params: list[Value]) -> Optimizer:
        run = self.ledger.run
        if run.kind == "sgd":
            return SGD(params, lr=run.lr)
        return Adam(params, lr=run.lr, betas=run.betas, eps=run.eps, bias_correction=run.bias_correction)

    def _node(self, key: Key, nodes: dict[Key, Value], params: dict[tuple[Any, ...], Value]) -> Value:
        if key[0] == "p":
            return params[key[1]]
        return nodes[key]

    def _forward(
        self, layers: list[Layer], params: dict[tuple[Any, ...], Value], q: int
    ) -> tuple[dict[Key, Value], Value]:
        ex = self.ex
        nodes: dict[Key, Value] = {}
        losses = []
        for s, (x, t) in enumerate(zip(ex.inputs, ex.targets)):
            values: list[Value] = [Value(v, label=ex.input_names[k]) for k, v in enumerate(x)]
            for k, v in enumerate(values):
                nodes[("x", s, k)] = v
            for li, (spec, layer) in enumerate(zip(ex.layers, layers)):
                zs = [neuron.preactivation(values) for neuron in layer.neurons]
                if spec.activation == "softmax":
                    values = softmax(zs)
                else:
                    values = [ELEMENTWISE[spec.activation](z) for z in zs]
                for j, (z, a) in enumerate(zip(zs, values)):
                    nodes[("z", s, li, j, q)] = z
                    if spec.activation != "identity":
                        nodes[("a", s, li, j, q)] = a
            terms = []
            for j, (a, target) in enumerate(zip(values, t)):
                if ex.loss.kind == "cross_entropy":
                    term = -target * a.log()
                else:
                    term = (0.5 if ex.loss.half else 1.0) * (a - target) ** 2
                nodes[("term", s, j, q)] = term
                terms.append(term)
            sample_loss = Value.sum(terms)
            if ex.loss.outputs == "mean":
                sample_loss = sample_loss / len(terms)
            if ex.batch > 1:
                nodes[("Es", s, q)] = sample_loss
            losses.append(sample_loss)
        total = losses[0] if ex.batch == 1 else Value.sum(losses)
        if ex.batch > 1 and ex.loss.batch == "mean":
            total = total / ex.batch
        nodes[("E", q)] = total
        return nodes, total

    def _loop(self) -> None:
        ex, ledger = self.ex, self.ledger
        assert ex.loop is not None
        layers = _layers(ex)
        params = _parameters(ex, layers)
        optimizer = self._optimizer([p for pid, p in params.items() if not ledger.frozen(pid)])
        epoch = 0
        while True:
            epoch += 1
            nodes, loss = self._forward(layers, params, 0)
            if loss.data < ex.loop.stop_below or epoch > ex.loop.max_epochs:
                break
            for p in params.values():
                p.grad = 0.0
            loss.backward()
            optimizer.step()
        self.values[("epoch",)] = float(epoch)
        for key, node in nodes.items():
            self.values[("stop", key)] = node.data
        for pid, p in params.items():
            self.values[("stop", ledger.param(pid, 0))] = p.data

    def cross_check(self) -> None:
        """Every engine value against the ledger's rules; a disagreement is chainrule's bug."""
        for key, value in self.values.items():
            if key[0] in ("stop", "epoch", "x", "t"):
                continue
            rules = self.ledger.truth(key)
            if not math.isclose(rules, value, rel_tol=1e-9, abs_tol=1e-12):
                raise ReplayMismatch(
                    f"{self.ex.origin}: the engine gives {value!r} for {key} "
                    f"but the textbook rules give {rules!r}"
                )
