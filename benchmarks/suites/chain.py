"""chain: forward + backward of ever longer chains; the time per node should stay flat."""

from __future__ import annotations

from typing import Any

from autograd import Value

from ..config import Config
from ..graphs import chain, chain_expected, close
from ..peers import Peer
from ..probes import run_probe
from ..timing import clock, gc_mode, median
from . import Log


def _one(n: int, tolerance: float) -> tuple[float, float, bool]:
    """(forward s, backward s, result and gradient as expected) for one n-node chain."""
    start = clock()
    x, y = chain(Value, n)
    built = clock()
    y.backward()
    done = clock()
    want_y, want_grad = chain_expected(n)
    ok = close(y.data, want_y, tolerance) and close(x.grad, want_grad, tolerance)
    del x, y  # no cycles: freed here, outside the timing
    return built - start, done - built, ok


def _size(n: int, repeats: int, gc_enabled: bool, tolerance: float) -> dict[str, Any]:
    with gc_mode(gc_enabled):
        runs = [_one(n, tolerance) for _ in range(repeats)]
    total = [f + b for f, b, _ in runs]
    return {
        "nodes": n,
        "repeats": repeats,
        "gc_enabled": gc_enabled,
        "forward_s": median([f for f, _, _ in runs]),
        "backward_s": median([b for _, b, _ in runs]),
        "total_s": median(total),
        "ns_per_node": median(total) / n * 1e9,
        "correct": all(ok for _, _, ok in runs),
    }


def run(config: Config, peers: dict[str, Peer], log: Log) -> dict[str, Any]:
    sizes: dict[str, Any] = {}
    gc_off: dict[str, Any] = {}  # a diagnostic: how much of the time is the cyclic collector's
    _one(min(config.chain_sizes), config.tolerance)  # warm-up, untimed
    for n, repeats in zip(config.chain_sizes, config.chain_repeats):
        sizes[str(n)] = _size(n, repeats, True, config.tolerance)
        gc_off[str(n)] = _size(n, min(repeats, 3), False, config.tolerance)
        log(
            f"  ours, {n} nodes: {sizes[str(n)]['ns_per_node']:.0f} ns/node (median of {repeats}), "
            f"{gc_off[str(n)]['ns_per_node']:.0f} with gc off"
        )
    small, large = sizes[str(min(config.chain_sizes))], sizes[str(max(config.chain_sizes))]
    if peers["micrograd"].available:
        micrograd = run_probe("depth", "--cap", str(config.depth_probe_cap))
        log(f"  micrograd: deepest chain that backpropagates: {micrograd.get('deepest')} nodes")
    else:
        micrograd = {"status": "skipped", "reason": f"micrograd: {peers['micrograd'].reason}"}
    return {
        "graph": "x -> *c -> +d -> *c -> +d ... (n op nodes, c and d shared leaves)",
        "sizes": sizes,
        "per_node_ratio": large["ns_per_node"] / small["ns_per_node"],
        "ratio_of": [small["nodes"], large["nodes"]],
        "gc_off": gc_off,
        "gc_off_per_node_ratio": gc_off[str(large["nodes"])]["ns_per_node"]
        / gc_off[str(small["nodes"])]["ns_per_node"],
        # the target's pair, when both sizes ran: 10^6 vs 10^4 nodes, gc off
        "gc_off_ratio_1e6_vs_1e4": (
            gc_off["1000000"]["ns_per_node"] / gc_off["10000"]["ns_per_node"]
            if {"1000000", "10000"} <= gc_off.keys()
            else None
        ),
        "same_work": {
            "ok": all(s["correct"] for s in (*sizes.values(), *gc_off.values())),
            "tolerance": config.tolerance,
            "note": "y and dy/dx equal the same recurrence computed on floats",
        },
        "micrograd_depth": micrograd,
    }
