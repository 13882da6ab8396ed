"""A GPT trained on scalars, in the style of microgpt, for any ``Value`` class.

Character tokens with a BOS token, learned token and position embeddings, RMSNorm, one layer of
causal self-attention with several heads over a cache of live keys and values, an MLP with ReLU,
a separate output head, softmax cross-entropy averaged over the positions of one document, one
``loss.backward()`` per step, and Adam with a linearly decaying learning rate, written as plain
Python over lists of scalars. The engine is a parameter: chainrule's ``autograd.Value`` and the
reference engine (:mod:`benchmarks.engines.scalar_value`) run the same code and must give the
same losses.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

SYLLABLES = tuple(
    ["ka", "ri", "no", "mi", "sa", "lu", "ta", "be", "el", "an", "jo", "vi", "da", "ra", "en", "is", "o"]
)


def names(count: int = 200, seed: int = 7) -> list[str]:
    """``count`` made-up lowercase names of one to three syllables, the same for every seed."""
    rng = random.Random(seed)
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(count)]


@dataclass(frozen=True)
class GPTConfig:
    """The model's sizes and the optimizer's settings."""

    n_embd: int = 16
    n_head: int = 4
    block_size: int = 8
    lr: float = 0.01
    beta1: float = 0.85
    beta2: float = 0.99
    eps: float = 1e-8
    init_std: float = 0.08
    seed: int = 42
    total_steps: int = 1000  # the learning rate decays linearly to 0 over these

    @property
    def head_dim(self) -> int:
        return self.n_embd // self.n_head


Matrix = list[list[Any]]


class GPT:
    """The model, its parameters, Adam's state and one training step, over the engine ``value``
    (a class: ``value(x)`` makes a leaf, and its instances support ``+ - * / **``, ``exp``,
    ``log``, ``relu``, ``backward`` and assignable ``data`` and ``grad``)."""

    def __init__(self, value: Callable[[float], Any], docs: Sequence[str], config: GPTConfig = GPTConfig()):
        self.config = config
        self.docs = list(docs)
        self.chars = sorted(set("".join(self.docs)))
        self.bos = len(self.chars)
        vocab = len(self.chars) + 1
        rng = random.Random(config.seed)

        def matrix(rows: int, cols: int) -> Matrix:
            return [[value(rng.gauss(0.0, config.init_std)) for _ in range(cols)] for _ in range(rows)]

        e = config.n_embd
        self.weights: dict[str, Matrix] = {
            "wte": matrix(vocab, e),
            "wpe": matrix(config.block_size, e),
            "wq": matrix(e, e),
            "wk": matrix(e, e),
            "wv": matrix(e, e),
            "wo": matrix(e, e),
            "fc1": matrix(4 * e, e),
            "fc2": matrix(e, 4 * e),
            "head": matrix(vocab, e),
        }
        self.params = [p for m in self.weights.values() for row in m for p in row]
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)
        self.steps_done = 0

    # ---- the model ---------------------------------------------------------------------------

    @staticmethod
    def linear(x: Sequence[Any], w: Matrix) -> list[Any]:
        return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]

    @staticmethod
    def softmax(logits: Sequence[Any]) -> list[Any]:
        top = max(v.data for v in logits)
        exps = [(v - top).exp() for v in logits]
        total = sum(exps)
        return [e / total for e in exps]

    @staticmethod
    def rmsnorm(x: Sequence[Any]) -> list[Any]:
        mean_square = sum(xi * xi for xi in x) / len(x)
        scale = (mean_square + 1e-5) ** -0.5
        return [xi * scale for xi in x]

    def forward(self, token: int, pos: int, keys: list[list[Any]], values: list[list[Any]]) -> list[Any]:
        """The logits of the next token, appending this position's key and value to the cache."""
        w, c = self.weights, self.config
        x = [t + p for t, p in zip(w["wte"][token], w["wpe"][pos])]
        x = self.rmsnorm(x)
        residual = x
        x = self.rmsnorm(x)
        q, k, v = self.linear(x, w["wq"]), self.linear(x, w["wk"]), self.linear(x, w["wv"])
        keys.append(k)
        values.append(v)
        attended: list[Any] = []
        for h in range(c.n_head):
            lo, hi = h * c.head_dim, (h + 1) * c.head_dim
            logits = [sum(qi * ki for qi, ki in zip(q[lo:hi], key[lo:hi])) / c.head_dim**0.5 for key in keys]
            weights = self.softmax(logits)
            attended += [sum(a * val[j] for a, val in zip(weights, values)) for j in range(lo, hi)]
        x = [a + b for a, b in zip(self.linear(attended, w["wo"]), residual)]
        residual = x
        x = [h.relu() for h in self.linear(self.rmsnorm(x), w["fc1"])]
        x = [a + b for a, b in zip(self.linear(x, w["fc2"]), residual)]
        return self.linear(x, w["head"])

    def loss(self, doc: str) -> Any:
        """Mean cross-entropy of predicting each next character of ``doc`` (BOS at both ends)."""
        tokens = [self.bos, *(self.chars.index(ch) for ch in doc), self.bos]
        n = min(self.config.block_size, len(tokens) - 1)
        keys: list[list[Any]] = []
        values: list[list[Any]] = []
        losses = []
        for pos in range(n):
            probs = self.softmax(self.forward(tokens[pos], pos, keys, values))
            losses.append(-probs[tokens[pos + 1]].log())
        return (1 / n) * sum(losses)

    # ---- training ----------------------------------------------------------------------------

    def step(self) -> float:
        """One training step on the next document: forward, backward, Adam; the loss before it."""
        c, k = self.config, self.steps_done
        loss = self.loss(self.docs[k % len(self.docs)])
        loss.backward()
        lr = c.lr * (1 - k / c.total_steps)
        correct1, correct2 = 1 - c.beta1 ** (k + 1), 1 - c.beta2 ** (k + 1)
        for i, p in enumerate(self.params):
            g = p.grad
            self.m[i] = c.beta1 * self.m[i] + (1 - c.beta1) * g
            self.v[i] = c.beta2 * self.v[i] + (1 - c.beta2) * g * g
            p.data -= lr * (self.m[i] / correct1) / ((self.v[i] / correct2) ** 0.5 + c.eps)
            p.grad = 0
        self.steps_done += 1
        return float(loss.data)


def train(value: Callable[[float], Any], steps: int, config: GPTConfig = GPTConfig()) -> list[float]:
    """The losses of ``steps`` training steps of a fresh model on the engine ``value``."""
    model = GPT(value, names(), config)
    return [model.step() for _ in range(steps)]
