"""Worksheets and answer keys: blank entries are named but never checked; a template lists every
quantity of a setup in textbook order; an answer key filled in by the replay checks right."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from viz.check import EXAMPLES_DIR, WorkedExampleError, check, load, shipped
from viz.check.__main__ import main
from viz.check.spec import tomllib
from viz.check.template import TemplateError, setup_text, template, to_toml

ROOT = Path(__file__).resolve().parents[2]
TANH = ROOT / "examples" / "tanh_neuron_check.toml"
EVERY_EXAMPLE = [
    *(EXAMPLES_DIR / f"{ident}.toml" for ident in shipped()),
    *sorted((ROOT / "examples").glob("*_check.toml")),
]
VARIANT = """
[[variant]]
name = "other weights"
layers = [{ weights = [[1.5, -0.5]], bias = [0.25] }]
"""


def entries(sheet: str) -> list[dict[str, Any]]:
    printed: list[dict[str, Any]] = tomllib.loads(sheet)["printed"]
    return printed


def tiny(printed: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "network": {"inputs": 1, "layers": [{"activation": "tanh", "weights": [[0.5]], "a_names": ["o"]}]},
        "data": {"inputs": [1.0], "targets": [1.0]},
        "loss": {"kind": "squared_error"},
        "training": {"steps": 0},
        "printed": printed,
    }


# ---- blank entries ---------------------------------------------------------------------------------


def test_a_blank_entry_is_named_but_not_checked(tmp_path: Path, capsys: Any) -> None:
    data = tiny(
        [
            {"quantity": "z1_1", "where": "forward", "printed": "0.5"},
            {"quantity": "o", "where": "forward", "printed": ""},
            {"quantity": "dE/dz1_1", "where": "backward", "printed": "  "},
        ]
    )
    report = check(data)
    assert [v.printed.quantity for v in report.items] == ["z1_1"]
    assert [(p.index, p.quantity) for p in report.blank] == [(1, "o"), (2, "dE/dz1_1")]
    assert report.counts["numbers"] == 1 and report.counts["wrong"] == 0
    assert report.to_dict()["blank"] == [
        {"index": 1, "quantity": "o", "where": "forward"},
        {"index": 2, "quantity": "dE/dz1_1", "where": "backward"},
    ]
    path = tmp_path / "sheet.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 not filled in yet" in out and "Not filled in yet (not checked): #1 o, #2 dE/dz1_1." in out


def test_a_file_without_blank_entries_reports_as_before() -> None:
    data = check(TANH).to_dict()
    assert set(data) == {"id", "title", "items", "counts", "first_wrong"}


def test_a_blank_entrys_quantity_must_still_name_something() -> None:
    data = tiny([{"quantity": "dE/dw9", "where": "backward", "printed": ""}])
    with pytest.raises(
        WorkedExampleError, match=r"printed\[0\] \('dE/dw9' at 'backward'\): quantity: unknown"
    ):
        check(data)


def test_a_missing_printed_string_is_still_an_error() -> None:
    data = tiny([{"quantity": "o", "where": "forward"}])
    with pytest.raises(WorkedExampleError, match=r'or "" for an entry not filled in yet'):
        check(data)


# ---- worksheets ---------------------------------------------------------------------------------------


def test_a_worksheet_keeps_the_setup_as_written_and_leaves_every_number_blank() -> None:
    text = TANH.read_text(encoding="utf-8")
    sheet = template(TANH)
    assert sheet.startswith(text[: text.index("[[printed]]")].rstrip())  # comments included
    printed = entries(sheet)
    assert printed and all(entry["printed"] == "" for entry in printed)
    original = {e["printed"] for e in tomllib.loads(text)["printed"]}
    assert not any(f'printed = "{number}"' in sheet for number in original)


def test_a_worksheet_lists_every_quantity_in_textbook_order() -> None:
    ex = load("000")
    printed = entries(template("000"))
    quantities = [e["quantity"] for e in printed]
    assert len(set(quantities)) == len(quantities)
    weights = [name for layer in ex.layers for row in layer.weight_names for name in row]
    biases = [name for layer in ex.layers for name in layer.bias_names]
    for name in [*weights, *biases]:  # every parameter: its gradient, then its update
        assert quantities.index(f"dE/d{name}") < quantities.index(f"{name}'")
    nodes = [n for layer in ex.layers for n in [*layer.z_names, *layer.a_names]]
    for name in nodes:
        for s in (1, 2):  # both samples of the batch, forward then backward
            assert (
                quantities.index(f"{name}[{s}]")
                < quantities.index("E")
                < quantities.index(f"dE/d{name}[{s}]")
            )
    # backwards: the output layer's gradients before the hidden layer's
    assert quantities.index("dE/dw5") < quantities.index("dE/dz_h1[1]") < quantities.index("dE/dw1")
    groups = [e["where"] for e in printed]
    order = ["forward", "loss", "backward", "update", "forward after 1 step", "loss after 1 step"]
    assert list(dict.fromkeys(groups)) == order


def test_a_graph_worksheet_names_its_nodes_and_inputs() -> None:
    path = ROOT / "examples" / "lecture_expression_check.toml"
    quantities = [e["quantity"] for e in entries(template(path))]
    assert quantities[:3] == ["e", "d", "L"]
    assert {"dL/da", "dL/db", "dL/dc", "dL/df", "dL/de", "dL/dd"} <= set(quantities)
    assert quantities.index("dL/dd") < quantities.index("dL/de") < quantities.index("dL/da")


@pytest.mark.parametrize("path", EVERY_EXAMPLE, ids=lambda p: p.stem)
def test_every_shipped_example_round_trips(path: Path, tmp_path: Path, capsys: Any) -> None:
    sheet, key = tmp_path / "sheet.toml", tmp_path / "key.toml"
    assert main(["--template", str(path), "--out", str(sheet)]) == 0
    assert main(["--template", str(path), "--answers", "--out", str(key)]) == 0
    assert capsys.readouterr().out == ""
    blank = check(sheet)
    assert blank.items == [] and len(blank.blank) == len(entries(sheet.read_text(encoding="utf-8")))
    report = check(key)
    assert report.blank == [] and len(report.items) == len(blank.blank)
    assert {v.cls for v in report.items} <= {"exact", "rounding"}
    assert main([str(key)]) == 0
    for entry, verdict in zip(entries(key.read_text(encoding="utf-8")), report.items):
        assert verdict.printed.quantity == entry["quantity"]
        if not entry["quantity"].startswith("epoch"):
            assert re.fullmatch(r"-?\d+\.\d{4}", entry["printed"]), entry


def test_an_answer_key_holds_the_values_worked_by_hand(capsys: Any) -> None:
    assert main(["--template", str(TANH), "--answers", "--decimals", "6"]) == 0
    answers = {e["quantity"]: float(e["printed"]) for e in entries(capsys.readouterr().out)}
    x1, x2, w1, w2, b, y, lr = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432, 1.0, 0.1
    n = x1 * w1 + x2 * w2 + b
    o = math.tanh(n)
    de_dn = (o - y) * (1 - o**2)
    w1_after, w2_after, b_after = w1 - lr * de_dn * x1, w2 - lr * de_dn * x2, b - lr * de_dn
    o_after = math.tanh(x1 * w1_after + x2 * w2_after + b_after)
    expected = {
        "n": n,
        "o": o,
        "E": 0.5 * (o - y) ** 2,
        "dE/do": o - y,
        "dE/dn": de_dn,
        "dE/dw1": de_dn * x1,
        "dE/db": de_dn,
        "w1'": w1_after,
        "b'": b_after,
        "o'": o_after,
        "E'": 0.5 * (o_after - y) ** 2,
    }
    for quantity, value in expected.items():
        assert answers[quantity] == pytest.approx(value, abs=5e-7), quantity


def test_variants_get_their_own_entries(tmp_path: Path) -> None:
    path = tmp_path / "variant.toml"
    path.write_text(TANH.read_text(encoding="utf-8") + VARIANT, encoding="utf-8")
    key = template(path, answers=True)
    printed = entries(key)
    own = [e for e in printed if "variant" not in e]
    other = [e for e in printed if e.get("variant") == "other weights"]
    assert [e["quantity"] for e in own] == [e["quantity"] for e in other]
    n = 2.0 * 1.5 + 0.25  # the variant's own forward pass, by hand
    assert float(next(e for e in other if e["quantity"] == "o")["printed"]) == pytest.approx(
        math.tanh(n), abs=5e-5
    )
    (tmp_path / "key.toml").write_text(key, encoding="utf-8")
    report = check(tmp_path / "key.toml")
    assert report.counts["wrong"] == 0 and len(report.items) == len(printed)


def test_tables_after_the_printed_entries_are_kept(tmp_path: Path) -> None:
    text = TANH.read_text(encoding="utf-8") + '\n# the report\n[report]\nhighlight = "w1"\n'
    kept = setup_text(text)
    assert "# the report\n[report]" in kept and "[[printed]]" not in kept
    assert tomllib.loads(kept)["report"] == {"highlight": "w1"}


def test_inline_printed_entries_are_left_out_of_a_rebuilt_setup(tmp_path: Path) -> None:
    data = tiny([{"quantity": "o", "where": "forward", "printed": "0.4621"}])
    text = 'printed = [{ quantity = "o", where = "forward", printed = "0.4621" }]\n' + to_toml(
        {k: v for k, v in data.items() if k != "printed"}
    )
    kept = setup_text(text)
    assert "printed" not in tomllib.loads(kept)
    assert tomllib.loads(kept) == {k: v for k, v in data.items() if k != "printed"}


def test_a_setup_whose_names_cannot_be_written_is_named(tmp_path: Path, capsys: Any) -> None:
    data = tiny([])
    data["network"]["layers"][0]["z_names"] = ["net input"]  # a name the reference language cannot read
    path = tmp_path / "odd.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    with pytest.raises(TemplateError, match=r"odd\.toml: cannot write a worksheet: the quantity 'net input'"):
        template(path)
    assert main(["--template", str(path)]) == 2
    assert "cannot write a worksheet" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--template", "000", "--decimals", "3"], "--decimals N goes with --answers"),
        (["--template", "000", "--answers", "--decimals", "-1"], "from 0 to 15"),
        (["000", "--answers"], "--answers go(es) with --template"),
        (["000", "--out", "x.toml"], "--out go(es) with --template"),
        (["--template", "000", "001"], "--template FILE takes no other file"),
    ],
)
def test_worksheet_options_out_of_place_are_usage_errors(argv: list[str], message: str, capsys: Any) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_a_template_of_a_missing_file_is_the_files_error(capsys: Any) -> None:
    assert main(["--template", "no-such-file.toml"]) == 2
    assert "no-such-file.toml: no such file" in capsys.readouterr().err


def test_an_answer_key_at_two_decimals(capsys: Any) -> None:
    assert main(["--template", "001", "--answers", "--decimals", "2"]) == 0
    printed = entries(capsys.readouterr().out)
    assert all(re.fullmatch(r"-?\d+\.\d{2}", e["printed"]) for e in printed)
    assert json.dumps(printed)  # plain strings throughout
