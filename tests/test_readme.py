"""The README's Python examples run as written, and say what they claim."""

from __future__ import annotations

import math
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


PYTEST_FILE = re.compile(r"<!-- pytest-file: (\S+) -->\n```python\n(.*?)```", flags=re.DOTALL)


def python_blocks() -> list[str]:
    """The README's Python examples, in order, without the test files it shows (run apart)."""
    text = PYTEST_FILE.sub("", README.read_text(encoding="utf-8"))
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_examples_run_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = python_blocks()
    assert len(blocks) == 6
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
    assert namespace["slope"] == 2 * math.cos(0.5)
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
    assert len(commands) == 6
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for example in [
        *(README.parent / "viz" / "check" / "examples").glob("*.toml"),
        README.parent / "examples" / "tanh_neuron_check.toml",
    ]:
        shutil.copy(example, submissions)
    outputs = []
    for command in commands:
        command = command.replace("check.html", str(tmp_path / "check.html")).replace(
            "submissions/", f"{submissions}/"
        )
        command = command.replace("summary.html", str(tmp_path / "summary.html")).replace(
            "reports/", f"{tmp_path}/reports/"
        )
        args = shlex.split(command)
        result = subprocess.run(
            [sys.executable, *args], cwd=README.parent, capture_output=True, text=True, check=False
        )
        expected = 0 if "--template" in args else 1  # 1: the examples have wrong numbers
        assert result.returncode == expected, result.stderr
        assert result.stdout.strip()
        outputs.append(result.stdout)
    assert "<table>" in (tmp_path / "check.html").read_text(encoding="utf-8")
    summary = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert summary.count("-report.html") >= 5 and len(list((tmp_path / "reports").glob("*.html"))) == 5
    assert 'printed = ""' in outputs[4]
    (tmp_path / "key.toml").write_text(outputs[5], encoding="utf-8")
    key = subprocess.run(
        [sys.executable, "-m", "viz.check", str(tmp_path / "key.toml")], capture_output=True, text=True
    )
    assert key.returncode == 0 and "none wrong" in key.stdout  # the answer key checks all right


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


def _run_pytest(directory: Path, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", name],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )


def test_readme_test_file_passes_and_fails_readably_with_a_wrong_derivative(tmp_path: Path) -> None:
    ((name, source),) = PYTEST_FILE.findall(README.read_text(encoding="utf-8"))
    (tmp_path / name).write_text(source, encoding="utf-8")
    passed = _run_pytest(tmp_path, name)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "3 passed" in passed.stdout

    right = "derivative=lambda x, out: sigmoid(x) * (1 + x * (1 - sigmoid(x))),"
    assert source.count(right) == 1
    wrong_dir = tmp_path / "wrong"
    wrong_dir.mkdir()
    (wrong_dir / name).write_text(
        source.replace(right, "derivative=lambda x, out: sigmoid(x),"), encoding="utf-8"
    )
    failed = _run_pytest(wrong_dir, name)
    out = failed.stdout
    assert failed.returncode == 1 and "3 failed" in out, out
    assert "check_op(swish): the derivative rule disagrees with finite differences at x = " in out
    table_rows = [line for line in out.splitlines() if line.endswith("<-- mismatch")]
    assert len(table_rows) >= 3  # one per test
    assert any(row.split()[1] == "x" for row in table_rows)  # check_op names its input x
    assert any(row.split()[1:3] == ["input", "0"] for row in table_rows)  # assert_gradients: the input
    assert "Expression(" in out and "swish(x" in out  # the random graph prints as a program


def test_readme_walkthrough_command_on_a_file_writes_its_report(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    (command,) = re.findall(r"^\.venv/bin/python (-m viz\.walkthrough [^#\n]*)", text, flags=re.MULTILINE)
    args = shlex.split(command.replace("out/", str(tmp_path / "out")))
    result = subprocess.run(
        [sys.executable, *args], cwd=README.parent, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.rstrip()
        .splitlines()[-1]
        .startswith("Your own worked example: python -m viz.walkthrough")
    )
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [
        f"tanh-neuron-{p}" for p in ("backward.svg", "forward.svg", "replay.html", "report.html", "report.md")
    ]
