"""The DOT that ``draw`` builds: numbering, styles per kind of node, options and limits.

These tests need no Graphviz engine: they read ``draw(...).source``.
"""

from __future__ import annotations

import re
import time

import graphviz
import pytest
from hypothesis import given, settings

import viz
from autograd import Value, topological_order

from .dags import Graph, graphs


def attributes(source: str, node_id: str) -> str:
    """The attribute list of one node statement of the DOT source."""
    match = re.search(rf"^\s*{node_id} \[(.*)\]$", source, re.MULTILINE)
    assert match, f"no node {node_id} in the source"
    return match.group(1)


def edge_lines(source: str) -> list[str]:
    return [line for line in source.splitlines() if " -> " in line]


def example() -> tuple[Value, Value, Value]:
    x = Value(0.5, label="x")  # an input
    w = Value(-2.0, label="w")  # a parameter
    y = (w * x + 3).tanh()  # 3 is a constant
    y.label = "y"
    return y, x, w


def test_draw_returns_a_digraph_that_displays_in_jupyter() -> None:
    y, _, _ = example()
    graph = viz.draw(y)
    assert isinstance(graph, graphviz.Digraph)
    assert callable(getattr(graph, "_repr_mimebundle_", None))


def test_nodes_are_numbered_by_topological_order_and_edges_go_parent_to_child() -> None:
    y, _, _ = example()
    order = topological_order(y)
    source = viz.draw(y).source
    ids = {node: f"n{i}" for i, node in enumerate(order)}
    expected = [(ids[p], ids[c]) for c in order for p in c.parents]
    found = [tuple(re.findall(r"n\d+", line.split(" [")[0])) for line in edge_lines(source)]
    assert found == expected
    assert "0x" not in source  # no id()s or reprs


def test_each_kind_of_node_has_its_own_look() -> None:
    y, x, w = example()
    order = topological_order(y)
    source = viz.draw(y, inputs=[x]).source
    constant = next(n for n in order if n.is_leaf and not n.label)
    mul = next(n for n in order if n.op == "mul")
    look = {
        kind: attributes(source, f"n{order.index(node)}")
        for kind, node in [
            ("output", y),
            ("input", x),
            ("parameter", w),
            ("constant", constant),
            ("intermediate", mul),
        ]
    }
    fills = {kind: re.findall(r'fillcolor="([^"]+)"', a)[0] for kind, a in look.items()}
    assert len(set(fills.values())) == 5, fills
    assert "peripheries=2" in look["output"]
    assert "dashed" in look["constant"] and "fontsize=9" in look["constant"]
    assert "rounded" in look["intermediate"] and "rounded" not in look["parameter"]
    # without inputs=..., a labelled leaf is a parameter
    assert fills["parameter"] in attributes(viz.draw(y).source, f"n{order.index(x)}")


def test_the_legend_is_documented_where_it_is_drawn() -> None:
    doc = viz.draw.__doc__ or ""
    words = ("Legend", "output", "intermediate", "parameters", "inputs", "constants", "highlight")
    for word in words:
        assert word in doc


def test_numbers_follow_fmt_a_spec_or_a_callable() -> None:
    y, _, _ = example()
    y.backward()
    source = viz.draw(y, fmt=".3f").source
    assert ">0.964<" in source and ">0.500<" in source and ">-2.000<" in source  # y, x, w
    assert not re.search(r">-?\d+\.\d{4}<", source)  # no number with the default 4 decimals
    assert ">[2.00]<" in viz.draw(y, fmt=lambda v: f"[{v:.2f}]").source  # w*x + 3
    with pytest.raises(TypeError, match="must return a str"):
        viz.draw(y, fmt=lambda v: v)  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError, match="not a format spec"):
        viz.draw(y, fmt=".3q")


def test_formulas_go_on_labels_only_on_request() -> None:
    y, _, _ = example()
    add = "u2"  # w * x is u1, then + 3 is u2: unlabelled results are numbered in graph order
    plain, with_formulas = viz.draw(y).source, viz.draw(y, formulas=True).source
    assert "label=<1 − y² = " in with_formulas  # d tanh/dx read as 1 − y², y the output
    assert "label=<1 − y²" not in plain
    assert f'tooltip="∂y/∂{add} = 1 − y² = ' in plain  # the formula is still a tooltip


def test_rankdir() -> None:
    y, _, _ = example()
    assert "rankdir=TB" in viz.draw(y, rankdir="TB").source
    assert "rankdir=LR" in viz.draw(y).source
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw(y, rankdir="sideways")


