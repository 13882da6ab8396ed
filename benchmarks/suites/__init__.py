"""One module per benchmark; each has ``run(config, peers, log) -> dict`` (JSON-compatible)."""

from __future__ import annotations

from collections.abc import Callable

Log = Callable[[str], None]

NAMES: tuple[str, ...] = ("mlp_train", "versions", "gpt", "chain", "wide", "memory", "inference", "explain")
