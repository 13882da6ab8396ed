"""The chain rule written out for one gradient: every path from the output down to one input,
each path's product of local derivatives, their sum, and a check against ``autograd.grad``.

When there are too many paths, the same sum is built node by node instead: the responsibility
δ_n = ∂output/∂n of each node is the sum over its children c of δ_c · ∂c/∂n (the "total
responsibility score" of the worked examples), one pass over the graph. Forward mode builds it
the other way round: the tangent τ_n = ∂n/∂input of each node is the sum over its inputs p of
∂n/∂p · τ_p, from the input up to the output (what ``autograd.jvp`` computes).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeAlias, overload

from autograd import Value, grad, topological_order

from . import explain_formats, mathml
from .groups import Group, find_groups
from .naming import (
    derivative,
    formula_arguments,
    node_names,
    printable,
    readable,
    substitution,
    used_arguments,
)
from .numbers import Format, number_formatter

MAX_PATHS = 100
Method = Literal["paths", "deltas", "forward"]
OutputFormat = Literal["text", "markdown", "latex", "html"]


@dataclass(frozen=True)
class Factor:
    """One local derivative ∂child/∂parent: one edge of the graph, with its formula and value.

    ``rule`` is the op table's formula in the op's own argument names (``b`` for ∂(a*b)/∂a);
    ``arguments`` says what the names in ``rule`` stand for here; ``formula`` is ``rule`` with them filled
    in. ``child_id``/``parent_id`` are positions in ``topological_order(output)``;
    ``argument`` is which input of the child the parent is (``a * a`` has two edges).
    """

    child: str
    parent: str
    value: float
    rule: str
    arguments: tuple[tuple[str, str], ...]
    formula: str
    child_id: int
    parent_id: int
    argument: int
    repeated: bool = False  # the parent is more than one input of the child

    @property
    def symbol(self) -> str:
        """``∂child/∂parent``, with the input's number when the parent is used twice."""
        suffix = f" (input {self.argument + 1})" if self.repeated else ""
        return f"{derivative(self.child, self.parent)}{suffix}"


@dataclass(frozen=True)
class ChainPath:
    """One path from the output down to ``wrt``: its local derivatives and their product."""

    factors: tuple[Factor, ...]
    product: float


@dataclass(frozen=True)
class Delta:
    """A node's responsibility δ = ∂output/∂node: the sum of δ_child · ∂child/∂node."""

    node: str
    node_id: int
    terms: tuple[tuple[float, Factor], ...]  # (δ of the child, the factor ∂child/∂node)
    value: float


@dataclass(frozen=True)
class Tangent:
    """A node's tangent τ = ∂node/∂wrt in forward mode: the sum of ∂node/∂parent · τ_parent."""

    node: str
    node_id: int
    terms: tuple[tuple[float, Factor], ...]  # (τ of the parent, the factor ∂node/∂parent)
    value: float


@dataclass(frozen=True)
class Explanation:
    """∂output/∂wrt, written out. ``str()`` gives text; ``to_markdown()`` and ``to_latex()`` the
    other forms; in Jupyter it displays as Markdown.

    ``total`` is the sum of the path products (``method="paths"``), δ of ``wrt``
    (``method="deltas"``) or τ of the output (``method="forward"``, whose steps are in
    ``tangents``); ``gradient`` is what ``autograd.grad`` computes; ``matches`` says
    whether they agree up to rounding.
    """

    output: str
    wrt: str
    method: Method
    n_paths: int
    paths: tuple[ChainPath, ...]
    factors: tuple[Factor, ...]
    deltas: tuple[Delta, ...]
    total: float
    gradient: float
    matches: bool
    number: Callable[[float], str] = field(repr=False, compare=False, default=str)
    tangents: tuple[Tangent, ...] = ()

    def render(self, format: OutputFormat = "text") -> str:
        """The explanation as ``"text"``, ``"markdown"``, ``"latex"`` or ``"html"`` (MathML)."""
        writers = {
            "text": explain_formats.text,
            "markdown": explain_formats.markdown,
            "latex": explain_formats.latex,
            "html": mathml.explanation,
        }
        if format not in writers:
            raise ValueError(f"explain: format must be 'text', 'markdown', 'latex' or 'html', got {format!r}")
        return writers[format](self)

    def to_text(self) -> str:
        """The explanation as plain text (what ``print`` shows)."""
        return self.render("text")

    def to_markdown(self) -> str:
        """The explanation as Markdown, with a table of the local derivatives."""
        return self.render("markdown")

    def to_latex(self) -> str:
        """The explanation as LaTeX display math (``aligned`` blocks, from amsmath)."""
        return self.render("latex")

    def to_html(self) -> str:
        """The explanation as an HTML fragment with the math in MathML (no JavaScript needed)."""
        return self.render("html")

    def __str__(self) -> str:
        return self.render("text")

    def _repr_markdown_(self) -> str:
        return self.render("markdown")


