"""Pictures of a computation graph: every node's value and gradient, every edge's local
derivative d(child)/d(parent).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape as _html_escape
from pathlib import Path
from typing import ClassVar

import graphviz  # type: ignore[import-untyped]

from autograd import Value, topological_order

from .engine import EngineError, check_format, run_dot, use_for_graphviz
from .groups import Group, find_groups
from .naming import (
    derivative,
    named_formulas,
    named_forward,
    node_kind,
    node_names,
    printable,
    readable,
    substitute,
    with_value,
)
from .numbers import Format, fit, number_formatter

MAX_NODES = 500
"""Default ``max_nodes`` of ``draw``: a graph with more nodes is an error, not a picture."""
MAX_EDGES = 1500
"""Default ``max_edges`` of ``draw``: edges cost Graphviz more than nodes (each has a label to
place), and a few nodes can have thousands of them (``Value.sum([x] * 20000)``)."""
MAX_LABEL = 48
"""Longest text (a name, a number, an op, a formula) a picture prints; longer ones are cut with
"…" and shown whole in the tooltip. It also keeps every label far below the 16 KiB that
Graphviz 2.43 accepts in one HTML-like label."""
MAX_TOOLTIP = 2000
"""Longest tooltip; a tooltip is a quoted string, which Graphviz 2.43 limits to 16 KiB too."""
RANKDIRS = ("LR", "TB")

# kind: (node attributes, fill); the legend in ``draw``'s docstring describes these.
_STYLES: dict[str, dict[str, str]] = {
    "output": {"style": "rounded,filled,bold", "fillcolor": "#c7e9c0", "peripheries": "2"},
    "intermediate": {"style": "rounded,filled", "fillcolor": "#ffffff"},
    "parameter": {"style": "filled", "fillcolor": "#c6dbef"},
    "input": {"style": "filled", "fillcolor": "#fdd0a2"},
    "frozen": {"style": "filled,dashed", "fillcolor": "#e0e0e0", "color": "#777777", "fontcolor": "#555555"},
    "constant": {
        "style": "filled,dashed",
        "fillcolor": "#f0f0f0",
        "color": "#888888",
        "fontsize": "9",
        "margin": "0.04,0.02",
    },
}
_HIGHLIGHT = "#d62728"


def draw(
    root: Value | Sequence[Value],
    *,
    rankdir: str = "LR",
    format: str = "svg",
    fmt: Format = None,
    formulas: bool = False,
    highlight: Value | None = None,
    inputs: Iterable[Value] = (),
    max_nodes: int | None = MAX_NODES,
    group: bool = False,
    max_edges: int | None = MAX_EDGES,
    frozen: Iterable[Value] = (),
) -> Picture:
    """The graph behind ``root`` (a Value, or a list of them, such as a layer's outputs) as a
    ``graphviz.Digraph`` (it displays inline in Jupyter).

    Each node shows its name (the label; unlabelled: ``u1``, ``u2``, ...; constants ``c1``, ...), its op,
    ``data`` and ``grad``. Each edge runs from a parent to the node computed from it and is
    labelled with the local derivative d(child)/d(parent); hover over it for the formula, or pass
    ``formulas=True`` to print the formula on the label too.

    Legend:
        * green, rounded, double border: the output (``root``)
        * white, rounded: intermediate nodes (results of ops)
        * blue, square corners: parameters (labelled leaves)
        * orange, square corners: inputs (the leaves passed in ``inputs``)
        * grey, dashed, "frozen" under the name: frozen parameters (the leaves passed in
          ``frozen``, such as those a ``Module.freeze`` leaves out of ``parameters()``: no
          optimizer updates them)
        * small, grey, dashed: constants (unlabelled leaves, such as the 2 of ``2 * x``),
          with thin grey edges
        * red borders and edges: the chain from ``highlight`` to the output

    The graph renders as ``format`` (SVG by default: ``draw(y).render("gout")`` writes
    ``gout.svg`` with any engine); a format the engine cannot render is a ValueError naming the
    ones it can.

    ``group=True`` draws a squared-error or cross-entropy loss as ONE node with its textbook
    derivatives (o − t; softmax − y) on its edges, as ``explain(..., group=True)`` writes it.

    ``rankdir`` is "LR" (left to right) or "TB" (top to bottom); ``fmt`` writes the numbers
    (a format spec such as ".4f", a callable, or None for 4 decimals); a number longer than
    ``viz.numbers.BOX_CHARS`` characters is written shorter in its box (``viz.numbers.fit``),
    and whole in the tooltip. Nodes are numbered by
    topological order, so the same graph always gives the same DOT. A graph of more than
    ``max_nodes`` nodes or ``max_edges`` edges raises ``ValueError``, before any layout (pass
    None for no limit). A Graphviz program that does not answer within the time limit
    (``viz.engine.get_timeout()``) is an ``EngineError``.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x"); y = (x * 3).tanh(); y.label = "y"
    >>> g = draw(y)
    >>> g.source.count(" -> "), g.source.count("[label=<<TABLE")  # edges, nodes
    (3, 4)
    """
    return _picture(
        root,
        rankdir=rankdir,
        format=format,
        fmt=fmt,
        formulas=formulas,
        highlight=highlight,
        inputs=inputs,
        max_nodes=max_nodes,
        group=group,
        max_edges=max_edges,
        frozen=frozen,
    )


def _picture(
    root: Value | Sequence[Value],
    *,
    rankdir: str = "LR",
    format: str = "svg",
    fmt: Format = None,
    formulas: bool = False,
    highlight: Value | None = None,
    inputs: Iterable[Value] = (),
    max_nodes: int | None = MAX_NODES,
    group: bool = False,
    max_edges: int | None = MAX_EDGES,
    frozen: Iterable[Value] = (),
    widest: Mapping[Value, str] | None = None,
) -> Picture:
    """``draw``; ``widest`` gives a node's boxes room for a longer number than it shows (a
    replay fills in later values)."""
    roots = (root,) if isinstance(root, Value) else tuple(root) if isinstance(root, (list, tuple)) else ()
    if not roots or not all(isinstance(r, Value) for r in roots):
        raise TypeError(f"draw: root must be a Value or a non-empty list of Values, got {root!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw: rankdir must be 'LR' or 'TB', got {rankdir!r}")
    outputs = set(roots)
    order = topological_order(*roots)
    _check_size(order, max_nodes, max_edges)
    number = number_formatter(fmt, 4)
    names = node_names(order)
    ids, edge_ids = element_ids(order)
    inputs = set(inputs)
    frozen = set(frozen)
    for node in order:
        if node in frozen and not node.is_leaf:
            raise ValueError(
                f"draw: frozen={node!r} is the result of an op, not a leaf; only parameters (leaves) "
                "can be frozen"
            )
    chain = _chain(order, highlight) if highlight is not None else set()
    groups = find_groups(order) if group else {}
    hidden = {node for g in groups.values() for node in g.interior} - {highlight}
    if highlight is not None and any(highlight in g.interior for g in groups.values()):
        groups, hidden = {}, set()  # the highlighted node is inside a group: draw it all

    check_format(format)
    graph = Picture(
        "chainrule",
        format=format,
        graph_attr={"rankdir": rankdir, "ordering": "in", "nodesep": "0.3", "ranksep": "0.45"},
        node_attr={"shape": "box", "fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10", "arrowsize": "0.7"},
    )
    for node in order:
        if node in hidden:
            continue
        kind = node_kind(node, outputs, inputs)
        is_frozen = node in frozen and kind != "output"
        attrs = dict(_STYLES["frozen" if is_frozen else kind])
        if node in chain:
            attrs.update(color=_HIGHLIGHT, penwidth="2.5")
        grouped = groups.get(node)
        op = grouped.described(names, number) if grouped is not None else None
        tip = f"{names[node]}: {op or _describe(node, kind)}"
        if op is None and node.rule is not None:
            op = named_forward(node, names, number)  # w1·i1 + w2·i2 + b1, not w1*x1 + ... + b
            tip += f"; {names[node]} = {op}"
        if is_frozen:
            tip += " (frozen: no optimizer updates it)"
        data, grad = number(node.data), number(node.grad)
        if any(len(printable(text)) > MAX_LABEL for text in (names[node], op or "", data, grad)) or (
            fit(data, node.data) != data or fit(grad, node.grad) != grad
        ):
            tip += f"; data {data}, grad {grad}"  # the label shows them shortened
        room = (widest or {}).get(node)
        graph.node(
            ids[node],
            label=_node_label(node, kind, names[node], number, op, is_frozen, room),
            tooltip=_tooltip(tip),
            id=ids[node],
            **attrs,
        )
    for node in order:
        if node in hidden:
            continue
        for parent, local, formula, edge_id in _edges(node, groups.get(node), names, number, ids, edge_ids):
            value = number(local)
            text = with_value(formula, value, local)
            tip = _tooltip(f"{derivative(names[node], names[parent])} = {text}")
            attrs = {"tooltip": tip, "labeltooltip": tip}
            small = node_kind(parent, outputs, inputs) == "constant"
            if small:
                attrs.update(color="#999999", fontcolor="#666666", fontsize="9")
            if parent in chain and node in chain:
                attrs.update(color=_HIGHLIGHT, fontcolor=_HIGHLIGHT, penwidth="2.5")
            label = _html(text) if formulas else _html(value)
            graph.edge(ids[parent], ids[node], label=f"<{label}>", id=edge_id, **attrs)
    use_for_graphviz()
    return graph


class Picture(graphviz.Digraph):  # type: ignore[misc]
    """What ``draw`` returns: a ``graphviz.Digraph`` whose Jupyter display is rendered by
    ``viz``'s engine and checked (``run_dot``); when the engine fails, the display is the
    error's text instead of a broken picture."""

    _FORMATS: ClassVar[dict[str, str]] = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpeg"}

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None, **_: object
    ) -> dict[str, str | bytes]:
        wanted = set(include) if include is not None else {self._jupyter_mimetype}
        wanted -= set(exclude or ())
        bundle: dict[str, str | bytes] = {}
        try:
            for mimetype in sorted(wanted & set(self._FORMATS)):
                data = run_dot(self.source, self._FORMATS[mimetype])
                bundle[mimetype] = data.decode("utf-8") if mimetype == "image/svg+xml" else data
        except EngineError as exc:
            return {"text/plain": f"{exc}\n(the DOT source is still there: .source)"}
        return bundle

    def pipe(self, format: str | None = None, encoding: str | None = None, **options: object) -> bytes | str:
        """The picture rendered by ``viz``'s engine (checked, as ``to_svg``): bytes, or text
        with an ``encoding``. Raises ``EngineError`` naming the program on any failure."""
        _refuse_options("pipe", options)
        check_format(format or self.format)  # never ask the engine for a format it lacks
        data = run_dot(self.source, format or self.format)
        return data.decode(encoding) if encoding else data

    def render(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        *,
        outfile: str | os.PathLike[str] | None = None,
        **options: object,
    ) -> str:
        """Write the DOT source to ``filename`` and the picture beside it (``render('gout')``
        writes ``gout`` and ``gout.svg``), as ``graphviz`` does, but rendered by ``viz``'s
        engine and checked: any failure raises ``EngineError`` and writes no picture. Returns
        the picture's path."""
        _refuse_options("render", options)
        kind = format or self.format
        if outfile is not None:
            picture = Path(outfile)
            kind = format or picture.suffix.lstrip(".") or kind
            source_path = picture.with_suffix(".gv")
        else:
            name = Path(filename) if filename is not None else Path(self.filename)
            source_path = Path(directory) / name if directory is not None else name
            picture = source_path.with_name(f"{source_path.name}.{kind}")
        check_format(kind)  # never ask the engine for a format it lacks
        data = run_dot(self.source, kind)  # before touching any file
        source_path.parent.mkdir(parents=True, exist_ok=True)
        source_path.write_text(self.source, encoding="utf-8")
        picture.write_bytes(data)
        if cleanup:
            source_path.unlink()
        if view:
            self._view(os.fspath(picture), format=kind, quiet=False)
        return os.fspath(picture)