def test_highlight_colours_exactly_the_chain_from_the_node_to_the_output() -> None:
    a = Value(1.0, label="a")
    b = Value(2.0, label="b")
    u = a * b
    v = b.tanh()
    out = u + v
    order = topological_order(out)
    source = viz.draw(out, highlight=a).source
    red = {line.split(" [")[0].strip() for line in edge_lines(source) if "#d62728" in line}
    i = {node: order.index(node) for node in order}
    assert red == {f"n{i[a]} -> n{i[u]}", f"n{i[u]} -> n{i[out]}"}
    assert "#d62728" in attributes(source, f"n{i[a]}")
    assert "#d62728" not in attributes(source, f"n{i[b]}")
    with pytest.raises(ValueError, match="not a node of the graph"):
        viz.draw(out, highlight=Value(1.0))


def test_too_many_nodes_is_a_clear_error_not_a_hang() -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(300):
        y = y * 1.0001  # two nodes per step: the product and the constant
    n = len(topological_order(y))
    with pytest.raises(ValueError, match=rf"has {n} nodes, more than max_nodes=500.*max_nodes={n}"):
        viz.draw(y)
    assert len(edge_lines(viz.draw(y, max_nodes=n).source)) == 600
    assert len(edge_lines(viz.draw(y, max_nodes=None).source)) == 600


def test_a_huge_graph_fails_fast() -> None:
    y = Value(1.0, label="x")
    for _ in range(100_000):
        y = y + 1.0
    start = time.perf_counter()
    with pytest.raises(ValueError, match="200001 nodes"):
        viz.draw(y)
    assert time.perf_counter() - start < 10.0


def test_two_identical_graphs_give_identical_dot() -> None:
    assert viz.draw(example()[0]).source == viz.draw(example()[0]).source


@settings(max_examples=60)
@given(graph=graphs())
def test_random_graphs_have_one_node_per_value_and_one_edge_per_input(graph: Graph) -> None:
    order = topological_order(graph.root)
    source = viz.draw(graph.root).source
    assert len(re.findall(r"^\s*n\d+ \[label=<<TABLE", source, re.MULTILINE)) == len(order)
    assert len(edge_lines(source)) == sum(len(node.parents) for node in order)


def test_root_must_be_a_value() -> None:
    with pytest.raises(TypeError, match="root must be a Value"):
        viz.draw(3.0)  # type: ignore[arg-type]


def test_frozen_parameters_have_their_own_look_and_the_legend_names_it() -> None:
    y, x, w = example()
    order = topological_order(y)
    source = viz.draw(y, inputs=[x], frozen=[w]).source
    frozen, trained = (
        attributes(source, f"n{order.index(w)}"),
        attributes(viz.draw(y).source, f"n{order.index(w)}"),
    )
    fill = re.findall(r'fillcolor="([^"]+)"', frozen)[0]
    assert fill not in re.findall(r'fillcolor="([^"]+)"', source.replace(frozen, ""))  # no other node's
    assert (
        "dashed" in frozen and "dashed" not in trained and ">frozen<" in frozen and ">frozen<" not in trained
    )
    assert "frozen" in re.search(r'tooltip="([^"]*)"', frozen).group(1)  # type: ignore[union-attr]
    legend = (viz.draw.__doc__ or "").partition("Legend:")[2].partition("\n\n")[0]
    assert "frozen" in legend
    with pytest.raises(ValueError, match="not a leaf"):
        viz.draw(y, frozen=[y])


def test_a_number_longer_than_its_box_allows_is_shortened_there_and_whole_in_the_tooltip() -> None:
    w = Value(0.000438568, label="w")
    y = w * 123456789.123
    y.label = "y"
    source = viz.draw(y, fmt=".9f").source
    cells = re.findall(r'<TD ALIGN="RIGHT">([^<]*)</TD>', source)
    assert cells and all(len(c) <= viz.numbers.BOX_CHARS for c in cells), cells
    assert ">4.38568e-4<" in source and ">54144.1971<" in source and "<B>123456789</B>" in source
    assert "data 54144.197092096" in source  # the tooltip has every digit


def test_a_node_shows_what_it_computes_in_the_graphs_names() -> None:
    values = zip((0.15, 0.2, 0.05, 0.1, 0.35), ("w1", "w2", "i1", "i2", "b1"))
    w1, w2, i1, i2, b1 = (Value(v, label=n) for v, n in values)
    z = Value.linear([w1, w2], [i1, i2], b1)
    z.label = "z_h1"
    a = z.sigmoid()
    a.label = "a_h1"
    source = viz.draw(a, inputs=[i1, i2]).source
    assert ">w1·i1 + w2·i2 + b1<" in source and ">σ(z_h1)<" in source  # the labels
    assert "z_h1 = w1·i1 + w2·i2 + b1" in source  # and the tooltip
    forward = [step.text for step in viz.replay(a, inputs=[i1, i2]).steps if step.text.startswith("z_h1 =")]
    assert forward and forward[0].startswith("z_h1 = w1·i1 + w2·i2 + b1 = 0.3775")