@overload
def explain(
    root: Value,
    wrt: Value,
    *,
    method: Method = ...,
    max_paths: int = ...,
    fmt: Format = ...,
    group: bool = ...,
    format: None = ...,
) -> Explanation: ...


@overload
def explain(
    root: Value,
    wrt: Value,
    *,
    method: Method = ...,
    max_paths: int = ...,
    fmt: Format = ...,
    group: bool = ...,
    format: OutputFormat,
) -> str: ...


def explain(
    root: Value,
    wrt: Value,
    *,
    method: Method = "paths",
    max_paths: int = MAX_PATHS,
    fmt: Format = None,
    group: bool = False,
    format: OutputFormat | None = None,
) -> Explanation | str:
    """∂root/∂wrt by the chain rule, written out and checked against ``autograd.grad``.

    ``method="paths"`` lists every path from ``root`` down to ``wrt`` with the product of its
    local derivatives, then sums them; more than ``max_paths`` paths raise ``ValueError``.
    ``method="deltas"`` computes the responsibilities δ node by node instead (linear time);
    ``method="forward"`` carries the tangent τ = ∂node/∂wrt forward from ``wrt`` up to
    ``root``, node by node (forward mode, as ``autograd.jvp``).
    ``fmt`` writes the numbers (default: 6 decimals). Returns an ``Explanation``, or its text in
    ``format`` ("text", "markdown", "latex", or "html": MathML that browsers typeset without
    any script) when one is given. ``.grad`` is not used. With ``group=True`` a loss such as
    ½(t − o)² shows as ONE node with its textbook derivative (∂E/∂o = o − t) instead of the
    mul, pow and sub nodes the engine recorded (``viz.groups``).

    >>> o = Value(0.75, label="o"); E = 0.5 * (0.01 - o) ** 2; E.label = "E"
    >>> print(explain(E, o, group=True))
    ∂E/∂o = o − 0.010000 = 0.740000
    check: autograd.grad(E, [o]) gives 0.740000, the same as above ✓

    >>> from autograd import Value
    >>> x = Value(3.0, label="x"); u = x * x; u.label = "u"; y = u + x; y.label = "y"
    >>> e = explain(y, x)
    >>> e.n_paths, [p.product for p in e.paths], e.total, e.gradient, e.matches
    (3, [3.0, 3.0, 1.0], 7.0, 7.0, True)
    >>> print(explain(y, u, fmt=".1f"))
    ∂y/∂u = 1.0
    check: autograd.grad(y, [u]) gives 1.0, the same as above ✓
    """
    if not isinstance(root, Value) or not isinstance(wrt, Value):
        bad = root if not isinstance(root, Value) else wrt
        raise TypeError(f"explain: root and wrt must be Values, got {type(bad).__name__} {bad!r}")
    if method not in ("paths", "deltas", "forward"):
        raise ValueError(f"explain: method must be 'paths', 'deltas' or 'forward', got {method!r}")
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 1:
        error = ValueError if type(max_paths) is int else TypeError
        shown = repr(max_paths) if len(repr(max_paths)) <= 60 else f"a {type(max_paths).__name__}"
        raise error(
            f"explain: max_paths must be an int >= 1 (the most chain-rule paths to list), got {shown}; "
            f"for example max_paths={MAX_PATHS}"
        )
    number = number_formatter(fmt, 6)
    result = _explain(root, wrt, method, max_paths, number, group)
    return result if format is None else result.render(format)


