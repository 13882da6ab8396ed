"""A small SVG line chart (a training-loss curve) with no plotting library."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence


def line_chart(
    values: Sequence[float], x_label: str, y_label: str, width: int = 640, height: int = 320
) -> str:
    """An SVG polyline of ``values`` against 1..n, with the first and last values marked.

    >>> svg = line_chart([1.0, 0.5, 0.25], "epoch", "loss")
    >>> svg.startswith("<svg") and svg.count("<polyline") == 1
    True
    """
    if not values or not all(math.isfinite(v) for v in values):
        raise ValueError("line_chart: needs at least one finite value")
    left, right, top, bottom = 60, 20, 20, 40
    w, h = width - left - right, height - top - bottom
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0
    n = len(values)

    def x(i: int) -> float:
        return left + (w * i / (n - 1) if n > 1 else w / 2)

    def y(v: float) -> float:
        return top + h * (1 - (v - lo) / span)

    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    e = html.escape
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">'
        f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#999"/>'
        f'<polyline points="{points}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>'
        f'<text x="{left}" y="{height - 12}">1</text>'
        f'<text x="{left + w}" y="{height - 12}" text-anchor="end">{n}</text>'
        f'<text x="{left + w / 2}" y="{height - 12}" text-anchor="middle">{e(x_label)}</text>'
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end">{hi:.4g}</text>'
        f'<text x="{left - 6}" y="{top + h}" text-anchor="end">{lo:.4g}</text>'
        f'<text x="14" y="{top + h / 2}" transform="rotate(-90 14 {top + h / 2})" '
        f'text-anchor="middle">{e(y_label)}</text>'
        "</svg>"
    )
