"""mlp_train: micrograd's demo training, step by step, on every engine from the same start."""

from __future__ import annotations

import gc
import traceback
from typing import Any

from ..config import Config
from ..engines import ENGINES, EngineSpec
from ..peers import Peer
from ..timing import clock, gc_mode, median, ratio
from ..workload import Workload, make_workload, same_work
from . import Log


def _train(spec: EngineSpec, workload: Workload) -> tuple[list[float], list[float], float]:
    """One full training: (seconds per step, loss per step, loss after the last update)."""
    trainer = spec.make(workload)
    times: list[float] = []
    losses: list[float] = []
    with gc_mode(spec.gc_enabled):
        for k in range(workload.steps):
            lr = workload.lr(k)
            start = clock()
            losses.append(trainer.step(lr))
            times.append(clock() - start)
    final = trainer.loss()
    del trainer
    gc.collect()
    return times, losses, final


def _record(entry: dict[str, Any], times: list[float], losses: list[float], final: float) -> None:
    entry["step_seconds"].extend(times)
    entry["final_losses"].append(final)
    entry["runs"] += 1
    entry.setdefault("losses", losses)


def _summary(entry: dict[str, Any]) -> dict[str, Any]:
    times = entry["step_seconds"]
    runs = entry.pop("runs")
    return {
        **entry,
        "repeats": runs,
        "median_s": median(times),
        "min_s": min(times),
        "final_loss": entry["final_losses"][0],
    }


def run(config: Config, peers: dict[str, Peer], log: Log) -> dict[str, Any]:
    workload = make_workload(config)
    engines: dict[str, Any] = {}
    for spec in ENGINES:
        if spec.peer is not None and not peers[spec.peer].available:
            engines[spec.key] = {
                "status": "skipped",
                "label": spec.label,
                "reason": f"{spec.peer}: {peers[spec.peer].reason}",
            }
            log(f"  {spec.key}: skipped ({spec.peer} {peers[spec.peer].reason})")
        else:
            engines[spec.key] = {
                "status": "ok",
                "label": spec.label,
                "gc_enabled": spec.gc_enabled,
                "steps": workload.steps,
                "runs": 0,
                "step_seconds": [],
                "final_losses": [],
            }
    # Round robin: run r of every engine before run r + 1 of any, so that a slow spell of the
    # machine lands on all engines alike instead of on one.
    rounds = max((config.repeats_for(spec.key) for spec in ENGINES), default=0)
    for r in range(rounds):
        for spec in ENGINES:
            entry = engines[spec.key]
            if entry["status"] != "ok" or r >= config.repeats_for(spec.key):
                continue
            try:
                times, losses, final = _train(spec, workload)
            except Exception as exc:  # a peer that breaks is reported, not fatal
                engines[spec.key] = {
                    "status": "failed",
                    "label": spec.label,
                    "reason": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc(limit=5),
                }
                log(f"  {spec.key}: FAILED {type(exc).__name__}: {exc}")
                continue
            _record(entry, times, losses, final)
            run_of = f"{r + 1}/{config.repeats_for(spec.key)}"
            log(f"  {spec.key}: run {run_of}: median step {median(times) * 1e3:.1f} ms, final loss {final!r}")
    engines = {k: _summary(e) if e["status"] == "ok" else e for k, e in engines.items()}
    ok = {k: v for k, v in engines.items() if v["status"] == "ok"}
    finals = {f"{k}[{i}]": f for k, v in ok.items() for i, f in enumerate(v["final_losses"])}
    curve_spread = max((max(c) - min(c) for c in zip(*(v["losses"] for v in ok.values()))), default=0.0)
    speedups = {
        ours: {peer: ratio(ok[peer]["median_s"], ok[ours]["median_s"]) for peer in ok if peer != ours}
        for ours in ("ours_nn", "ours_ops")
        if ours in ok
    }
    return {
        "workload": {
            "model": f"MLP {workload.n_in}-{'-'.join(map(str, workload.sizes))} (ReLU hidden, linear output)",
            "points": len(workload.X),
            "steps": workload.steps,
            "loss": f"mean(relu(1 - y*score)) + {workload.alpha} * sum(p*p)",
            "lr": "1.0 - 0.9*k/100",
            "data": f"nn.moons({config.points}, noise={config.noise}, seed={config.data_seed})",
            "weights": f"random.Random({config.weight_seed}).uniform(-1, 1), biases 0",
        },
        "engines": engines,
        "speedup": speedups,
        "same_work": {**same_work(finals, config.tolerance), "loss_curve_spread": curve_spread},
    }