def _explain(
    root: Value, wrt: Value, method: Method, max_paths: int, number: Callable[[float], str], group: bool
) -> Explanation:
    order = topological_order(root)
    names = node_names(order)
    index = {node: i for i, node in enumerate(order)}
    gradient = grad(root, [wrt])[0]
    groups = {r: g for r, g in find_groups(order).items() if wrt not in g.interior} if group else {}
    hidden = {node for g in groups.values() for node in g.interior}
    if wrt not in index:  # root does not depend on wrt: no path, gradient 0
        return Explanation(
            names[root],
            printable(wrt.label) or "wrt",
            method,
            0,
            (),
            (),
            (),
            0.0,
            gradient,
            gradient == 0.0,
            number,
        )

    # The nodes on some path from wrt up to root: wrt and every node that depends on it.
    on = {wrt}
    down: dict[Value, list[Factor]] = {}  # node -> its factors towards wrt, by argument
    up: dict[Value, list[Factor]] = {wrt: []}  # node -> the factors of its children
    paths_to = {wrt: 1}  # number of paths from wrt to the node (an exact int)
    for node in order[index[wrt] + 1 :]:
        if node in hidden:
            continue
        parents, values, rules, arguments = _edges(node, groups.get(node), names, number)
        edges = [i for i, parent in enumerate(parents) if parent in on]
        if not edges:
            continue
        on.add(node)
        down[node] = []
        up[node] = []
        # Prepared once per node, so that a node with n inputs costs O(n), not O(n²).
        bound = dict(arguments)
        fill = substitution(bound)
        uses = Counter(parents)
        for i in edges:
            parent = parents[i]
            factor = Factor(
                child=names[node],
                parent=names[parent],
                value=values[i],
                rule=rules[i],
                arguments=used_arguments(rules[i], bound),
                formula=fill(readable(rules[i])),
                child_id=index[node],
                parent_id=index[parent],
                argument=i,
                repeated=uses[parent] > 1,
            )
            down[node].append(factor)
        paths_to[node] = sum(paths_to[parents[i]] for i in edges)
    chain = [node for node in reversed(order) if node in on]  # from root down to wrt
    for node in reversed(chain):  # each node's children in creation order: δ's terms read left to right
        for factor in down.get(node, ()):
            up[order[factor.parent_id]].append(factor)

    deltas, scale = _deltas(chain, up, index, names)
    n_paths = paths_to[root]
    tangents: tuple[Tangent, ...] = ()
    if method == "paths":
        if n_paths > max_paths:
            raise ValueError(
                f"explain: there are {_count_text(n_paths)} paths from {names[wrt]} to "
                f"{names[root]}, more than max_paths={max_paths} (path counts grow exponentially "
                "with depth). The responsibility form gives the same sum in one pass over the "
                "graph: explain(root, wrt, method='deltas'); or raise the cap: "
                f"explain(root, wrt, max_paths={n_paths})"
            )
        paths = _paths(root, wrt, down, order)
        total = math.fsum(p.product for p in paths) if len(paths) > 1 else paths[0].product
    elif method == "forward":
        paths = ()
        tangents = _tangents(chain, down, index, names)
        total = tangents[-1].value
    else:
        paths = ()
        total = deltas[-1].value
    factors = tuple(f for node in chain for f in down.get(node, ()))
    matches = total == gradient or abs(total - gradient) <= 1e-9 * scale
    return Explanation(
        names[root],
        names[wrt],
        method,
        n_paths,
        paths,
        factors,
        tuple(deltas),
        total,
        gradient,
        matches,
        number,
        tangents,
    )


