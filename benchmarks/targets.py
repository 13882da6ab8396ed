"""The performance targets, each checked against a run's results: MET, MISSED or SKIPPED."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Results = dict[str, Any]


def _path(*keys: str) -> Callable[[Results], float | None]:
    """A reader of ``results["benchmarks"][k1][k2]...``; None when any part is missing."""

    def read(results: Results) -> float | None:
        node: Any = results.get("benchmarks", {})
        for key in keys:
            if not isinstance(node, dict) or node.get(key) is None:
                return None
            node = node[key]
        return float(node)

    return read


@dataclass(frozen=True)
class Target:
    key: str
    text: str
    goal: float
    at_least: bool  # True: value >= goal; False: value <= goal
    unit: str
    read: Callable[[Results], float | None]

    def check(self, results: Results) -> dict[str, Any]:
        value = self.read(results)
        if value is None:
            status = "SKIPPED"
        else:
            met = value >= self.goal if self.at_least else value <= self.goal
            status = "MET" if met else "MISSED"
        return {
            "key": self.key,
            "text": self.text,
            "value": value,
            "goal": self.goal,
            "comparison": ">=" if self.at_least else "<=",
            "unit": self.unit,
            "status": status,
        }


TARGETS: tuple[Target, ...] = (
    Target(
        "nn_vs_micrograd",
        "mlp_train: nn.MLP step vs micrograd as installed",
        60,
        True,
        "x",
        _path("mlp_train", "speedup", "ours_nn", "micrograd"),
    ),
    Target(
        "nn_vs_micrograd_nogc",
        "mlp_train: nn.MLP step vs micrograd, gc disabled",
        5,
        True,
        "x",
        _path("mlp_train", "speedup", "ours_nn", "micrograd_nogc"),
    ),
    Target(
        "nn_vs_torch",
        "mlp_train: nn.MLP step vs PyTorch scalar mode",
        25,
        True,
        "x",
        _path("mlp_train", "speedup", "ours_nn", "torch"),
    ),
    Target(
        "ops_vs_micrograd",
        "mlp_train: op-by-op step vs micrograd as installed",
        12,
        True,
        "x",
        _path("mlp_train", "speedup", "ours_ops", "micrograd"),
    ),
    Target(
        "ops_vs_micrograd_nogc",
        "mlp_train: op-by-op step (gc on) vs micrograd, gc disabled",
        1.4,
        True,
        "x",
        _path("mlp_train", "speedup", "ours_ops", "micrograd_nogc"),
    ),
    Target(
        "ops_vs_micrograd_every_python",
        "versions: op by op vs micrograd as installed, slowest Python",
        12,
        True,
        "x",
        _path("versions", "slowest_vs_micrograd"),
    ),
    Target(
        "ops_vs_micrograd_nogc_every_python",
        "versions: op by op vs micrograd gc disabled, slowest Python",
        1.4,
        True,
        "x",
        _path("versions", "slowest_vs_micrograd_nogc"),
    ),
    Target(
        "gpt_vs_reference",
        "gpt: microgpt-style step vs its reference engine, gc on, slowest Python",
        2.0,
        True,
        "x",
        _path("gpt", "slowest_speedup"),
    ),
    Target(
        "gpt_vs_reference_nogc",
        "gpt: the same with gc off in both, slowest Python",
        1.4,
        True,
        "x",
        _path("gpt", "slowest_speedup_nogc"),
    ),
    Target(
        "memory",
        "memory: bytes per node of the chain (tracemalloc)",
        170,
        False,
        "B",
        _path("memory", "engines", "ours", "bytes_per_node"),
    ),
    Target(
        "chain_flat_gc_off",
        "chain: time per node, 10^6 vs 10^4 nodes, gc off",
        1.1,
        False,
        "x",
        _path("chain", "gc_off_ratio_1e6_vs_1e4"),
    ),
    Target(
        "chain_flat",
        "chain: time per node, longest vs shortest, gc on",
        1.5,
        False,
        "x",
        _path("chain", "per_node_ratio"),
    ),
    Target("no_grad", "inference: no_grad vs recording", 3, True, "x", _path("inference", "speedup")),
    Target(
        "explain_linear",
        "explain: deltas time per edge, larger vs smaller, one node of n inputs",
        1.5,
        False,
        "x",
        _path("explain", "shapes", "fan_in", "per_edge_ratio"),
    ),
)


def check_all(results: Results) -> list[dict[str, Any]]:
    """Every target's verdict, in a fixed order."""
    return [target.check(results) for target in TARGETS]
