"""Measurements that need a process of their own, run as ``python -m benchmarks.probes ...``:

* ``depth --cap N``: micrograd's deepest chain that still backpropagates (its recursive
  topological sort raises ``RecursionError`` beyond some depth); a fresh process gives it the
  full stack a user script has.
* ``rss --engine ours|micrograd --nodes N``: peak resident memory of one process that builds
  an N-node chain (and backpropagates it, for ours).
* ``demo --config full|quick --steps N``: micrograd's demo trained op by op on our ``Value``
  and by micrograd itself (gc on and off), in whatever interpreter runs the probe: the
  ``versions`` suite runs it under every Python it finds.
* ``gpt --config full|quick``: the microgpt-style training step on our ``Value`` and on the
  reference engine, interleaved, gc on and off; the ``gpt`` suite runs it under every Python.

Each prints one JSON object on its last line of stdout; :func:`run_probe` runs one and parses it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from .graphs import chain

ROOT = Path(__file__).resolve().parent.parent


def max_rss_bytes() -> int:
    """This process's peak resident set size so far (``ru_maxrss``, KiB on Linux, bytes on macOS).

    On Linux a child started by ``subprocess`` inherits its parent's ``ru_maxrss`` across the
    exec, so a probe uses :func:`own_peak_rss_bytes` instead.
    """
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def engine_build() -> str:
    """Which build of the engine this interpreter imports: ``compiled`` (setup.py's mypyc build,
    when its extension modules for this Python sit beside the source) or ``interpreted``."""
    from autograd.value import COMPILED

    return "compiled" if COMPILED else "interpreted"


def own_peak_rss_bytes() -> tuple[int, str]:
    """(peak RSS of this process image, where it came from): Linux's ``VmHWM``, which an exec
    resets, else ``getrusage``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024, "/proc/self/status VmHWM"
    except OSError:
        pass
    return max_rss_bytes(), "getrusage ru_maxrss"


