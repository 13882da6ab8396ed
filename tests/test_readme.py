"""The README's Python examples run as written, and say what they claim."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_readme_examples_run_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = python_blocks()
    assert len(blocks) == 3
    namespace: dict[str, object] = {}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for block in blocks:
            exec(compile(block, str(README), "exec"), namespace)
    finally:
        os.chdir(cwd)
    a, b = namespace["a"], namespace["b"]
    assert (a.grad, b.grad) == (1.4387106392136162, -1.4440812779825567)  # type: ignore[attr-defined]
    assert namespace["history"].accuracy[-1] > 0.9  # type: ignore[attr-defined]
    assert (tmp_path / "graph.svg").read_text().startswith("<?xml")
    out = capsys.readouterr().out
    assert "∂E_total/∂w5 = " in out and "check: autograd.grad(E_total, [w5]) gives 0.082167" in out
