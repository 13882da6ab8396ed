"""Inline display of Values in Jupyter: registered with the engine when ``viz`` is imported."""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value, topological_order

from .dot import to_svg
from .engine import EngineError

DISPLAY_MAX_NODES = 150
"""Graphs larger than this show as plain text in Jupyter; use ``viz.draw(v, max_nodes=...)``."""


def display_svg(value: Value | Sequence[Value]) -> str | None:
    """SVG of ``value``'s graph for Jupyter, or None when it is too large or nothing can draw it
    (no engine, or any ``EngineError``: Jupyter then shows the text form).

    >>> from autograd import Value
    >>> display_svg(Value(2.0, label="x").tanh()).startswith("<?xml")
    True
    """
    roots = [value] if isinstance(value, Value) else list(value)
    if not roots or len(topological_order(*roots)) > DISPLAY_MAX_NODES:
        return None
    try:
        return to_svg(roots, max_nodes=None)
    except EngineError:  # no engine, or it failed or wrote no SVG: Jupyter shows the text
        return None
