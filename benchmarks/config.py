"""Sizes and repeat counts of a run: ``FULL`` (the real benchmark) and ``QUICK`` (a smoke run)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Config:
    """Everything that sets how big and how long a run is."""

    name: str
    # mlp_train: micrograd's demo workload
    points: int = 100
    hidden: tuple[int, ...] = (16, 16)
    steps: int = 20
    alpha: float = 1e-4
    data_seed: int = 0
    weight_seed: int = 1337
    noise: float = 0.1
    # full trainings per engine (each of `steps` steps); fewer for the slow peers
    mlp_repeats: dict[str, int] = field(default_factory=dict)
    # chain: node counts and repeats for each
    chain_sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000, 3_000_000)
    chain_repeats: tuple[int, ...] = (15, 5, 3, 2)
    depth_probe_cap: int = 1 << 17  # stop searching micrograd's deepest chain here
    # wide: terms of the sum of products
    wide_terms: int = 100_000
    wide_repeats: int = 3
    wide_peer_repeats: int = 1
    # memory: nodes of the measured graph
    memory_nodes: int = 100_000
    # inference: forward passes timed per mode
    inference_repeats: int = 21
    # explain: edges into one input, at two sizes (the per-edge ratio shows the growth)
    explain_sizes: tuple[int, int] = (8_000, 16_000)
    explain_repeats: int = 3
    # versions: micrograd's demo op by op under each of these Pythons (those installed)
    pythons: tuple[str, ...] = ("3.10", "3.11", "3.12", "3.13")
    version_steps: int = 5
    # gpt: a microgpt-style model (n_embd, n_head, block_size), interleaved rounds of timed steps
    gpt_model: tuple[int, int, int] = (16, 4, 8)
    gpt_rounds: int = 5
    gpt_steps: int = 4
    tolerance: float = 1e-9  # same-work checks

    def repeats_for(self, engine: str) -> int:
        """How many full trainings ``engine`` runs (default 1)."""
        return self.mlp_repeats.get(engine, 1)


FULL = Config(
    name="full",
    mlp_repeats={
        "micrograd": 2,
        "micrograd_nogc": 3,
        "torch": 2,
        "ours_ops": 3,
        "ours_ops_nogc": 2,
        "ours_nn": 5,
        "ours_nn_nogc": 2,
    },
)

QUICK = Config(
    name="quick",
    points=12,
    hidden=(4, 4),
    steps=3,
    mlp_repeats={"micrograd": 1, "micrograd_nogc": 1, "torch": 1, "ours_ops": 2, "ours_nn": 2},
    chain_sizes=(1_000, 3_000, 10_000),
    chain_repeats=(3, 3, 2),
    depth_probe_cap=1 << 12,
    wide_terms=2_000,
    wide_repeats=2,
    memory_nodes=5_000,
    inference_repeats=5,
    explain_sizes=(500, 1_000),
    explain_repeats=1,
    version_steps=2,
    gpt_model=(8, 2, 4),
    gpt_rounds=1,
    gpt_steps=2,
)
