"""Grouped nodes: a loss such as ½(t − o)² shown as ONE node whose local derivative is the
textbook one, ∂E/∂o = o − t, instead of the mul, pow and sub nodes the engine records; and
cross-entropy from logits, ``logsumexp(z) − z_k``, as ONE node with ∂L/∂z_j = softmax_j − y_j.

Groups are found by the shape of the graph, so ``nn``'s losses and the same loss written by
hand (``0.5 * (t - o) ** 2``, ``(o - t) ** 2``) are recognised alike; nothing needs naming.
A group's derivative is computed by ``autograd.grad`` through the nodes it hides, and a subgraph
is only grouped when nothing outside it uses those nodes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from autograd import Value, grad

from .naming import substitute


@dataclass(frozen=True)
class Group:
    """A node shown with its hidden interior collapsed: edges from ``inputs`` straight to
    ``root``, each with the derivative through the interior and its textbook reading."""

    root: Value
    inputs: tuple[Value, ...]
    interior: frozenset[Value]  # hidden: the nodes between the inputs and the root
    readings: tuple[str, ...]  # d(root)/d(input), as a learner writes it (``o - t``)
    bound: tuple[tuple[str, Value | float], ...]  # what the readings' letters stand for
    values: tuple[float, ...]  # d(root)/d(input) through the interior
    formula: str  # what the root computes from the inputs, for pictures

    def arguments(self, names: dict[Value, str], number: Callable[[float], str]) -> dict[str, str]:
        """The readings' letters, written with the graph's names (a number for a constant)."""
        return {k: names[v] if isinstance(v, Value) else number(v) for k, v in self.bound}

    def described(self, names: dict[Value, str], number: Callable[[float], str]) -> str:
        """The group's formula with the graph's names: ``0.5·(0.01 − a_o1)²``."""
        return substitute(self.formula, self.arguments(names, number))


def find_groups(order: Sequence[Value], keep: AbstractSet[Value] = frozenset()) -> dict[Value, Group]:
    """The groups of a graph given in topological order, by their root; none hides a node of
    ``keep`` (parameters an optimizer updates, say).

    >>> from autograd import Value, topological_order
    >>> o = Value(0.75, label="o"); e = 0.5 * (0.01 - o) ** 2
    >>> group = find_groups(topological_order(e))[e]
    >>> group.readings, [round(v, 2) for v in group.values]
    (('o - t',), [0.74])
    """
    uses = Counter(parent for node in order for parent in node.parents)
    groups: dict[Value, Group] = {}
    for node in order:
        found = _squared_error(node, uses) or _cross_entropy(node, uses)
        if found is not None and not found.interior & keep:
            groups[node] = found
    inside = {hidden for group in groups.values() for hidden in group.interior}
    return {root: group for root, group in groups.items() if root not in inside}  # the outermost


def _constant(node: Value) -> bool:
    return node.is_leaf and not node.label


def _squared_error(node: Value, uses: Counter[Value]) -> Group | None:
    """``c·(t − o)²``, ``(t − o)²·c`` or ``(t − o)²`` (either order inside), t a number."""
    scale, square = 1.0, node
    if node.op == "mul":
        a, b = node.parents
        if _constant(a) and b.op == "pow":
            scale, square = a.data, b
        elif _constant(b) and a.op == "pow":
            scale, square = b.data, a
        else:
            return None
    if square.op != "pow" or square.param != 2.0:
        return None
    (difference,) = square.parents
    if difference.op != "sub":
        return None
    left, right = difference.parents
    if _constant(left) == _constant(right):
        return None  # no target to tell apart from the output
    target, output = (left, right) if _constant(left) else (right, left)
    hidden = {difference, target} | ({square} if square is not node else set())
    if node is not square:
        hidden.add(node.parents[0] if _constant(node.parents[0]) else node.parents[1])
    if any(uses[h] != 1 for h in hidden):
        return None  # something outside the loss uses a node it would hide
    factor = 2.0 * scale
    text = "o - t" if factor == 1.0 else f"{_plain(factor)}*(o - t)"
    (value,) = grad(node, [output])
    return Group(
        root=node,
        inputs=(output,),
        interior=frozenset(h for h in hidden if h is not node),
        readings=(text,),
        bound=(("o", output), ("t", target.data)),
        values=(value,),
        formula=f"{_plain(scale)}·(t − o)²" if scale != 1.0 else "(t − o)²",
    )


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def _cross_entropy(node: Value, uses: Counter[Value]) -> Group | None:
    """``logsumexp(z) − z_k``: −log softmax(z)[k], as ``nn.cross_entropy`` builds it."""
    if node.op != "sub":
        return None
    lse, picked = node.parents
    logits = lse.parents
    if lse.op != "logsumexp" or uses[lse] != 1 or len(set(logits)) != len(logits):
        return None
    if not any(z is picked for z in logits):
        return None
    readings = tuple(f"softmax_{j} - 1" if z is picked else f"softmax_{j}" for j, z in enumerate(logits, 1))
    return Group(
        root=node,
        inputs=logits,
        interior=frozenset({lse}),
        readings=readings,
        bound=(),
        values=tuple(grad(node, list(logits))),
        formula="−log softmax(z)[k]",
    )