def _refuse_options(method: str, options: dict[str, object]) -> None:
    options = {k: v for k, v in options.items() if k not in ("quiet", "quiet_view")}  # no-ops here
    if options:
        raise TypeError(
            f"draw(...).{method}: {', '.join(sorted(options))} not supported; viz renders with its "
            "own engine (set CHAINRULE_DOT to choose the program)"
        )


def to_svg(
    root: Value | Sequence[Value],
    *,
    rankdir: str = "LR",
    fmt: Format = None,
    formulas: bool = False,
    highlight: Value | None = None,
    inputs: Iterable[Value] = (),
    max_nodes: int | None = MAX_NODES,
    group: bool = False,
    dot: str | os.PathLike[str] | None = None,
    max_edges: int | None = MAX_EDGES,
    frozen: Iterable[Value] = (),
) -> str:
    """The picture of ``draw(root, ...)`` as SVG text, laid out by the program ``dot``
    (default: ``$CHAINRULE_DOT``, else ``dot`` on PATH, else graphviz-pure).

    >>> from autograd import Value
    >>> to_svg(Value(2.0, label="x") * 3).startswith("<?xml")
    True
    """
    graph = draw(
        root,
        rankdir=rankdir,
        fmt=fmt,
        formulas=formulas,
        highlight=highlight,
        inputs=inputs,
        max_nodes=max_nodes,
        group=group,
        max_edges=max_edges,
        frozen=frozen,
    )
    return run_dot(graph.source, "svg", dot).decode("utf-8")


