"""A Value displays its graph inline in Jupyter, within a size limit."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from autograd import Value
from autograd.display import set_renderer
from viz import DISPLAY_MAX_NODES, display_svg


def test_a_value_offers_its_graph_as_svg() -> None:
    x = Value(2.0, label="x")
    y = (x * 3).tanh()
    y.label = "y"
    bundle = y._repr_mimebundle_()
    assert bundle["text/plain"] == repr(y)
    root = ET.fromstring(bundle["image/svg+xml"].encode())
    assert root.tag.endswith("svg")
    texts = "".join(root.itertext())
    assert "x" in texts and "y" in texts and "tanh" in texts


def test_large_graphs_show_as_text() -> None:
    y = Value(1.0)
    for _ in range(DISPLAY_MAX_NODES):
        y = -y
    assert display_svg(y) is None
    assert set(y._repr_mimebundle_()) == {"text/plain"}


def test_without_a_renderer_values_show_as_text() -> None:
    try:
        set_renderer(lambda v: None)
        assert set(Value(1.0)._repr_mimebundle_()) == {"text/plain"}
    finally:
        set_renderer(display_svg)


def test_a_layers_outputs_show_one_graph_with_every_output() -> None:
    from nn import MLP

    outputs = MLP(2, [3, 2], seed=0)([0.5, -1.0])
    bundle = outputs._repr_mimebundle_()  # type: ignore[union-attr]
    assert bundle["text/plain"] == repr(list(outputs))
    svg = bundle["image/svg+xml"]
    root = ET.fromstring(svg.encode())
    assert root.tag.endswith("svg")
    assert svg.count("#c7e9c0") == 2  # both outputs drawn in the output colour
    from viz import draw

    source = draw(list(outputs)).source
    assert source.count("peripheries=2") == 2  # the two outputs are marked as outputs
