"""One attention head, small enough to watch: the chain rule through softmax and a KV cache.

Three positions with two features each, a head of dimension 2 (as one head of a microgpt-style
model), on scalars: the keys and values of positions 1–3 are cached, the query of position 3
scores each of them, softmax turns the scores into attention weights att1–att3, and the output
mixes the cached values (given here as numbers, v1–v3). The loss is ½‖o − v2‖²: position 3
should fetch position 2's value, so training the query and key weights moves the attention onto
position 2. Each dot product is one node (``Value.dot``), so every node has a name.

Run: python examples/attention.py [OUT]   (writes attention.svg and attention-replay.html into OUT,
default out/attention, and prints the chain rule of ∂L/∂Wq[0][0] and attention learning)
"""

from __future__ import annotations

import sys
from pathlib import Path

from autograd import Value, grad
from nn import SGD
from viz import explain, render, replay

X = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]  # the three positions' features
V = [[0.7, 0.1], [-0.2, 0.5], [0.5, 0.6]]  # their cached values
HEAD = 2


def matrix(name: str, rows: list[list[float]]) -> list[list[Value]]:
    """Named parameters: ``Wq[0][1]`` and so on."""
    return [[Value(w, label=f"{name}[{i}][{j}]") for j, w in enumerate(row)] for i, row in enumerate(rows)]


def named(v: Value, name: str) -> Value:
    v.label = name
    return v


def project(w: list[list[Value]], x: list[Value], name: str) -> list[Value]:
    """``w @ x`` on scalars, each component named (``q[0]``, ``k1[1]``, ...)."""
    return [named(Value.dot(row, x), f"{name}[{i}]") for i, row in enumerate(w)]


class Head:
    """Query, key and value weights of one head, and the step that attends from position 3."""

    def __init__(self) -> None:
        self.Wq = matrix("Wq", [[0.5, -0.3], [0.2, 0.4]])
        self.Wk = matrix("Wk", [[0.1, 0.6], [-0.4, 0.3]])
        self.inputs = [[Value(x, label=f"x{t}[{j}]") for j, x in enumerate(xs)] for t, xs in enumerate(X, 1)]
        self.values = [[Value(v, label=f"v{t}[{j}]") for j, v in enumerate(vs)] for t, vs in enumerate(V, 1)]

    def parameters(self) -> list[Value]:
        """What training changes: the query and key weights (where to look)."""
        return [w for m in (self.Wq, self.Wk) for row in m for w in row]

    def loss(self) -> tuple[Value, list[Value]]:
        """L and the attention weights att1–att3 of position 3 over positions 1–3."""
        keys = [project(self.Wk, x, f"k{t}") for t, x in enumerate(self.inputs, 1)]  # the key cache
        values = self.values
        q = project(self.Wq, self.inputs[-1], "q")
        scores = [named(named(Value.dot(q, k), f"qk{t}") / HEAD**0.5, f"s{t}") for t, k in enumerate(keys, 1)]
        exps = [named(s.exp(), f"e{t}") for t, s in enumerate(scores, 1)]
        total = named(Value.sum(exps), "Z")
        att = [named(e / total, f"att{t}") for t, e in enumerate(exps, 1)]
        o = [named(Value.dot(att, [v[j] for v in values]), f"o[{j}]") for j in range(HEAD)]
        errors = [named(oj - tj, f"d[{j}]") for j, (oj, tj) in enumerate(zip(o, V[1]))]
        loss = named(0.5 * named(Value.dot(errors, errors), "dd"), "L")
        return loss, att


def main(out: Path) -> None:
    head = Head()
    loss, att = head.loss()
    loss.backward()
    wq = head.Wq[0][0]
    explained = explain(loss, wq, method="deltas", fmt=".4f")
    assert explained.matches and explained.gradient == grad(loss, [wq])[0]
    print(explained)
    out.mkdir(parents=True, exist_ok=True)
    inputs = [x for xs in head.inputs + head.values for x in xs]
    render(loss, out / "attention.svg", inputs=inputs, highlight=wq, fmt=".3f", group=True)
    for p in head.parameters():
        p.grad = 0.0
    page = replay(loss, optimizer=SGD(head.parameters(), lr=0.5), inputs=inputs, fmt=".3f")
    page.save(out / "attention-replay.html")
    print(f"\nwrote {out / 'attention.svg'} and {out / 'attention-replay.html'}")
    print("\nattention of position 3 over positions 1–3 while it learns (lr 2):")
    optimizer = SGD(head.parameters(), lr=2.0)
    for step in range(61):
        loss, att = head.loss()
        if step % 10 == 0:
            weights = "  ".join(f"att{t} {a.data:.3f}" for t, a in enumerate(att, 1))
            print(f"  step {step:2d}: L {loss.data:.4f}  {weights}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/attention"))