def render(
    root: Value | Sequence[Value],
    path: str | os.PathLike[str],
    *,
    rankdir: str = "LR",
    fmt: Format = None,
    formulas: bool = False,
    highlight: Value | None = None,
    inputs: Iterable[Value] = (),
    max_nodes: int | None = MAX_NODES,
    group: bool = False,
    dot: str | os.PathLike[str] | None = None,
    max_edges: int | None = MAX_EDGES,
    frozen: Iterable[Value] = (),
) -> Path:
    """Write the picture of ``draw(root, ...)`` to ``path``; the suffix picks the format.

    ``.svg``, ``.png`` and the engine's other formats are rendered; ``.dot`` and ``.gv`` get
    the DOT source itself, which needs no engine. Returns the path.

    >>> import tempfile, pathlib
    >>> from autograd import Value
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> render(Value(2.0, label="x") * 3, folder / "graph.svg").read_text()[:5]
    '<?xml'
    """
    target = Path(path)
    kind = target.suffix.lower().lstrip(".")
    if not kind:
        raise ValueError(f"render: {os.fspath(path)!r} has no suffix; name it e.g. graph.svg")
    source = draw(
        root,
        rankdir=rankdir,
        fmt=fmt,
        formulas=formulas,
        highlight=highlight,
        inputs=inputs,
        max_nodes=max_nodes,
        group=group,
        max_edges=max_edges,
        frozen=frozen,
    ).source
    if kind in ("dot", "gv"):
        target.write_text(source, encoding="utf-8")
    else:
        check_format(kind, dot)
        target.write_bytes(run_dot(source, kind, dot))
    return target


