"""Forward mode against reverse mode: how many local-derivative multiplications each makes for
one full gradient with respect to n inputs, counted on the engine itself.

``python -m benchmarks.forward_vs_reverse`` prints the tables of ``docs/forward-vs-reverse.md``.

Two functions, each for several n:

* ``parameters``: a small network's loss as a function of its n weights and biases (what training
  differentiates): a layer of tanh neurons on 2 inputs, a linear output, the squared error summed
  over 4 fixed samples. Each parameter reaches only part of the graph.
* ``inputs``: a fixed deep network's output as a function of its n inputs (a saliency map): six
  layers of 4 tanh neurons with constant weights. Every input reaches every neuron.

After the graph is built, every recorded local derivative is swapped for a float that counts its
own multiplications; then the engine runs as it always does: ``backward`` once (reverse mode),
and ``autograd.tangents`` once per input (forward mode, one sweep per direction of the
gradient). Nothing here computes a count from a formula.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd import Value, backward, grad, tangents, topological_order
from autograd.value import COMPILED

NEEDS_INTERPRETED = (
    "forward_vs_reverse counts multiplications by swapping counting floats into the recorded local "
    "derivatives, which the compiled build keeps as C doubles: run it on the interpreted engine"
)

SAMPLES = (((0.5, -1.0), 0.3), ((1.5, 0.2), -0.4), ((-0.7, 0.9), 0.8), ((0.1, 0.1), 0.0))
SIZES = {"parameters": (1, 2, 4, 8, 16), "inputs": (1, 2, 4, 8, 16, 32)}
DEPTH = 6


def _constant(k: int) -> float:
    """A fixed, non-zero number in [-0.7, 0.7] for weight number k."""
    return 0.1 * (k % 7 + 1) * (1.0 if k % 2 == 0 else -1.0)


class Counted(float):
    """A local derivative that counts every multiplication it takes part in."""

    count = 0

    def __mul__(self, other: Any) -> float:
        Counted.count += 1
        return float(self) * float(other)

    __rmul__ = __mul__


def network_loss(width: int) -> tuple[int, Callable[..., Value]]:
    """(n, f): the number of parameters of a 2-``width``-1 network and its loss as a function
    of them."""
    n = width * 3 + width + 1  # per hidden neuron two weights and a bias; the output's weights and bias

    def f(*params: Value) -> Value:
        hidden_w = params[: 2 * width]
        hidden_b = params[2 * width : 3 * width]
        out_w = params[3 * width : 4 * width]
        out_b = params[4 * width]
        terms = []
        for x, target in SAMPLES:
            hidden = [Value.linear(hidden_w[2 * i : 2 * i + 2], x, hidden_b[i]).tanh() for i in range(width)]
            terms.append((Value.linear(out_w, hidden, out_b) - target) ** 2)
        return Value.sum(terms)

    return n, f


def network_output(n: int) -> tuple[int, Callable[..., Value]]:
    """(n, f): a fixed deep network's output as a function of its n inputs: n inputs, then
    ``DEPTH`` tanh layers of 4 neurons with constant weights, then a linear output."""

    def f(*x: Value) -> Value:
        layer: list[Any] = list(x)
        for depth in range(DEPTH):
            k = len(layer)
            layer = [
                Value.linear([_constant(depth + i * k + j) for j in range(k)], layer, 0.1).tanh()
                for i in range(4)
            ]
        return Value.linear([_constant(k + 5) for k in range(4)], layer, 0.0)

    return n, f


FUNCTIONS: dict[str, Callable[[int], tuple[int, Callable[..., Value]]]] = {
    "parameters": network_loss,
    "inputs": network_output,
}


def _instrument(root: Value) -> int:
    """Swap every recorded local derivative for a ``Counted`` one; return the number of edges."""
    if COMPILED:
        raise RuntimeError(NEEDS_INTERPRETED)
    edges = 0
    for node in topological_order(root):
        if node._p0 is not None:  # unary or binary: slots _d0 (and _d1)
            node._d0 = Counted(node._d0)
            edges += 1
            if node._p1 is not None:
                node._d1 = Counted(node._d1)  # type: ignore[arg-type]
                edges += 1
        elif node._p1 is not None:  # n-ary: a tuple in _d1
            node._d1 = tuple(Counted(d) for d in node._d1)  # type: ignore[union-attr]
            edges += len(node._d1)
    return edges


@dataclass(frozen=True)
class Row:
    """One line of the comparison."""

    n: int
    nodes: int
    edges: int
    forward: int  # multiplications of n forward sweeps
    reverse: int  # multiplications of one backward pass
    agree: bool  # both modes gave the same gradient (up to rounding)


def measure(function: str, size: int) -> Row:
    """Count both modes' multiplications for one gradient of ``FUNCTIONS[function](size)``."""
    n, f = FUNCTIONS[function](size)
    inputs = [Value(_constant(k)) for k in range(n)]
    out = f(*inputs)
    edges = _instrument(out)
    nodes = len(topological_order(out))

    Counted.count = 0
    backward(out)
    reverse = Counted.count
    by_reverse = [x.grad for x in inputs]

    Counted.count = 0
    by_forward = [tangents([out], {x: 1.0}).get(out, 0.0) for x in inputs]
    forward = Counted.count

    check = grad(out, inputs)
    agree = (
        all(abs(a - b) <= 1e-9 * (abs(b) + 1.0) for a, b in zip(by_forward, check)) and by_reverse == check
    )
    return Row(n, nodes, edges, forward, reverse, agree)


def table(rows: list[Row]) -> str:
    """The rows as the Markdown table of ``docs/forward-vs-reverse.md``."""
    lines = [
        "| n inputs | nodes | edges | forward: n sweeps | reverse: 1 backward | forward / reverse |",
        "|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.n} | {r.nodes} | {r.edges} | {r.forward} | {r.reverse} | {r.forward / r.reverse:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print one table per function; exit status 1 if the two modes ever disagree."""
    parser = argparse.ArgumentParser(description="Forward against reverse mode: multiplications counted.")
    parser.add_argument("--function", choices=sorted(FUNCTIONS), nargs="*", default=list(FUNCTIONS))
    args = parser.parse_args(argv)
    agree = True
    for name in args.function:
        rows = [measure(name, size) for size in SIZES[name]]
        agree = agree and all(r.agree for r in rows)
        print(f"gradient with respect to the {name}:\n\n{table(rows)}\n")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
