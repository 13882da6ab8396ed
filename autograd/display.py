"""How a ``Value`` shows itself in Jupyter: its graph as SVG, drawn by whichever package
registered a renderer (``viz`` does, on import). The engine itself draws nothing."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

Renderer = Callable[[Any], "str | None"]
_renderer: Renderer | None = None


def set_renderer(renderer: Renderer | None) -> None:
    """Register ``renderer(value) -> SVG text or None`` for Jupyter display (None turns it off)."""
    global _renderer
    _renderer = renderer


def svg_for_display(value: Any) -> str | None:
    """The registered renderer's SVG for ``value``, or None (no renderer, graph too large, or
    no Graphviz engine): then Jupyter shows the plain ``repr``."""
    if _renderer is None:
        try:
            importlib.import_module("viz")  # registers itself when it is installed
        except ImportError:
            return None
    if _renderer is None:
        return None
    return _renderer(value)
