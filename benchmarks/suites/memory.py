"""memory: bytes per node of a 100,000-node graph (tracemalloc), and peak RSS per process."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

from autograd import Value

from ..config import Config
from ..graphs import chain, chain_expected, close
from ..peers import Peer
from ..probes import max_rss_bytes, run_probe
from . import Log


def traced(value: Any, nodes: int, backward: bool, tolerance: float = 1e-9) -> dict[str, Any]:
    """Bytes that tracemalloc sees allocated for an n-node chain: after building it, after
    backpropagating it (if ``backward``), and still held after ``del`` without a collection."""
    want_y, want_grad = chain_expected(nodes)
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()  # nothing cyclic is freed behind our back while we count
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        x, y = chain(value, nodes)
        built = tracemalloc.get_traced_memory()[0] - base
        after_backward = None
        correct = close(y.data, want_y, tolerance)
        if backward:
            y.backward()
            after_backward = tracemalloc.get_traced_memory()[0] - base
            correct = correct and close(x.grad, want_grad, tolerance)
        del x, y
        retained = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
        if was_enabled:
            gc.enable()
        gc.collect()
    return {
        "status": "ok",
        "nodes": nodes,
        "bytes_per_node": built / nodes,
        "bytes_per_node_after_backward": None if after_backward is None else after_backward / nodes,
        "retained_after_del_per_node": retained / nodes,
        "correct": correct,
    }


def run(config: Config, peers: dict[str, Peer], log: Log) -> dict[str, Any]:
    n = config.memory_nodes
    engines: dict[str, Any] = {"ours": traced(Value, n, backward=True, tolerance=config.tolerance)}
    if peers["micrograd"].available:
        from micrograd.engine import Value as MValue

        # micrograd cannot backpropagate a chain this deep (RecursionError): forward only
        engines["micrograd"] = traced(MValue, n, backward=False, tolerance=config.tolerance)
    else:
        engines["micrograd"] = {"status": "skipped", "reason": f"micrograd: {peers['micrograd'].reason}"}
    for key in ("ours", "micrograd"):
        if engines[key]["status"] == "ok":
            engines[key]["rss"] = run_probe("rss", "--engine", key, "--nodes", str(n))
            log(
                f"  {key}: {engines[key]['bytes_per_node']:.0f} bytes/node (tracemalloc), "
                f"peak RSS {engines[key]['rss'].get('bytes_per_node', float('nan')):.0f} bytes/node"
            )
    return {
        "graph": f"the chain of {n} op nodes (x -> *c -> +d ...)",
        "nodes": n,
        "engines": engines,
        "process_peak_rss_bytes": max_rss_bytes(),
        "same_work": {
            "ok": all(e["correct"] for e in engines.values() if e["status"] == "ok"),
            "tolerance": config.tolerance,
            "note": "each measured chain computed the expected value",
        },
    }
