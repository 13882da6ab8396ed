"""``nn`` refuses to import on top of another package named ``autograd``."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("package", ["nn", "viz"])
def test_package_names_the_clash_with_another_autograd(tmp_path: Path, package: str) -> None:
    fake = tmp_path / "autograd"
    fake.mkdir()
    (fake / "__init__.py").write_text("grad = None  # stands in for HIPS autograd\n")
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        sys.path.insert(1, {str(ROOT)!r})
        try:
            import {package}
        except ImportError as error:
            print(error)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "needs chainrule's 'autograd' package" in result.stdout  # viz reports it through nn
    assert str(fake) in result.stdout and "HIPS" in result.stdout


def test_nn_imports_with_chainrule_autograd() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import nn; print(nn.MLP.__name__)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert result.stdout.strip() == "MLP"
