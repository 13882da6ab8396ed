"""The walkthrough: every replayed value against independent truth, each report leads with the
check's verdict on the printed numbers, and the files it promises are written and well formed."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from viz.walkthrough import EXAMPLES, Replay, text, walkthrough

from .truth import TRUTH, training_loop_003

DOCS = sorted(EXAMPLES)


@pytest.fixture(scope="module")
def replays() -> dict[str, Replay]:
    return {doc: EXAMPLES[doc](".6f") for doc in DOCS}


@pytest.mark.parametrize("doc", DOCS)
def test_every_replayed_value_matches_independent_truth(doc: str, replays: dict[str, Replay]) -> None:
    truth = TRUTH[doc]()
    replay = replays[doc]
    shared = sorted(set(truth) & set(replay.values))
    assert len(shared) >= 0.6 * len(replay.values), "most of the walkthrough's values have a hand calculation"
    for key in shared:
        assert replay.values[key] == pytest.approx(truth[key], rel=1e-9, abs=1e-15), key


@pytest.mark.parametrize("doc", DOCS)
def test_the_report_leads_with_the_checks_verdict(doc: str, replays: dict[str, Replay]) -> None:
    report = replays[doc].check
    assert report.id == doc and report.counts["wrong"] > 0
    first = report.first_wrong
    assert first is not None
    lines = text(replays[doc], lambda x: f"{x:.6f}").splitlines()
    assert lines[1].startswith(f"{report.counts['wrong']} wrong (")
    assert lines[2].startswith(f"First wrong step: {first.printed.quantity} ({first.printed.where})")
    assert lines[3] == "Wrong numbers:"


def test_training_loop_stops_where_the_documents_code_does(replays: dict[str, Replay]) -> None:
    epoch, loss = training_loop_003()
    assert replays["003"].values["epochs"] == epoch
    assert replays["003"].values["final_L"] == pytest.approx(loss, rel=1e-9)
    assert len(replays["003"].loss_curve) == epoch


def test_walkthrough_writes_every_promised_file(tmp_path: Path) -> None:
    stream = io.StringIO()
    result = walkthrough(out=tmp_path, stream=stream)
    assert sorted(result) == DOCS
    printed = stream.getvalue()
    for doc in DOCS:
        assert f"=== {doc}: " in printed
        for stage in ("forward", "backward"):
            svg = tmp_path / f"{doc}-{stage}.svg"
            root = ET.fromstring(svg.read_text(encoding="utf-8"))
            assert root.tag.endswith("svg")
        report = (tmp_path / f"{doc}-report.md").read_text(encoding="utf-8")
        assert report.count("## What the document gets wrong") == 1 and f"({doc}-forward.svg)" in report
        assert report.index("### Wrong numbers") < report.index("## Step")
        page = (tmp_path / f"{doc}-report.html").read_text(encoding="utf-8")
        assert page.count("<svg") == 2 + (doc == "003") and "<?xml" not in page
        counts = result[doc].check.counts
        wrong_table = page.split("<h3>Wrong numbers</h3>")[1].split("</table>")[0]
        assert wrong_table.count("<tr class=") == counts["wrong"]
    assert (tmp_path / "003-loss.svg").exists()


def test_walkthrough_options(tmp_path: Path) -> None:
    stream = io.StringIO()
    walkthrough(["001"], out=tmp_path, fmt=".3f", stream=stream)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "001-backward.svg",
        "001-forward.svg",
        "001-replay.html",
        "001-report.html",
        "001-report.md",
    ]
    assert "0.593" in stream.getvalue() and "0.593270" not in stream.getvalue()
    with pytest.raises(ValueError, match=r"unknown document \['004'\]"):
        walkthrough(["004"], out=tmp_path, quiet=True)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from viz.walkthrough.__main__ import main

    main(["--doc", "002", "--out", str(tmp_path), "--fmt", ".4f"])
    assert "=== 002: " in capsys.readouterr().out
    assert (tmp_path / "002-report.html").exists()


LOSS_KEYS = {"000": "E_total", "001": "E_total", "002": "C", "003": "L"}


@pytest.mark.parametrize("doc", DOCS)
def test_the_code_each_report_shows_runs_and_gives_its_loss(doc: str, replays: dict[str, Replay]) -> None:
    """The short program printed at the top of each report is real: run up to its backward call,
    it computes the same loss as the replay (whose values are checked against hand calculations)."""
    import importlib

    import nn

    module = importlib.import_module(f"viz.walkthrough.example_{doc}")
    lines = module.CODE.splitlines()
    upto = next(i for i, line in enumerate(lines) if line.endswith(".backward()"))
    namespace: dict[str, object] = {**vars(nn), "X": getattr(module, "X", None)}
    exec("\n".join(lines[: upto + 1]), namespace)
    loss_name = lines[upto].removesuffix(".backward()")
    assert loss_name == LOSS_KEYS[doc]
    loss = namespace[loss_name]
    assert loss.data == pytest.approx(replays[doc].values[LOSS_KEYS[doc]], rel=1e-12)  # type: ignore[attr-defined]
