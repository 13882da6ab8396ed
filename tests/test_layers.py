"""The layers of pyproject.toml's [tool.importlinter] hold, and an import that breaks one makes
``lint-imports`` (run by CI) fail, naming it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    program = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(program), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the three packages and the project file."""
    for package in ("autograd", "nn", "viz"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_layers_hold(tree: Path) -> None:
    done = lint_imports(tree)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "imported", "broken"),
    [
        ("autograd/ops.py", "viz", "viz above nn above autograd"),
        ("nn/losses.py", "viz.dot", "viz above nn above autograd"),
        ("viz/dot.py", "viz.check", "the pictures never import"),
        ("viz/check/ledger.py", "viz.walkthrough.report", "inside viz"),
    ],
)
def test_an_import_against_the_layers_fails(tree: Path, module: str, imported: str, broken: str) -> None:
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\nimport {imported}  # against the layers\n")
    done = lint_imports(tree)
    assert done.returncode == 1
    assert "BROKEN" in done.stdout and broken in done.stdout.split("Broken contracts", 1)[1]
    assert module.removesuffix(".py").replace("/", ".") + " -> " + imported.split(".")[0] in done.stdout
