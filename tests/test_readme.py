"""The README's Python examples run as written, and say what they claim."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_readme_examples_run_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = python_blocks()
    assert len(blocks) == 5
    namespace: dict[str, object] = {}
    cwd = os.getcwd()
    shutil.copytree(README.parent / "examples", tmp_path / "examples")
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
    assert (
        "so 3.0000 + 3.0000 = 6.0000 (addition 2 of 2 to x)\n" in out
        and "<script>" in (tmp_path / "replay.html").read_text()
    )
    report = namespace["report"]
    assert (report.counts["wrong"], report.first_wrong.printed.quantity) == (3, "E")  # type: ignore[attr-defined]
    wrong = [(v.printed.quantity, v.cls) for v in report.items if v.wrong]  # type: ignore[attr-defined]
    assert wrong == [("E", "slip"), ("dE/dw1", "conceptual"), ("w1'", "inherited")]


def test_readme_check_commands_run(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    commands = re.findall(r"^\.venv/bin/python (-m viz\.check [^#\n]*)", text, flags=re.MULTILINE)
    assert len(commands) == 3
    for command in commands:
        args = shlex.split(command.replace("check.html", str(tmp_path / "check.html")))
        result = subprocess.run(
            [sys.executable, *args], cwd=README.parent, capture_output=True, text=True, check=False
        )
        assert result.returncode == 1, result.stderr  # 1: the example has wrong numbers
        assert result.stdout.strip()
    assert "<table>" in (tmp_path / "check.html").read_text(encoding="utf-8")


def test_readme_table_of_the_four_documents_is_what_check_says() -> None:
    from viz.check import WRONG, check

    rows = re.findall(r"^\| (00\d) \| (.*) \|$", README.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert [doc for doc, _ in rows] == ["000", "001", "002", "003"]
    for doc, cells in rows:
        r = check(doc)
        c = r.counts
        assert r.first_wrong is not None
        mistake = f" ({r.first_wrong.mistake.id})" if r.first_wrong.mistake else ""
        parts = ", ".join(f"{c[k]} {k}" for k in WRONG if c[k])
        expected = [
            str(c["numbers"]),
            f"{c['wrong']} ({parts})",
            str(c["rounding"]),
            str(c["exact"]),
            str(c["repeat"]),
            f"`{r.first_wrong.printed.quantity}`: {r.first_wrong.cls}{mistake}",
        ]
        assert cells.split(" | ") == expected, doc
