"""Rendered pictures, with each engine: what a reader sees is what the graph holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import viz
from autograd import Value, topological_order
from examples.neuron_picture import neuron  # the README's picture
from viz.naming import node_names, printable

from .conftest import pure_dot, system_dot
from .dags import Graph, graphs
from .svg import parse, squash


def number(x: float, fmt: str) -> str:
    """``format(x, fmt)``, but zero is never written "-0.0000" (viz drops that minus)."""
    text = format(x, fmt)
    return text.lstrip("-") if float(text) == 0.0 else text


def check_picture(root: Value, svg: str, fmt: str = ".4f") -> None:
    """Every node's name, data and grad, and every edge's local derivative, are in the SVG."""
    order = topological_order(root)
    names = node_names(order)
    nodes, edges = parse(svg)
    assert sorted(nodes) == sorted(f"n{i}" for i in range(len(order)))
    assert len(edges) == sum(len(node.parents) for node in order)
    for i, node in enumerate(order):
        texts = [squash(t) for t in nodes[f"n{i}"].texts]
        assert number(node.data, fmt) in texts, (i, texts)
        assert number(node.grad, fmt) in texts, (i, texts)
        if node.label or node.parents:
            assert squash(names[node]) in texts
    k = 0
    for child in order:
        for local in child.local_grads:
            assert number(local, fmt) in edges[f"e{k}"].texts
            k += 1


def test_the_neuron_shows_every_value_gradient_and_local_derivative(dot: str) -> None:
    loss, _, _ = neuron()
    check_picture(loss, viz.to_svg(loss, dot=dot, fmt=".4f"), ".4f")


def test_edge_tooltips_hold_the_formula_with_the_graphs_names(dot: str) -> None:
    loss, _, _ = neuron()
    _, edges = parse(viz.to_svg(loss, dot=dot))
    tips = {tip for edge in edges.values() for tip in edge.tooltips}
    assert "∂z_h1/∂w1 = i1 = 0.0500" in tips
    assert "∂a_h1/∂z_h1 = a_h1·(1 − a_h1) = 0.2413" in tips  # the textbook reading


def test_formulas_on_request_appear_on_the_edge_labels(dot: str) -> None:
    loss, _, _ = neuron()
    _, edges = parse(viz.to_svg(loss, dot=dot, formulas=True))
    texts = {squash(t) for edge in edges.values() for t in edge.texts}
    assert "a_h1·(1 − a_h1) = 0.2413" in texts
    _, plain = parse(viz.to_svg(loss, dot=dot))
    assert not any("sigmoid" in t for edge in plain.values() for t in edge.texts)


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_both_directions_render(dot: str, rankdir: str) -> None:
    loss, _, _ = neuron()
    check_picture(loss, viz.to_svg(loss, dot=dot, rankdir=rankdir, fmt=".4f"))


NASTY = '<b>&"x"</b>'


def test_markup_in_a_label_is_shown_literally_never_interpreted(dot: str) -> None:
    x = Value(1.5, label=NASTY)
    y = (x * 2).tanh()
    y.label = "&amp; \\N ]]> <!-- '"
    svg = viz.to_svg(y, dot=dot)
    nodes, edges = parse(svg)  # well-formed XML despite the label
    texts = [t for node in nodes.values() for t in node.texts]
    assert NASTY in texts
    assert squash("&amp; \\N ]]> <!-- '") in [squash(t) for t in texts]
    assert "<b>" not in svg and "<!-- '" not in svg  # escaped, never raw markup
    tips = [tip for item in [*nodes.values(), *edges.values()] for tip in item.tooltips]
    assert f"{NASTY}: parameter" in tips
    name = "&amp; \\N ]]> <!-- '"
    # \N is not the node's name; the formula is written with the graph's names
    assert f"{name}: output, tanh: tanh(x); {name} = tanh(u1)" in tips
    assert f"u1: intermediate, mul: a * b; u1 = ({NASTY}) · 2.0000" in tips
    assert any(tip.startswith("∂(&amp; \\N ]]> <!-- ')/∂") for tip in tips)  # parenthesised inside ∂


@settings(max_examples=40)
@given(label=st.text(min_size=1, max_size=12))
@example(label="\\N \\G \\E \\L \\l \\n \\\\ \\")  # Graphviz's escapes, written literally
@example(label="<b>&amp;</b> ]]> <!-- \"q\" 'a'")  # markup, entities, quotes
@example(label="tab\tnew\nline\x00\x1b")  # control characters
def test_any_label_round_trips_through_both_engines(label: str) -> None:
    shown = printable(label)  # control characters are shown as escapes such as \\n
    y = Value(0.5, label=label).tanh()
    for dot in _available(system_dot, pure_dot):
        nodes, _ = parse(viz.to_svg(y, dot=dot))
        if squash(shown):
            assert squash(shown) in [squash(t) for t in nodes["n0"].texts]
        assert [squash(t) for t in nodes["n0"].tooltips] == [squash(f"{shown}: parameter")]


def _available(*finders: Callable[[], str]) -> list[str]:
    """The engines that are installed (a missing one skips only when that is allowed)."""
    found = []
    for finder in finders:
        try:
            found.append(finder())
        except pytest.skip.Exception:
            continue
    assert found, "no Graphviz engine at all: install graphviz-pure"
    return found


def test_same_graph_same_bytes_even_when_built_twice(dot: str) -> None:
    first, _, _ = neuron()
    second, _, _ = neuron()
    svg = viz.to_svg(first, dot=dot)
    assert viz.to_svg(first, dot=dot) == svg
    assert viz.to_svg(second, dot=dot) == svg


@settings(max_examples=25)
@given(graph=graphs())
def test_random_graphs_show_every_node_and_edge(graph: Graph) -> None:
    graph.root.backward()
    for dot in _available(system_dot, pure_dot):
        check_picture(graph.root, viz.to_svg(graph.root, dot=dot, fmt=".5f"), ".5f")


def test_highlight_marks_the_chain_from_the_node_to_the_output(dot: str) -> None:
    loss, w1, _ = neuron()
    source = viz.draw(loss, highlight=w1).source
    svg = viz.to_svg(loss, dot=dot, highlight=w1)
    nodes, _ = parse(svg)
    assert len(nodes) == len(topological_order(loss))
    red_edges = [line for line in source.splitlines() if "->" in line and "#d62728" in line]
    # w1 -> z_h1 -> a_h1 -> e -> e² -> E: five edges on the chain
    assert len(red_edges) == 5


def test_render_writes_svg_png_and_dot(dot: str, tmp_path: Path) -> None:
    loss, _, _ = neuron()
    svg = viz.render(loss, tmp_path / "g.svg", dot=dot, fmt=".4f")
    png = viz.render(loss, tmp_path / "g.png", dot=dot)
    gv = viz.render(loss, tmp_path / "g.dot", dot="/no/engine/needed")
    assert svg == tmp_path / "g.svg"
    check_picture(loss, svg.read_text(encoding="utf-8"))
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert gv.read_text(encoding="utf-8") == viz.draw(loss).source
    with pytest.raises(ValueError, match="no suffix"):
        viz.render(loss, tmp_path / "graph", dot=dot)
