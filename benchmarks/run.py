"""``python -m benchmarks [--quick] [--json PATH] [--only NAMES] [--skip-peer NAME] [--strict]``.

Runs the benchmarks in this process, prints one table per benchmark and the targets, and writes
every measurement as JSON. Exits 1 if a same-work check fails or a benchmark crashes (and, with
``--strict``, if a target is missed); missing peers are reported and skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import traceback
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import report
from .config import FULL, QUICK, Config
from .peers import detect
from .probes import ROOT, engine_build, max_rss_bytes
from .suites import NAMES, Log
from .targets import check_all
from .timing import clock

SCHEMA_VERSION = 1


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _commit() -> str | None:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if head.returncode != 0:
        return None
    return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def run_benchmarks(
    config: Config = FULL, only: Iterable[str] = NAMES, skip_peers: Iterable[str] = (), log: Log = _stderr
) -> dict[str, Any]:
    """Run the chosen benchmarks; the results as a JSON-compatible dict (see the README)."""
    from importlib import import_module

    start = clock()
    chosen = [name for name in NAMES if name in set(only)]
    found = detect(tuple(skip_peers))
    for peer in found.values():
        log(
            f"peer {peer.name}: "
            + (f"{peer.version}" if peer.available else f"MISSING ({peer.reason}), skipped")
        )
    benchmarks: dict[str, Any] = {}
    suite_seconds: dict[str, float] = {}
    for name in chosen:
        log(f"{name} ...")
        began = clock()
        try:
            suite = import_module(f".suites.{name}", __package__)
            benchmarks[name] = suite.run(config, found, log)
        except Exception as exc:
            benchmarks[name] = {
                "status": "failed",
                "reason": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(),
            }
            log(f"{name}: FAILED\n{benchmarks[name]['traceback']}")
        suite_seconds[name] = clock() - began
        log(f"{name}: {suite_seconds[name]:.1f} s")
    by_benchmark = {
        name: r.get("status") != "failed" and r["same_work"]["ok"] for name, r in benchmarks.items()
    }
    results: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "meta": {
            "config": json.loads(json.dumps(asdict(config))),  # tuples as lists, as JSON reads back
            "python": platform.python_version(),
            "engine": engine_build(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "commit": _commit(),
            "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "seconds": 0.0,
            "suite_seconds": suite_seconds,
            "peak_rss_bytes": 0,
        },
        "peers": {name: peer.to_json() for name, peer in found.items()},
        "benchmarks": benchmarks,
        "same_work": {"ok": all(by_benchmark.values()), "by_benchmark": by_benchmark},
    }
    results["targets"] = check_all(results)
    results["meta"]["seconds"] = clock() - start
    results["meta"]["peak_rss_bytes"] = max_rss_bytes()
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark chainrule against micrograd and PyTorch scalar mode: tables, targets, JSON.",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run of a few seconds")
    parser.add_argument("--json", metavar="PATH", type=Path, help="write every measurement to PATH as JSON")
    parser.add_argument(
        "--only",
        metavar="NAMES",
        default=",".join(NAMES),
        help=f"comma-separated benchmarks to run (default all: {','.join(NAMES)})",
    )
    parser.add_argument(
        "--skip-peer",
        action="append",
        default=[],
        choices=("micrograd", "torch"),
        help="leave a peer out even if installed (repeatable)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed too")
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(NAMES)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; choose from {list(NAMES)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = run_benchmarks(QUICK if args.quick else FULL, args.only.split(","), args.skip_peer)
    print(report.render(results))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"\nresults written to {args.json}")
    if not results["same_work"]["ok"]:
        return 1
    if args.strict and any(t["status"] == "MISSED" for t in results["targets"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
