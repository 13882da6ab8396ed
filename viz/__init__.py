"""chainrule's pictures and explanations: graphs with values, gradients and local derivatives.

>>> from autograd import Value
>>> from viz import draw, explain
>>> w = Value(0.4, label="w"); x = Value(2.0, label="x"); y = (w * x).tanh(); y.label = "y"
>>> draw(y).source.count(" -> ")
3
>>> explain(y, w).matches
True
"""

from nn._engine_check import require_chainrule_autograd

require_chainrule_autograd("viz")

from autograd.display import set_renderer

from .check import check
from .dot import draw, render, to_svg
from .engine import Engine, EngineError, EngineNotFoundError, find_engine
from .explain import ChainPath, Delta, Explanation, Factor, Tangent, explain
from .jupyter import DISPLAY_MAX_EDGES, DISPLAY_MAX_NODES, display_svg
from .replay import Replay, replay

set_renderer(display_svg)

__all__ = [
    "DISPLAY_MAX_EDGES",
    "DISPLAY_MAX_NODES",
    "ChainPath",
    "Delta",
    "Engine",
    "EngineError",
    "EngineNotFoundError",
    "Explanation",
    "Factor",
    "Replay",
    "Tangent",
    "check",
    "display_svg",
    "draw",
    "explain",
    "find_engine",
    "render",
    "replay",
    "to_svg",
]