def _edges(
    node: Value,
    group: Group | None,
    names: dict[Value, str],
    number: Callable[[float], str],
    ids: dict[Value, str],
    edge_ids: dict[tuple[Value, int], str],
) -> list[tuple[Value, float, str, str]]:
    """(parent, local derivative, its formula, element id) of each edge into ``node``:
    the recorded ones, or a group's collapsed ones."""
    if group is None:
        formulas = named_formulas(node, names, number) if node.parents else []
        return [
            (parent, local, formula, edge_ids[node, i])
            for i, (parent, local, formula) in enumerate(zip(node.parents, node.local_grads, formulas))
        ]
    arguments = group.arguments(names, number)
    return [
        (parent, local, substitute(readable(reading), arguments), f"{ids[node]}g{i}")
        for i, (parent, local, reading) in enumerate(zip(group.inputs, group.values, group.readings))
    ]


def element_ids(order: Sequence[Value]) -> tuple[dict[Value, str], dict[tuple[Value, int], str]]:
    """The ids the picture gives its elements: ``n<i>`` for the i-th node of ``order`` and
    ``e<k>`` for the k-th edge, keyed by (child, which parent); the SVG keeps them as the ids of
    its groups, so a page can find a node or an edge.

    >>> from autograd import Value, topological_order
    >>> x = Value(2.0); y = x * x
    >>> element_ids(topological_order(y))[1]
    {(Value(data=4.0, grad=0.0), 0): 'e0', (Value(data=4.0, grad=0.0), 1): 'e1'}
    """
    nodes = {node: f"n{i}" for i, node in enumerate(order)}
    edges = [(node, i) for node in order for i in range(len(node.parents))]
    return nodes, {edge: f"e{k}" for k, edge in enumerate(edges)}


def count_edges(order: Sequence[Value]) -> int:
    """How many edges a picture of ``order`` has: one per parent of each node (``x * x``
    has two).

    >>> from autograd import Value, topological_order
    >>> x = Value(2.0); count_edges(topological_order(Value.sum([x] * 3)))
    3
    """
    return sum(len(node.parents) for node in order)


def _check_size(order: list[Value], max_nodes: int | None, max_edges: int | None) -> None:
    for name, limit in (("max_nodes", max_nodes), ("max_edges", max_edges)):
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise ValueError(f"draw: {name} must be an int >= 0 or None (no limit), got {limit!r}")
    if max_nodes is not None and len(order) > max_nodes:
        raise ValueError(
            f"draw: the graph has {len(order)} nodes, more than max_nodes={max_nodes}; a picture "
            "that big is unreadable and slow to lay out. Draw a part of it (pass an intermediate "
            f"node as the root), or raise the limit: draw(root, max_nodes={len(order)}) "
            "(max_nodes=None for no limit)"
        )
    edges = count_edges(order) if max_edges is not None else 0
    if max_edges is not None and edges > max_edges:
        raise ValueError(
            f"draw: the graph has {edges} edges (between {len(order)} nodes), more than "
            f"max_edges={max_edges}; so many edges are unreadable, and Graphviz's layout time grows "
            "faster than their number (minutes for tens of thousands). Draw a part of it "
            f"(pass an intermediate node as the root), or raise the limit: draw(root, max_edges={edges}) "
            "(max_edges=None for no limit)"
        )