def run_probe(
    *args: str, timeout: float = 300.0, python: str = sys.executable, path: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Run one probe in a fresh interpreter (``python``, with ``path`` added to its module
    path); its JSON result, or a ``failed`` status and why."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), *path, env.get("PYTHONPATH", "")]))
    try:
        done = subprocess.run(
            [python, "-m", "benchmarks.probes", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"status": "failed", "reason": f"probe {' '.join(args)} timed out after {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"status": "failed", "reason": f"probe {' '.join(args)} exited {done.returncode}: {tail}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _micrograd_chain_works(n: int) -> tuple[bool, str]:
    from micrograd.engine import Value

    _, y = chain(Value, n)
    try:
        y.backward()
    except RecursionError as exc:
        return False, f"RecursionError: {exc}"
    return True, ""


def deepest_micrograd_chain(cap: int) -> dict[str, Any]:
    """Double the chain length until backward fails, then bisect; stops at ``cap`` nodes."""
    good, bad, error = 0, None, ""
    n = 16
    while n <= cap:
        works, why = _micrograd_chain_works(n)
        if not works:
            bad, error = n, why
            break
        good, n = n, n * 2
    if bad is None:
        return {
            "status": "ok",
            "deepest": good,
            "failed_at": None,
            "cap": cap,
            "error": "",
            "recursion_limit": sys.getrecursionlimit(),
        }
    while bad - good > 1:
        mid = (good + bad) // 2
        works, why = _micrograd_chain_works(mid)
        if works:
            good = mid
        else:
            bad, error = mid, why
    return {
        "status": "ok",
        "deepest": good,
        "failed_at": bad,
        "cap": cap,
        "error": error,
        "recursion_limit": sys.getrecursionlimit(),
    }


def rss_of_chain(engine: str, nodes: int) -> dict[str, Any]:
    """Peak RSS before and after building (and, for ours, backpropagating) an N-node chain."""
    modules = {"ours": "autograd", "micrograd": "micrograd.engine"}
    if engine not in modules:
        raise ValueError(f"unknown engine {engine!r}")
    value: Any = importlib.import_module(modules[engine]).Value
    chain(value, 16)  # import everything lazily loaded before the baseline
    before, source = own_peak_rss_bytes()
    _, y = chain(value, nodes)
    if engine == "ours":
        y.backward()
    peak, _ = own_peak_rss_bytes()
    return {
        "status": "ok",
        "engine": engine,
        "nodes": nodes,
        "backward": engine == "ours",
        "source": source,
        "baseline_bytes": before,
        "peak_bytes": peak,
        "bytes_per_node": (peak - before) / nodes,
    }


DEMO_ENGINES = ("ours_ops", "micrograd", "micrograd_nogc")


def demo_step_times(config_name: str, steps: int) -> dict[str, Any]:
    """Median step of micrograd's demo op by op on our ``Value`` and on micrograd: each engine
    trains on its own, from a collected heap, as in ``mlp_train``."""
    import gc
    import platform

    from .config import FULL, QUICK
    from .engines import ENGINES
    from .timing import clock, gc_mode, median
    from .workload import make_workload

    config = {"full": FULL, "quick": QUICK}[config_name]
    workload = make_workload(config)
    engines: dict[str, Any] = {}
    for spec in ENGINES:
        if spec.key not in DEMO_ENGINES:
            continue
        gc.collect()
        trainer = spec.make(workload)
        times = []
        with gc_mode(spec.gc_enabled):
            for k in range(steps):
                start = clock()
                trainer.step(workload.lr(k))
                times.append(clock() - start)
        engines[spec.key] = {"median_s": median(times), "final_loss": trainer.loss()}
        del trainer
    return {
        "status": "ok",
        "python": platform.python_version(),
        "engine": engine_build(),
        "steps": steps,
        "engines": engines,
    }


GPT_ENGINES = ("reference", "ours", "floats")  # floats: the floor (benchmarks.engines.float_only)


def gpt_step_times(config_name: str) -> dict[str, Any]:
    """Seconds per training step of :mod:`benchmarks.gpt` on our ``Value``, on the reference
    engine and on the float-only floor, in interleaved rounds (each round a fresh model of each
    engine, gc as installed and gc off, the engines' order alternating), and whether the losses
    agree (the floor's first one only: it never learns).

    Two ceilings come with the speed-ups: the reference's time over the floor's (the most any
    engine of one Python object per operation could gain), and the reference's time with gc on
    over ours with gc off (what ours would gain with gc on if the collector cost it nothing)."""
    import platform

    from autograd import Value

    from .config import FULL, QUICK
    from .engines.float_only import FloatOnly
    from .engines.scalar_value import ScalarValue
    from .gpt import GPT, GPTConfig, names
    from .timing import clock, gc_mode, median

    config = {"full": FULL, "quick": QUICK}[config_name]
    n_embd, n_head, block_size = config.gpt_model
    model_config = GPTConfig(n_embd=n_embd, n_head=n_head, block_size=block_size)
    engines: dict[str, Any] = {"reference": ScalarValue, "ours": Value, "floats": FloatOnly}
    docs = names()
    times: dict[str, dict[str, list[float]]] = {mode: {e: [] for e in GPT_ENGINES} for mode in ("gc", "nogc")}
    losses: dict[str, list[float]] = {}
    nodes = 0
    for round_ in range(config.gpt_rounds):
        for mode in ("gc", "nogc"):
            order = GPT_ENGINES if round_ % 2 == 0 else GPT_ENGINES[::-1]
            for engine in order:
                model = GPT(engines[engine], docs, model_config)
                with gc_mode(mode == "gc"):
                    start = clock()
                    run = [model.step() for _ in range(config.gpt_steps)]
                    times[mode][engine].append((clock() - start) / config.gpt_steps)
                losses.setdefault(engine, run)
                del model
    from autograd.graph import topological_order

    nodes = len(topological_order(GPT(Value, docs, model_config).loss(docs[0])))
    floor_loss = losses.pop("floats")[0]
    pairs = [*zip(losses["ours"], losses["reference"]), (floor_loss, losses["reference"][0])]
    worst = max(abs(a - b) / max(abs(a), abs(b), 1e-300) for a, b in pairs)
    modes: dict[str, Any] = {}
    for mode, by_engine in times.items():
        ratios = [ref / ours for ref, ours in zip(by_engine["reference"], by_engine["ours"])]
        floor = [ref / floats for ref, floats in zip(by_engine["reference"], by_engine["floats"])]
        modes[mode] = {
            "median_s": {e: median(t) for e, t in by_engine.items()},
            "min_s": {e: min(t) for e, t in by_engine.items()},
            "speedup_median": median(ratios),
            "speedup_min": min(ratios),
            "floor_speedup_median": median(floor),
            "thousand_steps_s": {e: 1000 * median(t) for e, t in by_engine.items()},
        }
    collector_free = [ref / ours for ref, ours in zip(times["gc"]["reference"], times["nogc"]["ours"])]
    modes["gc"]["collector_free_speedup_median"] = median(collector_free)
    return {
        "status": "ok",
        "python": platform.python_version(),
        "engine": engine_build(),
        "model": {"n_embd": n_embd, "n_head": n_head, "block_size": block_size, "nodes_first_step": nodes},
        "rounds": config.gpt_rounds,
        "steps": config.gpt_steps,
        "modes": modes,
        "losses": losses,
        "max_relative_loss_difference": worst,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.probes")
    sub = parser.add_subparsers(dest="probe", required=True)
    depth = sub.add_parser("depth", help="micrograd's deepest chain that backpropagates")
    depth.add_argument("--cap", type=int, default=1 << 17)
    rss = sub.add_parser("rss", help="peak RSS of an N-node chain")
    rss.add_argument("--engine", choices=("ours", "micrograd"), required=True)
    rss.add_argument("--nodes", type=int, default=100_000)
    demo = sub.add_parser("demo", help="micrograd's demo op by op, ours and micrograd's")
    demo.add_argument("--config", choices=("full", "quick"), default="full")
    demo.add_argument("--steps", type=int, default=5)
    gpt = sub.add_parser("gpt", help="the microgpt-style step, ours and the reference engine's")
    gpt.add_argument("--config", choices=("full", "quick"), default="full")
    args = parser.parse_args(argv)
    if args.probe == "depth":
        result = deepest_micrograd_chain(args.cap)
    elif args.probe == "rss":
        result = rss_of_chain(args.engine, args.nodes)
    elif args.probe == "gpt":
        result = gpt_step_times(args.config)
    else:
        result = demo_step_times(args.config, args.steps)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
