"""wide: one sum of 100,000 products, forward + backward, on every engine that can."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from autograd import Value

from ..config import Config
from ..graphs import close, terms
from ..peers import Peer
from ..timing import clock, gc_mode, median
from . import Log

# An engine: (xs, ws) floats -> (leaf xs, leaf ws, function building the output from the leaves),
# plus how to read a leaf's data and gradient.
Build = Callable[
    [list[float], list[float]], tuple[list[Any], list[Any], Callable[[list[Any], list[Any]], Any]]
]


def _ours_sum(xs: list[float], ws: list[float]) -> tuple[list[Any], list[Any], Callable[..., Any]]:
    return (
        [Value(v) for v in xs],
        [Value(v) for v in ws],
        lambda X, W: Value.sum([x * w for x, w in zip(X, W)]),
    )


def _ours_dot(xs: list[float], ws: list[float]) -> tuple[list[Any], list[Any], Callable[..., Any]]:
    return [Value(v) for v in xs], [Value(v) for v in ws], lambda X, W: Value.dot(W, X)


def _micrograd_sum(xs: list[float], ws: list[float]) -> tuple[list[Any], list[Any], Callable[..., Any]]:
    from micrograd.engine import Value as MValue

    return [MValue(v) for v in xs], [MValue(v) for v in ws], lambda X, W: sum(x * w for x, w in zip(X, W))


def _torch_sum(xs: list[float], ws: list[float]) -> tuple[list[Any], list[Any], Callable[..., Any]]:
    import torch

    torch.set_num_threads(1)

    def leaf(v: float) -> Any:
        return torch.tensor(v, dtype=torch.float64, requires_grad=True)

    return [leaf(v) for v in xs], [leaf(v) for v in ws], lambda X, W: sum(x * w for x, w in zip(X, W))


ENGINES: tuple[tuple[str, str, str | None, Build], ...] = (
    ("ours_sum", "ours, Value.sum of x_i*w_i", None, _ours_sum),
    ("ours_dot", "ours, Value.dot(ws, xs)", None, _ours_dot),
    ("micrograd", "micrograd, sum() of x_i*w_i", "micrograd", _micrograd_sum),
    ("torch", "PyTorch scalar, sum() of x_i*w_i", "torch", _torch_sum),
)


def _data(v: Any) -> float:
    """A node's value: ``.data`` of ours and micrograd, ``.item()`` of a torch tensor."""
    return float(v.item()) if hasattr(v, "item") else float(v.data)


def _grad(v: Any) -> float:
    g = v.grad
    return float(g.item()) if hasattr(g, "item") else float(g)


def _once(build: Build, xs: list[float], ws: list[float], tolerance: float) -> dict[str, Any]:
    X, W, forward = build(xs, ws)
    start = clock()
    out = forward(X, W)
    built = clock()
    try:
        out.backward()
    except RecursionError as exc:
        return {
            "status": "failed",
            "forward_s": built - start,
            "reason": f"RecursionError in backward ({exc}; recursion limit {sys.getrecursionlimit()})",
        }
    done = clock()
    want = sum([x * w for x, w in zip(xs, ws)])
    grads_ok = all(
        close(_grad(w_leaf), x, tolerance) and close(_grad(x_leaf), w, tolerance)
        for x_leaf, w_leaf, x, w in zip(X, W, xs, ws)
    )
    value = _data(out)
    return {
        "status": "ok",
        "forward_s": built - start,
        "backward_s": done - built,
        "total_s": done - start,
        "value": value,
        "correct": close(value, want, tolerance) and grads_ok,
    }


def run(config: Config, peers: dict[str, Peer], log: Log) -> dict[str, Any]:
    xs, ws = terms(config.wide_terms)
    engines: dict[str, Any] = {}
    for key, label, peer, build in ENGINES:
        if peer is not None and not peers[peer].available:
            engines[key] = {"status": "skipped", "label": label, "reason": f"{peer}: {peers[peer].reason}"}
            continue
        repeats = config.wide_repeats if peer is None else config.wide_peer_repeats
        runs = []
        for _ in range(repeats):
            with gc_mode(True):
                runs.append(_once(build, xs, ws, config.tolerance))
            if runs[-1]["status"] != "ok":
                break
        if runs[-1]["status"] != "ok":
            engines[key] = {"label": label, **runs[-1]}
            log(f"  {key}: FAILED {runs[-1]['reason']}")
            continue
        engines[key] = {
            "status": "ok",
            "label": label,
            "repeats": repeats,
            "forward_s": median([r["forward_s"] for r in runs]),
            "backward_s": median([r["backward_s"] for r in runs]),
            "median_s": median([r["total_s"] for r in runs]),
            "value": runs[0]["value"],
            "correct": all(r["correct"] for r in runs),
        }
        log(f"  {key}: {engines[key]['median_s'] * 1e3:.1f} ms forward+backward (median of {repeats})")
    ok = {k: v for k, v in engines.items() if v["status"] == "ok"}
    values = [v["value"] for v in ok.values()]
    agree = all(close(v, values[0], config.tolerance) for v in values)
    return {
        "terms": config.wide_terms,
        "engines": engines,
        "speedup": {
            ours: {k: v["median_s"] / ok[ours]["median_s"] for k, v in ok.items() if k != ours}
            for ours in ("ours_sum", "ours_dot")
            if ours in ok
        },
        "same_work": {
            "ok": agree and all(v["correct"] for v in ok.values()),
            "compared": sorted(ok),
            "tolerance": config.tolerance,
            "note": "every engine's sum equals the float sum and every d/dw_i = x_i, d/dx_i = w_i",
        },
    }
