"""versions: micrograd's demo op by op, ours against micrograd's, under every Python installed.

Each interpreter runs :func:`benchmarks.probes.demo_step_times` in a process of its own, with the
checkout and micrograd's (pure-Python) package on its path: the same source everywhere.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..config import Config
from ..peers import Peer
from ..probes import run_probe
from ..report import python_label
from ..timing import ratio
from ..workload import same_work
from . import Log


def _micrograd_path() -> tuple[str, ...]:
    """The directory holding the installed micrograd package, for other interpreters."""
    import micrograd

    return (str(Path(micrograd.__file__).resolve().parent.parent),)


def find_python(version: str) -> str | None:
    """An interpreter of ``version`` that runs: ``pythonX.Y`` on PATH, or one pyenv installed
    (pyenv's shims on PATH refuse versions that are installed but not selected)."""
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = [
        shutil.which(f"python{version}"),
        *sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}")),
    ]
    for candidate in candidates:
        if candidate is None:
            continue
        try:
            done = subprocess.run(
                [candidate, "-c", "import sys"], capture_output=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return candidate
    return None


def installed(config: Config, pythons: dict[str, Any], log: Log) -> Iterator[tuple[str, str]]:
    """Each Python of ``config.pythons`` that runs, with its interpreter; the missing ones are
    entered in ``pythons`` as skipped (and logged)."""
    for version in config.pythons:
        interpreter = find_python(version)
        if interpreter is None:
            pythons[version] = {"status": "skipped", "reason": f"no working python{version} found"}
            log(f"  Python {version}: not installed, skipped")
            continue
        yield version, interpreter


def run(config: Config, peers: dict[str, Peer], log: Log) -> dict[str, Any]:
    if not peers["micrograd"].available:
        reason = f"micrograd: {peers['micrograd'].reason}"
        return {
            "status": "skipped",
            "reason": reason,
            "pythons": {},
            "same_work": {"ok": True, "tolerance": 0},
        }
    pythons: dict[str, Any] = {}
    finals: dict[str, float] = {}
    for version, interpreter in installed(config, pythons, log):
        result = run_probe(
            "demo",
            "--config",
            config.name,
            "--steps",
            str(config.version_steps),
            timeout=1200.0,
            python=interpreter,
            path=_micrograd_path(),
        )
        if result.get("status") != "ok":
            pythons[version] = result
            log(f"  Python {version}: FAILED {result.get('reason')}")
            continue
        engines = result["engines"]
        ours = engines["ours_ops"]["median_s"]
        result["speedup"] = {
            peer: ratio(engines[peer]["median_s"], ours) or 0.0 for peer in ("micrograd", "micrograd_nogc")
        }
        finals.update({f"{version}:{key}": e["final_loss"] for key, e in engines.items()})
        pythons[version] = result
        log(
            f"  {python_label(result['python'], result)}: op by op {ours * 1e3:.1f} ms/step, "
            f"{result['speedup']['micrograd']:.1f}x micrograd, "
            f"{result['speedup']['micrograd_nogc']:.2f}x micrograd gc off"
        )
    ok = [p for p in pythons.values() if p.get("status") == "ok"]
    return {
        "workload": "micrograd's demo (as mlp_train), op by op on our Value and on micrograd",
        "steps": config.version_steps,
        "pythons": pythons,
        "slowest_vs_micrograd": min((p["speedup"]["micrograd"] for p in ok), default=None),
        "slowest_vs_micrograd_nogc": min((p["speedup"]["micrograd_nogc"] for p in ok), default=None),
        "same_work": same_work(finals, config.tolerance),
    }
