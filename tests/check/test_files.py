"""Worked-example files: bad ones get errors naming the file and the entry, and nothing is written;
the reference language reads what it writes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from viz.check import WorkedExampleError, check, load, shipped
from viz.check.__main__ import main
from viz.check.refs import Apply, Deriv, Num, Ref, State, parse

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tanh_neuron_check.toml"


def good() -> dict[str, Any]:
    return {
        "id": "tiny",
        "network": {
            "inputs": 2,
            "layers": [{"activation": "sigmoid", "weights": [[0.1, 0.2]], "bias": [0.3], "a_names": ["o"]}],
        },
        "data": {"inputs": [1.0, 2.0], "targets": [1.0]},
        "loss": {"kind": "squared_error", "half": True},
        "optimizer": [{"kind": "sgd", "lr": 0.5}],
        "printed": [{"quantity": "o", "where": "forward", "printed": "0.6900"}],
    }


def edited(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(good())
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def test_the_tiny_example_checks() -> None:
    report = check(good())
    assert [v.cls for v in report.items] == ["exact"]


def test_a_toml_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('id = "x"\n[network]\ninputs = = 2\n', encoding="utf-8")
    with pytest.raises(WorkedExampleError, match=r"broken\.toml:3:\d+: TOML syntax error"):
        check(path)


def test_an_unknown_quantity_names_the_entry_and_the_nearest_names() -> None:
    data = edited(("printed", 0, "quantity"), "dE/dw_1")
    data["network"]["layers"][0]["weight_names"] = [["w1", "w2"]]
    with pytest.raises(
        WorkedExampleError, match=r"printed\[0\].*unknown name 'w_1'.*nearest known names: w1"
    ):
        check(data)


def test_a_formula_with_an_unknown_name_is_an_error() -> None:
    data = edited(("printed", 0, "formula"), "sigmoid(zz)")
    with pytest.raises(
        WorkedExampleError, match=r"printed\[0\] \('o' at 'forward'\): formula: unknown name 'zz'"
    ):
        check(data)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ("network", "layers", 0, "weights"),
            [[0.1, 0.2, 0.3]],
            r"layers\]\] 1: weights\[0\] has 3 weights, but",
        ),
        (("network", "layers", 0, "bias"), [0.3, 0.4], r"bias: expected 1 numbers, got 2"),
        (("data", "targets"), [1.0, 0.0], r"\[data\] targets: expected 1 numbers, got 2"),
        (("printed", 0, "printed"), "about 0.6", r"printed\[0\] \(o\): printed must be a number as printed"),
        (("printed", 0, "printed"), 0.69, r'write the printed number as a string \("0.69"\)'),
        (("printed", 0, "run"), "adam", r"run 'adam' is not an optimizer's name"),
        (("loss", "kind"), "hinge", r"\[loss\] kind: expected one of squared_error, cross_entropy"),
        (("network", "layers", 0, "activation"), "swish", r"expected one of identity, softmax, .*sig"),
        (("training",), {"steps": 99}, r"steps must be a whole number from 0 to 10"),
        (("network", "colour"), "red", r"\[network\]: unknown key\(s\) \['colour'\]"),
    ],
)
def test_bad_entries_are_named(path: tuple[Any, ...], value: Any, message: str) -> None:
    with pytest.raises(WorkedExampleError, match=message):
        check(edited(path, value))


def test_a_second_layer_whose_weights_do_not_match_the_first_is_named() -> None:
    data = good()
    data["network"]["layers"].append({"activation": "sigmoid", "weights": [[1.0, 2.0]]})
    with pytest.raises(
        WorkedExampleError,
        match=r"layers\]\] 2: weights\[0\] has 2 weights, but the layer reads 1 value \(layer 1's 1 neuron\)",
    ):
        check(data)


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("o'", r"after 1 step\(s\), but the example takes 0"),
        ("o[2]", r"sample 2 is out of range; the batch has 1"),
        ("epoch", r"epoch@stop"),
        ("m(W1_11)", r"Adam's state"),
        ("W1_11[1]", r"shared by all samples"),
    ],
)
def test_quantities_that_name_nothing_are_explained(quantity: str, message: str) -> None:
    data = edited(("printed", 0, "quantity"), quantity)
    data["training"] = {"steps": 0}
    with pytest.raises(WorkedExampleError, match=message):
        check(data)


def test_the_command_line_writes_nothing_for_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[network\n", encoding="utf-8")
    out = tmp_path / "out" / "report.html"
    assert main([str(bad), "--html", str(out), "--md", str(tmp_path / "r.md")]) == 2
    assert "bad.toml:1:" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "r.md").exists()
    assert main([str(tmp_path / "missing.toml")]) == 2
    assert "not a shipped example (000, 001, 002, 003)" in capsys.readouterr().err


def test_the_command_line_reports_json_html_and_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html, md = tmp_path / "r.html", tmp_path / "r.md"
    assert main([str(EXAMPLE), "--json", "--html", str(html), "--md", str(md)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"id", "title", "items", "counts", "first_wrong"}
    assert set(data["items"][0]) == {
        "index",
        "quantity",
        "where",
        "printed",
        "value",
        "units_off",
        "class",
        "inherits_from",
        "mistake",
        "repeat_of",
        "explanation",
    }
    assert data["counts"]["wrong"] == sum(
        i["class"] in ("slip", "typo", "inherited", "conceptual") for i in data["items"]
    )
    assert html.read_text(encoding="utf-8").count("data-index=") >= len(data["items"])
    assert "| # | where | quantity |" in md.read_text(encoding="utf-8")
    assert (tmp_path / "tanh-neuron-forward.svg").exists()  # the pictures the Markdown links, beside it


def test_shipped_examples_load_by_id() -> None:
    assert shipped() == ["000", "001", "002", "003"]
    assert load("002").id == "002"


NAMES = ["a_h1", "z_o1", "E", "w5", "delta_o1", "b1", "dx"]
names = st.sampled_from(NAMES)
refs = st.builds(
    Ref,
    names,
    st.none() | st.integers(1, 3),
    st.none() | st.integers(1, 2) | st.just("stop"),
)
atoms = (
    refs
    | st.builds(Deriv, refs, refs)
    | st.builds(State, st.sampled_from(["m", "v"]), refs)
    | st.builds(Num, st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 3)))
)
expressions = st.recursive(
    atoms,
    lambda inner: (
        st.builds(Apply, st.sampled_from(["+", "-", "*", "/", "**"]), st.tuples(inner, inner))
        | st.builds(Apply, st.sampled_from(["exp", "ln", "neg"]), st.tuples(inner))
    ),
    max_leaves=6,
)


@given(expressions)
def test_the_reference_language_reads_what_it_writes(expr: Any) -> None:
    text = str(expr)
    again = parse(text, lambda name: name in NAMES)
    assert str(again) == text
