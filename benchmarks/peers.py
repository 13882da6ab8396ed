"""Which engines to compare against are installed here, and which versions they are.

Peers are found without importing them (``importlib.util.find_spec``), so that, say, torch's
many objects are not in the heap (and in every garbage collection) while micrograd is timed;
each engine imports its peer when it runs, and a broken install is reported there.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import asdict, dataclass

EXPECTED = {"micrograd": "0.1.0", "torch": "2.13.0"}
MODULES = {"micrograd": ("micrograd", "micrograd.engine", "micrograd.nn"), "torch": ("torch",)}


@dataclass(frozen=True)
class Peer:
    """One peer engine: available or not, and why not."""

    name: str
    available: bool
    version: str | None = None
    reason: str = ""

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent that is not a package, or a broken entry
        return False


def _probe(name: str) -> Peer:
    missing = [m for m in MODULES[name] if not _installed(m)]
    if missing:
        return Peer(name, False, reason=f"not installed here (no module {missing[0]!r})")
    try:
        version: str | None = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        version = None
    expected = EXPECTED[name]
    note = (
        ""
        if version is None or version.split("+")[0] == expected
        else (f"version {version}; the benchmark was written against {expected}")
    )
    return Peer(name, True, version, note)


def detect(skip: tuple[str, ...] = ()) -> dict[str, Peer]:
    """micrograd and torch (unless listed in ``skip``)."""
    return {
        name: Peer(name, False, reason="skipped on request (--skip-peer)") if name in skip else _probe(name)
        for name in MODULES
    }
