"""Inline display of Values in Jupyter: registered with the engine when ``viz`` is imported."""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value, topological_order

from .dot import count_edges, to_svg
from .engine import EngineError

DISPLAY_MAX_NODES = 150
"""Graphs with more nodes show as plain text in Jupyter; use ``viz.draw(v, max_nodes=...)``."""
DISPLAY_MAX_EDGES = 450
"""Graphs with more edges show as plain text in Jupyter, however few their nodes (``Value.sum``
of one Value 20,000 times is 2 nodes and 20,000 edges, which Graphviz takes minutes to lay
out); use ``viz.draw(v, max_edges=...)``."""


def display_svg(value: Value | Sequence[Value]) -> str | None:
    """SVG of ``value``'s graph for Jupyter, or None when it is too large (more than
    ``DISPLAY_MAX_NODES`` nodes or ``DISPLAY_MAX_EDGES`` edges) or nothing can draw it (no
    engine, or any ``EngineError``): Jupyter then shows the text form.

    >>> from autograd import Value
    >>> display_svg(Value(2.0, label="x").tanh()).startswith("<?xml")
    True
    """
    roots = [value] if isinstance(value, Value) else list(value)
    if not roots:
        return None
    order = topological_order(*roots)
    if len(order) > DISPLAY_MAX_NODES or count_edges(order) > DISPLAY_MAX_EDGES:
        return None
    try:
        return to_svg(roots, max_nodes=None, max_edges=None)
    except EngineError:  # no engine, or it failed or wrote no SVG: Jupyter shows the text
        return None
