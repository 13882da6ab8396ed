"""inference: the trained nn.MLP's forward pass over the data, with and without a graph."""

from __future__ import annotations

from typing import Any, cast

from autograd import Value, no_grad

from ..config import Config
from ..engines.ours_nn import IdiomaticTrainer
from ..peers import Peer
from ..timing import clock, gc_mode, median
from ..workload import make_workload
from . import Log


def run(config: Config, peers: dict[str, Peer], log: Log) -> dict[str, Any]:
    workload = make_workload(config)
    trainer = IdiomaticTrainer(workload)
    for k in range(workload.steps):
        trainer.step(workload.lr(k))
    model, X = trainer.model, workload.X

    def forward() -> list[float]:
        return [cast(Value, model(x)).data for x in X]  # width 1: one Value per point

    times: dict[str, list[float]] = {"recording": [], "no_grad": []}
    outputs: dict[str, list[float]] = {}
    with gc_mode(True):
        for _ in range(config.inference_repeats):  # alternate, so drift hits both modes alike
            start = clock()
            outputs["recording"] = forward()
            times["recording"].append(clock() - start)
            with no_grad():
                start = clock()
                outputs["no_grad"] = forward()
                times["no_grad"].append(clock() - start)
    recording, plain = median(times["recording"]), median(times["no_grad"])
    log(f"  recording {recording * 1e3:.2f} ms, no_grad {plain * 1e3:.2f} ms per pass over {len(X)} points")
    spread = max(abs(a - b) for a, b in zip(outputs["recording"], outputs["no_grad"]))
    return {
        "points": len(X),
        "repeats": config.inference_repeats,
        "recording_s": recording,
        "no_grad_s": plain,
        "speedup": recording / plain,
        "same_work": {
            "ok": spread <= config.tolerance,
            "spread": spread,
            "tolerance": config.tolerance,
            "note": "the same outputs with and without recording",
        },
    }
