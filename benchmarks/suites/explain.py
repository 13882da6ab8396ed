"""explain: ``viz.explain(..., method="deltas")`` on graphs with many edges, at two sizes.

Two shapes, each with n edges into one input x: ``Value.sum([x] * n)`` (one node with n
inputs) and Python's ``sum([x] * n)`` (a chain of n additions). The responsibilities are one
pass over the graph, so the time per edge should not grow with n: the ratio of the per-edge
times at the two sizes is reported (about 1 when linear; 2 would mean quadratic).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd import Value

from ..config import Config
from ..peers import Peer
from ..timing import clock, gc_mode, median
from . import Log

SHAPES: tuple[tuple[str, str, Callable[[Value, int], Value]], ...] = (
    ("fan_in", "Value.sum([x] * n): one node with n inputs", lambda x, n: Value.sum([x] * n)),
    ("chain", "sum([x] * n): n additions in a chain", lambda x, n: sum([x] * n, Value(0.0))),
)


def _once(build: Callable[[Value, int], Value], n: int) -> dict[str, Any]:
    from viz import explain

    x = Value(0.5, label="x")
    y = build(x, n)
    start = clock()
    explanation = explain(y, x, method="deltas")
    explained = clock()
    text = str(explanation)
    done = clock()
    return {
        "explain_s": explained - start,
        "text_s": done - explained,
        "total_s": done - start,
        # the δ sum is the gradient bit for bit, and every edge is a term of δ_x
        "correct": explanation.total == explanation.gradient == float(n)
        and len(explanation.deltas[-1].terms) == n
        and text.count("\n") >= 2,
    }


def run(config: Config, peers: dict[str, Peer], log: Log) -> dict[str, Any]:
    small, large = config.explain_sizes
    shapes: dict[str, Any] = {}
    for key, label, build in SHAPES:
        sizes = []
        for n in (small, large):
            with gc_mode(True):
                runs = [_once(build, n) for _ in range(config.explain_repeats)]
            total = median([r["total_s"] for r in runs])
            sizes.append(
                {
                    "edges": n,
                    "explain_s": median([r["explain_s"] for r in runs]),
                    "text_s": median([r["text_s"] for r in runs]),
                    "total_s": total,
                    "us_per_edge": total / n * 1e6,
                    "repeats": config.explain_repeats,
                    "correct": all(r["correct"] for r in runs),
                }
            )
        ratio = sizes[1]["us_per_edge"] / sizes[0]["us_per_edge"]
        shapes[key] = {"label": label, "sizes": sizes, "per_edge_ratio": ratio}
        log(
            f"  {key}: {sizes[0]['us_per_edge']:.1f} µs/edge at {small:,} edges, "
            f"{sizes[1]['us_per_edge']:.1f} at {large:,}: ratio {ratio:.2f}"
        )
    return {
        "shapes": shapes,
        "same_work": {
            "ok": all(s["correct"] for shape in shapes.values() for s in shape["sizes"]),
            "compared": sorted(shapes),
            "tolerance": 0.0,
            "note": "δ of x equals autograd.grad bit for bit (n), with one term per edge",
        },
    }