def _chain(order: list[Value], target: Value) -> set[Value]:
    """The nodes on some path from ``target`` up to the root: ``target`` and what uses it."""
    if target not in set(order):
        raise ValueError(f"draw: highlight={target!r} is not a node of the graph being drawn")
    chain = {target}
    for node in order:
        if any(parent in chain for parent in node.parents):
            chain.add(node)
    return chain


def _node_label(
    node: Value,
    kind: str,
    name: str,
    number: Callable[[float], str],
    op: str | None = None,
    frozen: bool = False,
    room: str | None = None,
) -> str:
    """The node's table: name, op, data and grad; ``room`` is the longest number its cells
    must have room for (a replay fills in others later), default the ones they show."""
    data, grad = (_html(fit(number(x), x)) for x in (node.data, node.grad))
    padding = 0 if kind == "constant" else 1
    width = f' WIDTH="{_points(room) + 2 * padding}"' if room else ""
    grad_row = f'<TR><TD ALIGN="LEFT">grad </TD><TD ALIGN="RIGHT"{width}>{grad}</TD></TR>'
    if kind == "constant":
        rows = [f'<TR><TD COLSPAN="2"{width}><B>{data}</B></TD></TR>', grad_row]
        return _table(rows, padding=padding)
    rows = [f'<TR><TD COLSPAN="2"><B>{_html(name)}</B></TD></TR>']
    if frozen:
        rows.append('<TR><TD COLSPAN="2"><FONT POINT-SIZE="9" COLOR="#555555">frozen</FONT></TD></TR>')
    if node.rule is not None:
        op_html = _html(op if op is not None else node.rule.describe(node.param))
        op_text = f'<FONT POINT-SIZE="9" COLOR="#555555">{op_html}</FONT>'
        rows.append(f'<TR><TD COLSPAN="2">{op_text}</TD></TR>')
    rows.append(f'<TR><TD ALIGN="LEFT">data </TD><TD ALIGN="RIGHT"{width}>{data}</TD></TR>')
    rows.append(grad_row)
    return _table(rows, padding=padding)


# Widths of Helvetica's characters in em (its metrics, which Graphviz uses too), for numbers.
_EM = {".": 0.278, "-": 0.333, "\u2212": 0.584, "+": 0.584, "\u00b7": 0.278, "e": 0.556}


def _points(text: str, size: float = 11.0) -> int:
    """How wide ``text`` (a number) is in points at ``size``, in Helvetica, rounded up."""
    return math.ceil(sum(_EM.get(c, 0.556) for c in text) * size)


def _table(rows: list[str], padding: int) -> str:
    return (
        f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{padding}">'
        + "".join(rows)
        + "</TABLE>>"
    )


def _describe(node: Value, kind: str) -> str:
    if node.rule is None:
        return kind
    return f"{kind}, {node.rule.name}: {node.rule.describe(node.param)}"


def shorten(text: str, limit: int = MAX_LABEL) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with an ellipsis.

    >>> shorten("x" * 100, 10)
    'xxxxxxxxx…'
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _html(text: str) -> str:
    """User text inside an HTML-like label: shortened to ``MAX_LABEL`` characters (the tooltip
    has it all), markup characters become entities.

    Graphviz still expands escapes such as ``\\N`` (the node's name) inside HTML-like labels,
    even when the backslash is written ``&#92;``, so each backslash is doubled.
    """
    text = _html_escape(shorten(printable(text)), quote=True).replace("&#x27;", "&#39;")
    if text.strip("]") == "" and text:  # Graphviz rejects a text of only "]" (<B>]</B>)
        text = text.replace("]", "&#93;")
    return text.replace("\\", "\\\\")


def _tooltip(text: str) -> str:
    """User text as an escString attribute (tooltips): literal, never markup or an escape.

    At most ``MAX_TOOLTIP`` characters (with its escapes, far below the 16 KiB that Graphviz
    2.43 accepts in one quoted string). Graphviz unescapes tooltips twice (``\\\\N`` would
    become the node's name), so each
    backslash is written four times; ``&`` would start an entity; ``nohtml`` keeps a text
    like ``<b>`` from being taken for an HTML-like string.
    """
    text = shorten(printable(text), MAX_TOOLTIP).replace("&", "&amp;").replace("\\", "\\\\\\\\")
    literal: str = graphviz.nohtml(text)
    return literal
