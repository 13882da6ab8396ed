"""The example notebooks run top to bottom in a fresh kernel and show what they promise."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def run(path: Path, monkeypatch: pytest.MonkeyPatch) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    # the kernel imports the checkout's packages even where they are not installed
    paths = [str(EXAMPLES.parent), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}
    ).execute()
    return notebook


def outputs(notebook: nbformat.NotebookNode, mime: str) -> list[str]:
    found = []
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if mime in data:
                found.append(data[mime])
            if mime == "text/plain" and out.get("output_type") == "stream":
                found.append(out["text"])
    return found


def test_there_are_four_notebooks() -> None:
    assert [p.stem for p in NOTEBOOKS] == [
        "01_chain_rule_one_neuron",
        "02_worked_example_2_2_2",
        "03_moons",
        "04_attention",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_shows_its_results(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = run(path, monkeypatch)
    svgs = outputs(notebook, "image/svg+xml")
    text = "\n".join(outputs(notebook, "text/plain"))
    if path.stem.startswith("01"):
        assert len(svgs) == 2  # the Value itself and viz.draw
        assert any("Check: `autograd.grad(E, [w1])`" in md for md in outputs(notebook, "text/markdown"))
    elif path.stem.startswith("02"):
        assert "E_total: 0.298371109 -> 0.291027774" in text
        assert len(svgs) == 1
    elif path.stem.startswith("03"):
        assert "training accuracy 100%" in text
        assert len(outputs(notebook, "image/png")) == 2
    else:
        assert len(svgs) == 1  # the head's graph
        assert any("autograd.grad(L, [Wq[0][0]])" in md for md in outputs(notebook, "text/markdown"))
        last = [line for line in text.splitlines() if line.startswith("step 60")]
        assert len(last) == 1 and float(last[0].split("att2 ")[1].split()[0]) > 0.9
