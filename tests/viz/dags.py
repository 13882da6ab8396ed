"""A hypothesis strategy for random computation graphs with shared sub-expressions.

Nodes are built from the engine's own ops on earlier nodes picked at random, so a node is often
used several times (``a * a``, a value feeding two branches). Every node stays in [-10, 10]
(anything larger is squashed with tanh), so no op leaves its domain or overflows.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from autograd import Value
from autograd.testing import values

OPS = ("add", "sub", "mul", "tanh", "sigmoid", "neg", "square", "scale", "linear", "sum")


@dataclass
class Graph:
    """A random graph: its output and the leaves it was built from."""

    root: Value
    leaves: list[Value]

    def __repr__(self) -> str:  # hypothesis prints this for a failing example
        return f"Graph(root={self.root!r}, leaves={self.leaves!r})"


@st.composite
def graphs(draw: st.DrawFn, max_leaves: int = 4, max_ops: int = 10) -> Graph:
    leaves = [Value(draw(values(-1.5, 1.5)), label=f"x{i}") for i in range(draw(st.integers(1, max_leaves)))]
    nodes = list(leaves)

    def pick() -> Value:
        return nodes[draw(st.integers(0, len(nodes) - 1))]

    for _ in range(draw(st.integers(1, max_ops))):
        op = draw(st.sampled_from(OPS))
        if op == "add":
            out = pick() + pick()
        elif op == "sub":
            out = pick() - pick()
        elif op == "mul":
            out = pick() * pick()
        elif op == "tanh":
            out = pick().tanh()
        elif op == "sigmoid":
            out = pick().sigmoid()
        elif op == "neg":
            out = -pick()
        elif op == "square":
            out = pick() ** 2
        elif op == "scale":
            out = pick() * draw(values(-2.0, 2.0))  # a constant leaf
        elif op == "linear":
            out = Value.linear([pick(), pick()], [pick(), 0.5], pick())
        else:
            out = Value.sum([pick() for _ in range(draw(st.integers(1, 3)))])
        if abs(out.data) > 10.0:
            out = out.tanh()
        if draw(st.booleans()):
            out.label = draw(st.sampled_from(["h", "u", f"n{len(nodes)}"]))  # "h", "u" repeat
        nodes.append(out)
    return Graph(nodes[-1], leaves)
