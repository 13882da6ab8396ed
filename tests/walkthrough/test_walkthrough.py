"""The walkthrough: one data-driven report for any worked-example file. The replay's graph carries
the document's names and independently computed values; every printed number, section and asked-for
explanation is in the report; every wrong derivative is explained with its evidence; bad input
writes nothing."""

from __future__ import annotations

import html as markup
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd.graph import topological_order
from viz.check import load, shipped
from viz.check.__main__ import main as check_main
from viz.check.engine_run import step_graph
from viz.check.ledger import Ledger
from viz.walkthrough import Document, OutputError, build, files, markdown, page, text, walkthrough, write
from viz.walkthrough.__main__ import OWN_FILE
from viz.walkthrough.__main__ import main as walkthrough_main

from .truth import TRUTH, training_loop_003

DOCS = shipped()
ROOT = Path(__file__).resolve().parents[2]
TANH = ROOT / "examples" / "tanh_neuron_check.toml"
DERIVATIVES = ("D", "L")


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {doc: build(doc) for doc in DOCS}


def test_the_four_documents_are_data_only() -> None:
    folder = ROOT / "viz" / "walkthrough"
    assert not list(folder.glob("example_*.py"))
    assert DOCS == ["000", "001", "002", "003"]


@pytest.mark.parametrize("doc", DOCS)
def test_the_replays_graph_carries_the_documents_names_and_independent_values(doc: str) -> None:
    ex = load(doc)
    graph = step_graph(Ledger(ex, ex.optimizers[0]))
    truth = TRUTH[doc]()
    labelled = {node.label: node.data for node in topological_order(graph.root)}
    shared = sorted(set(truth) & set(labelled))
    assert len(shared) >= 5
    for name in shared:
        assert labelled[name] == pytest.approx(truth[name], rel=1e-9), name
    names = {n for layer in ex.layers for row in layer.weight_names for n in row} | set(ex.input_names)
    plain = {re.sub(r"\[\d+\]$", "", label) for label in labelled}
    assert names <= plain


@pytest.mark.parametrize("doc", DOCS)
def test_every_printed_number_section_and_explanation_is_in_the_report(
    doc: str, docs: dict[str, Document]
) -> None:
    d = docs[doc]
    html, md = page(d), markdown(d)
    for v in d.check.items:
        anchor = f'id="printed-{v.printed.index}"'
        assert html.count(anchor) == 1 and md.count(anchor) == 1, v.printed.label()
        row = html.split(anchor)[1].split("</tr>")[0]
        assert f"<td>{v.printed.shown}</td>" in row and f"<td>{v.value:.10g}</td>" in row
    spec = d.check.example.report
    assert spec.sections, "the shipped documents keep their section titles and notes as data"
    for section in spec.sections:
        assert html.count(f"<h2>{markup.escape(section.title)}</h2>") == 1, section.title
        for quantity in section.explain:
            assert f"<strong>{markup.escape(quantity)}</strong>" in html, quantity
        for quantity in section.show:
            assert f"<td>{markup.escape(quantity)}</td>" in html, quantity
    for name in ("What the document gets wrong", "The network in a few lines of the library"):
        assert f"<h2>{name}</h2>" in html and f"## {name}" in md
    assert "<h2>Watch the step happen</h2>" in html and "<iframe srcdoc=" in html
    assert html.count("<svg") == 2 + (doc == "003") and md.count("-backward.svg)") == 1


@pytest.mark.parametrize("doc", DOCS)
def test_every_wrong_derivative_is_explained_with_its_evidence(doc: str, docs: dict[str, Document]) -> None:
    d = docs[doc]
    explained = {e.verdict.printed.index: e for e in d.explained if e.verdict is not None}
    wrong = [v for v in d.check.items if v.wrong and v.repeat_of is None and v.key[0] in DERIVATIVES]
    assert sorted(explained) == [v.printed.index for v in wrong]
    html = page(d)
    for v in wrong:
        e = explained[v.printed.index]
        assert e.explanation.matches and e.explanation.gradient == pytest.approx(v.value, rel=1e-9)
        block = html.split(f"<strong>{markup.escape(v.printed.quantity)}</strong>: #{v.printed.index} ")[
            1
        ].split('<div class="explained')[0]
        assert f"printed {v.printed.shown}" in block
        for source in v.inherits_from:
            assert f'href="#printed-{source}"' in block
        if v.mistake is not None:
            rules = [f for f in e.formulas if f.used != f.right]
            assert rules and all(f"evidently used {markup.escape(f.used)}" in block for f in rules)


