"""The walkthrough: every replayed value against independent truth, the errata flags exactly
the numbers that are wrong, and the files it promises are written and well formed."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from viz.walkthrough import EXAMPLES, Printed, Replay, walkthrough

from .truth import TRUTH, training_loop_003

DOCS = sorted(EXAMPLES)


@pytest.fixture(scope="module")
def replays() -> dict[str, Replay]:
    return {doc: EXAMPLES[doc](".6f") for doc in DOCS}


@pytest.mark.parametrize("doc", DOCS)
def test_every_printed_quantity_matches_independent_truth(doc: str, replays: dict[str, Replay]) -> None:
    truth = TRUTH[doc]()
    replay = replays[doc]
    keys = {p.key for p in replay.printed}
    assert keys <= set(truth), f"no independent truth for {sorted(keys - set(truth))}"
    for key in sorted(set(truth) & set(replay.values)):
        assert replay.values[key] == pytest.approx(truth[key], rel=1e-9, abs=1e-15), key


@pytest.mark.parametrize("doc", DOCS)
def test_errata_flags_exactly_the_numbers_that_are_wrong(doc: str, replays: dict[str, Replay]) -> None:
    truth = TRUTH[doc]()
    replay = replays[doc]
    expected = [abs(p.number - truth[p.key]) > p.tolerance + 1e-12 for p in replay.printed]
    flagged = [e.wrong for e in replay.errata()]
    assert flagged == expected
    for e in replay.errata():  # a flag always says why, and only flags do
        assert bool(e.printed.cause) == e.wrong, e.printed


def test_known_slips_are_among_the_flags(replays: dict[str, Replay]) -> None:
    def wrong(doc: str) -> set[str]:
        return {e.printed.key for e in replays[doc].errata() if e.wrong}

    assert {"dE_total/db1", "E[1]", "y[2]", "dE_total/dw6", "y_new[1]"} <= wrong("000")
    assert {"a_h1", "dE_o1/da_h1", "dE_o2/da_h1"} <= wrong("001") and "dE/dw5" not in wrong("001")
    assert {"dC/dW2_1", "dC/dW2_2", "adam W2_1"} <= wrong("002") and "dC/db2" not in wrong("002")
    assert {"z3_3", "L", "dW2_32"} <= wrong("003") and "z3_1" not in wrong("003")


def test_printed_precision_rule() -> None:
    assert Printed("k", "", "0.27483").tolerance == pytest.approx(5e-6)
    assert Printed("k", "", "8.24e-7").tolerance == pytest.approx(5e-10)
    assert Printed("k", "", "-0.9").tolerance == pytest.approx(0.05)
    assert Printed("k", "", "3").tolerance == pytest.approx(0.5)


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
        assert report.count("## Errata") == 1 and f"({doc}-forward.svg)" in report
        page = (tmp_path / f"{doc}-report.html").read_text(encoding="utf-8")
        assert page.count("<svg") == 2 + (doc == "003") and "<?xml" not in page
        assert page.count('class="wrong"') == sum(e.wrong for e in result[doc].errata())
    assert (tmp_path / "003-loss.svg").exists()


def test_walkthrough_options(tmp_path: Path) -> None:
    stream = io.StringIO()
    walkthrough(["001"], out=tmp_path, fmt=".3f", stream=stream)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "001-backward.svg",
        "001-forward.svg",
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
