"""The MLP trainers, one module per engine, all running the same :class:`~benchmarks.workload.Workload`.

Every trainer has ``step(lr) -> loss`` (forward, zero the gradients, backward, SGD update; the
loss is the one before the update) and ``loss() -> float`` (forward only, for the final check).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..workload import Workload


class Trainer(Protocol):
    def step(self, lr: float) -> float: ...

    def loss(self) -> float: ...


@dataclass(frozen=True)
class EngineSpec:
    """One engine of the mlp_train comparison."""

    key: str  # JSON key and Config.mlp_repeats key
    label: str  # as printed in the table
    peer: str | None  # the peer it needs installed, None for ours
    gc_enabled: bool  # the cyclic garbage collector during the timed steps
    factory: str  # "module:function" returning a Trainer, imported only when the peer is there

    def make(self, workload: Workload) -> Trainer:
        module, _, name = self.factory.partition(":")
        from importlib import import_module

        build: Callable[[Workload], Trainer] = getattr(import_module(module, __package__), name)
        return build(workload)


# In this order in every round of mlp_train (torch last: its import is the slowest). Ours runs as
# users run it, gc on; the two gc-off rows are diagnostics (how much of our time is the cyclic
# collector's), not part of any target.
ENGINES: tuple[EngineSpec, ...] = (
    EngineSpec(
        "micrograd", "micrograd (as installed, gc on)", "micrograd", True, ".micrograd_mlp:make_trainer"
    ),
    EngineSpec(
        "micrograd_nogc", "micrograd (gc.disable())", "micrograd", False, ".micrograd_mlp:make_trainer"
    ),
    EngineSpec("ours_ops", "ours, op by op (micrograd's code)", None, True, ".ours_ops:make_trainer"),
    EngineSpec(
        "ours_ops_nogc", "  diagnostic: the same, gc.disable()", None, False, ".ours_ops:make_trainer"
    ),
    EngineSpec("ours_nn", "ours, idiomatic nn.MLP", None, True, ".ours_nn:make_trainer"),
    EngineSpec("ours_nn_nogc", "  diagnostic: the same, gc.disable()", None, False, ".ours_nn:make_trainer"),
    EngineSpec("torch", "PyTorch scalar mode", "torch", True, ".torch_mlp:make_trainer"),
)
