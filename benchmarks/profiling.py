"""``python -m benchmarks.profiling [ENGINE ...] [--steps N] [--top N]``: where a training step's
time goes. Runs the mlp_train workload's steps for each engine under cProfile and prints the
functions with the most time of their own (tottime)."""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys

from .config import FULL
from .engines import ENGINES
from .workload import make_workload


def profile(engine: str, steps: int, top: int) -> str:
    """The top ``top`` functions by tottime over ``steps`` training steps of ``engine``."""
    spec = next(s for s in ENGINES if s.key == engine)
    workload = make_workload(FULL)
    trainer = spec.make(workload)
    trainer.step(workload.lr(0))  # warm-up: imports and first-call costs stay out of the profile
    profiler = cProfile.Profile()
    profiler.enable()
    for k in range(1, steps + 1):
        trainer.step(workload.lr(k))
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    return f"== {spec.label}: {steps} steps ==\n{out.getvalue()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profiling", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "engines",
        nargs="*",
        metavar="ENGINE",
        help=f"any of {', '.join(s.key for s in ENGINES)} (default: ours_nn ours_ops)",
    )
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    known = {s.key for s in ENGINES}
    if not set(args.engines) <= known:
        parser.error(f"unknown engine(s) {sorted(set(args.engines) - known)}; choose from {sorted(known)}")
    for engine in args.engines or ["ours_nn", "ours_ops"]:
        print(profile(engine, args.steps, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
