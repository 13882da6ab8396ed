"""gpt: a microgpt-style training step (:mod:`benchmarks.gpt`) on our ``Value`` and on the
reference engine in microgpt's style, interleaved, gc as installed and off, under every Python.

Each interpreter runs :func:`benchmarks.probes.gpt_step_times` in a process of its own; the
losses of the two engines must agree to a relative 1e-12 at every step.
"""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..peers import Peer
from ..probes import run_probe
from ..report import python_label
from . import Log
from .versions import installed

LOSS_TOLERANCE = 1e-12


def run(config: Config, peers: dict[str, Peer], log: Log) -> dict[str, Any]:
    pythons: dict[str, Any] = {}
    for version, interpreter in installed(config, pythons, log):
        result = run_probe("gpt", "--config", config.name, timeout=1800.0, python=interpreter)
        pythons[version] = result
        if result.get("status") != "ok":
            log(f"  Python {version}: FAILED {result.get('reason')}")
            continue
        gc_on, gc_off = result["modes"]["gc"], result["modes"]["nogc"]
        log(
            f"  {python_label(result['python'], result)}: "
            f"ours {gc_on['median_s']['ours'] * 1e3:.1f} ms/step, "
            f"{gc_on['speedup_median']:.2f}x the reference (gc on), "
            f"{gc_off['speedup_median']:.2f}x (gc off); "
            f"{gc_on['collector_free_speedup_median']:.2f}x if gc were free; the floor "
            f"{gc_on['floor_speedup_median']:.2f}x / {gc_off['floor_speedup_median']:.2f}x"
        )
    ok = [p for p in pythons.values() if p.get("status") == "ok"]
    worst = max((p["max_relative_loss_difference"] for p in ok), default=0.0)
    return {
        "workload": "a microgpt-style GPT (character names, 1 layer, causal attention over a KV cache), "
        "one training step with Adam",
        "pythons": pythons,
        "slowest_speedup": min((p["modes"]["gc"]["speedup_median"] for p in ok), default=None),
        "slowest_speedup_nogc": min((p["modes"]["nogc"]["speedup_median"] for p in ok), default=None),
        "same_work": {
            "ok": worst <= LOSS_TOLERANCE,
            "tolerance": LOSS_TOLERANCE,
            "max_relative_loss_difference": worst,
        },
    }