def test_the_tanh_example_gives_the_full_set_with_the_files_names(tmp_path: Path) -> None:
    assert walkthrough_main([str(TANH), "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"tanh-neuron-{part}"
        for part in ("backward.svg", "forward.svg", "replay.html", "report.html", "report.md")
    ]
    svg = ET.fromstring((tmp_path / "tanh-neuron-forward.svg").read_text(encoding="utf-8"))
    names = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.get("font-weight") == "bold"}
    assert {"x1", "x2", "w1", "w2", "b", "n", "o", "E"} <= names  # each node's name, in bold
    report = (tmp_path / "tanh-neuron-report.html").read_text(encoding="utf-8")
    block = report.split("<strong>dE/dw1</strong>")[1].split("</div>")[0]
    assert "activation derivative forgotten" in block.lower() and "evidently used kron" in block
    assert "∂o/∂n" in (tmp_path / "tanh-neuron-report.md").read_text(encoding="utf-8")


def test_a_new_file_is_a_new_worked_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A worked example nobody wrote code for: a batch of two, a ReLU hidden layer, Adam, a loop."""
    source = tmp_path / "mine.toml"
    source.write_text(
        """id = "mine"
title = "A 1-2-1 network on two samples"
[network]
inputs = 1
[[network.layers]]
activation = "relu"
weights = [[0.5], [-0.3]]
bias = [0.1, 0.2]
a_names = ["h1", "h2"]
[[network.layers]]
activation = "sigmoid"
weights = [[0.7, 0.2]]
bias = 0.0
a_names = ["yhat"]
[data]
inputs = [[1.0], [2.0]]
targets = [[1.0], [0.0]]
[loss]
kind = "squared_error"
[[optimizer]]
kind = "adam"
lr = 0.05
[training]
steps = 1
stop_below = 0.05
[report]
highlight = "W1_11"
[[report.sections]]
where = "backward"
title = "Backward, by hand"
explain = ["dE/dW2_11"]
show = ["epoch@stop"]
[[printed]]
quantity = "yhat[1]"
where = "forward"
printed = "0.6"
[[printed]]
quantity = "dE/dW1_11"
where = "backward, first weight"
printed = "0.5"
""",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert walkthrough_main([str(source), "--out", str(out)]) == 0
    assert OWN_FILE in capsys.readouterr().out
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        f"mine-{p}"
        for p in ("backward.svg", "forward.svg", "loss.svg", "replay.html", "report.html", "report.md")
    ]
    html = (out / "mine-report.html").read_text(encoding="utf-8")
    assert "<h2>forward</h2>" in html and "<h2>Backward, by hand</h2>" in html
    assert "<strong>dE/dW2_11</strong>" in html and "<strong>dE/dW1_11</strong>: #1 " in html


def test_the_report_leads_with_the_checks_verdict(docs: dict[str, Document]) -> None:
    for d in docs.values():
        report = d.check
        first = report.first_wrong
        assert first is not None
        lines = text(d).splitlines()
        assert lines[1].startswith(f"{report.counts['wrong']} wrong (")
        assert lines[2].startswith(f"First wrong step: {first.printed.quantity} ({first.printed.where})")
        assert lines[3] == "Wrong numbers:"
        md = markdown(d)
        assert md.index("### Wrong numbers") < md.index(f"## {d.sections[0].title}")


def test_the_training_loop_stops_where_the_documents_code_does(docs: dict[str, Document]) -> None:
    epoch, loss = training_loop_003()
    d = docs["003"]
    assert d.check.shown["epoch@stop"] == epoch and d.check.shown["L@stop"] == pytest.approx(loss, rel=1e-9)
    assert len(d.loss_curve) == epoch and d.loss_curve[-1] == pytest.approx(loss, rel=1e-9)
    assert "003-loss.svg" in files(d)


def test_the_main_command_writes_every_shipped_report(tmp_path: Path) -> None:
    stream = io.StringIO()
    result = walkthrough(out=tmp_path, stream=stream)
    assert sorted(result) == DOCS
    for doc in DOCS:
        assert f"=== {doc}: " in stream.getvalue()
        for stage in ("forward", "backward"):
            assert ET.fromstring((tmp_path / f"{doc}-{stage}.svg").read_text(encoding="utf-8")).tag.endswith(
                "svg"
            )
    assert (tmp_path / "003-loss.svg").exists() and len(list(tmp_path.iterdir())) == 21


def test_fmt_writes_the_pictures_and_explanations(tmp_path: Path) -> None:
    stream = io.StringIO()
    walkthrough(["001"], out=tmp_path, fmt=".3f", stream=stream)
    svg = (tmp_path / "001-forward.svg").read_text(encoding="utf-8")
    assert ">0.593<" in svg.replace("&#160;", "") or "0.593" in svg
    assert "0.593270" not in svg


def test_check_html_and_md_are_the_walkthroughs_report(tmp_path: Path) -> None:
    html, md = tmp_path / "check.html", tmp_path / "md" / "check.md"
    assert check_main([str(TANH), "--html", str(html), "--md", str(md)]) == 1
    d = build(TANH)
    assert html.read_text(encoding="utf-8") == page(d)
    assert md.read_text(encoding="utf-8") == markdown(d)
    assert sorted(p.name for p in md.parent.iterdir()) == [
        "check.md",
        "tanh-neuron-backward.svg",
        "tanh-neuron-forward.svg",
    ]


def test_a_file_that_cannot_be_checked_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(TANH.read_text(encoding="utf-8").replace('quantity = "dE/dw1"', 'quantity = "dE/dw_1"'))
    out = tmp_path / "out"
    assert walkthrough_main([str(TANH), str(bad), "--out", str(out)]) == 2
    said = capsys.readouterr().err
    assert check_main([str(bad)]) == 2
    assert said == capsys.readouterr().err and "nearest known names: w1" in said and "bad.toml" in said
    assert not out.exists()


def test_a_bad_report_entry_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        TANH.read_text(encoding="utf-8").replace(
            "[[printed]]", '[[report.sections]]\nwhere = "forward"\nexplain = ["o"]\n\n[[printed]]', 1
        )
    )
    assert walkthrough_main([str(bad), "--out", str(tmp_path / "out")]) == 2
    assert "[[report.sections]] 1 explain[0]: 'o' is not a derivative" in capsys.readouterr().err


def test_a_folder_that_cannot_be_written_is_named_and_nothing_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert walkthrough_main([str(TANH), "--out", str(blocker)]) == 2
    assert str(blocker) in capsys.readouterr().err
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "b.html").mkdir()  # a file of the set cannot be written: the one before it is removed
    with pytest.raises(OutputError, match=re.escape(str(folder))):
        write({"a.svg": "<svg/>", "b.html": "<p/>"}, folder)
    assert sorted(p.name for p in folder.iterdir()) == ["b.html"]


@pytest.mark.parametrize(("width", "figures", "page"), [(2, 2, True), (8, 2, False), (16, 0, False)])
def test_a_large_network_is_reported_without_what_it_is_too_large_for(
    width: int, figures: int, page: bool
) -> None:
    """A picture shows up to 500 nodes and a replay steps through up to 150: a larger graph's
    report says so instead, and still checks and explains every number."""
    quantity = "dE/dW1_11" if width <= 9 else "dE/dW1_1_1"  # the default names of a wide layer
    layer = {"activation": "tanh", "weights": [[0.01 * (j - k) for k in range(width)] for j in range(width)]}
    data = {
        "id": f"wide-{width}",
        "network": {"inputs": width, "layers": [layer, {**layer, "activation": "sigmoid"}]},
        "data": {"inputs": [0.1] * width, "targets": [0.5] * width},
        "loss": {"kind": "squared_error"},
        "optimizer": [{"kind": "sgd", "lr": 0.1}],
        "printed": [{"quantity": quantity, "where": "backward", "printed": "0.5"}],
    }
    d = build(data)
    assert len(d.figures) == figures and (d.page is not None) == page
    assert len(d.notes) == (not page) and all("nodes" in note for note in d.notes)
    assert [e.quantity for e in d.explained] == [quantity] and d.explained[0].explanation.matches
    assert all(note in text(d) and note in markdown(d) for note in d.notes)


# The chain rules the four documents' reports have always explained, now asked for by their files.
EXPLAINED_BEFORE = {
    "000": ["dE/dw5", "dE/db1", "dE[1]/dw1"],
    "001": ["dE_total/dw5", "dE_total/dw1"],
    "002": ["dC/dW2_1"],
    "003": ["dL/dW1_11"],
}


@pytest.mark.parametrize("doc", DOCS)
def test_the_reports_keep_the_explanations_they_had(doc: str, docs: dict[str, Document]) -> None:
    explained = {e.quantity: e for e in docs[doc].explained}
    for quantity in EXPLAINED_BEFORE[doc]:
        assert quantity in explained and explained[quantity].explanation.matches, quantity


def test_an_inherited_number_links_to_what_it_inherits_from(docs: dict[str, Document]) -> None:
    inherited = [(d, v) for d in docs.values() for v in d.check.items if v.inherits_from]
    assert len(inherited) >= 10
    for d, v in inherited:
        html, md = page(d), markdown(d)
        row = html.split(f'id="printed-{v.printed.index}"')[1].split("</tr>")[0]
        md_row = md.split(f'<a id="printed-{v.printed.index}"></a>')[1].split("\n")[0]
        for source in v.inherits_from:
            assert f'<a href="#printed-{source}">#{source}</a>' in row
            assert f"[#{source}](#printed-{source})" in md_row


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.toml")), ids=lambda p: p.stem)
def test_every_example_file_gets_the_full_report(path: Path, tmp_path: Path) -> None:
    assert walkthrough_main([str(path), "--out", str(tmp_path)]) == 0
    d = build(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files(d))
    wrong = [v for v in d.check.items if v.wrong and v.repeat_of is None and v.key[0] in DERIVATIVES]
    assert len([e for e in d.explained if e.verdict is not None]) == len(wrong) > 0