def _tangents(
    chain: list[Value], down: dict[Value, list[Factor]], index: dict[Value, int], names: dict[Value, str]
) -> tuple[Tangent, ...]:
    """τ = ∂node/∂wrt of every node of ``chain`` (given root first), from wrt up to the root:
    the seed τ_wrt = 1, then each node's inputs in order, as ``autograd.tangents`` sums them."""
    tangent: dict[int, float] = {}
    out = []
    for node in reversed(chain):
        i = index[node]
        factors = down.get(node, [])
        terms = tuple((tangent[f.parent_id], f) for f in factors)
        value = 1.0 if not factors else 0.0
        for t, f in terms:
            value += f.value * t
        tangent[i] = value
        out.append(Tangent(node=names[node], node_id=i, terms=terms, value=value))
    return tuple(out)


def _edges(
    node: Value, group: Group | None, names: dict[Value, str], number: Callable[[float], str]
) -> tuple[tuple[Value, ...], tuple[float, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A node's parents, local derivatives, their readings and what the readings' letters
    stand for: the recorded ones, or a group's collapsed ones."""
    if group is not None:
        return group.inputs, group.values, group.readings, tuple(group.arguments(names, number).items())
    rule = node.rule
    if rule is None:  # a leaf
        return (), (), (), ()
    n = len(node.parents)
    readings = tuple(rule.reading(i, n, node.param) for i in range(n))
    arguments = tuple(formula_arguments(node, names, number).items())
    return node.parents, node.local_grads, readings, arguments


def _deltas(
    chain: list[Value],
    up: dict[Value, list[Factor]],
    index: dict[Value, int],
    names: dict[Value, str],
) -> tuple[list[Delta], float]:
    """δ of every node of ``chain`` (root first), and Σ|path products|, a scale for rounding."""
    delta: dict[int, float] = {}
    magnitude: dict[int, float] = {}  # δ computed with |local derivatives|
    out = []
    for k, node in enumerate(chain):
        i = index[node]
        terms = tuple((delta[f.child_id], f) for f in up[node])
        if k == 0:  # the root: ∂root/∂root = 1
            delta[i] = magnitude[i] = 1.0
        else:
            # summed in the engine's order (the last created child first, each child's inputs in
            # order), so the total is, bit for bit, what backward and grad accumulate; the terms
            # are shown in creation order
            engine_order = sorted(terms, key=lambda t: (-t[1].child_id, t[1].argument))
            delta[i] = sum(d * f.value for d, f in engine_order)
            magnitude[i] = sum(magnitude[f.child_id] * abs(f.value) for f in up[node])
        out.append(Delta(node=names[node], node_id=i, terms=terms, value=delta[i]))
    return out, magnitude[out[-1].node_id]


_Link: TypeAlias = "tuple[Factor, _Link] | None"  # a path as a linked list, last factor first


def _paths(
    root: Value, wrt: Value, down: dict[Value, list[Factor]], order: list[Value]
) -> tuple[ChainPath, ...]:
    """Every path from ``root`` down to ``wrt``, depth first, inputs in order; no recursion."""
    found = []
    # Each stack entry holds the path so far as a linked list (factor, rest), so extending a
    # path costs O(1) however long it is.
    stack: list[tuple[Value, _Link]] = [(root, None)]
    while stack:
        node, link = stack.pop()
        if node is wrt:
            factors: list[Factor] = []
            while link is not None:
                factors.append(link[0])
                link = link[1]
            factors.reverse()
            found.append(ChainPath(tuple(factors), math.prod(f.value for f in factors)))
            continue
        for factor in reversed(down[node]):
            stack.append((order[factor.parent_id], (factor, link)))
    return tuple(found)


def _count_text(n: int) -> str:
    if n < 10**12:
        return str(n)
    return f"about 10^{int(n.bit_length() * math.log10(2))}"
