"""Random computation graphs for the pictures' tests: ``autograd.testing.expressions`` built on
labelled leaves, with some nodes labelled at random (``h`` and ``u`` repeat, so names clash)."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from autograd import Value, topological_order
from autograd.testing import expressions

OPS = ("add", "sub", "mul", "tanh", "sigmoid", "neg", "pow", "linear", "sum")


@dataclass
class Graph:
    """A random graph: its output and the leaves it was built from."""

    root: Value
    leaves: list[Value]

    def __repr__(self) -> str:  # hypothesis prints this for a failing example
        return f"Graph(root={self.root!r}, leaves={self.leaves!r})"


@st.composite
def graphs(draw: st.DrawFn, max_leaves: int = 4, max_ops: int = 10) -> Graph:
    expression = draw(
        expressions(
            OPS, max_inputs=max_leaves, max_nodes=max_ops, min_value=-1.5, max_value=1.5, constants=True
        )
    )
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(expression.inputs)]
    root = expression.function(*leaves)
    for k, node in enumerate(topological_order(root)):
        if not node.is_leaf and draw(st.booleans()):
            node.label = draw(st.sampled_from(["h", "u", f"n{k}"]))
    return Graph(root, leaves)
