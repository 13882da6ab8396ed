"""A class at once: one row per file, as CSV or one HTML page headed by the class's mistakes; the
exit status says whether any file was wrong or unusable; one file alone checks as before."""

from __future__ import annotations

import csv
import html
import io
import math
import shutil
from pathlib import Path
from typing import Any

import pytest

from viz.check import CheckerError, check
from viz.check import summary as summary_module
from viz.check.__main__ import main
from viz.check.report import text
from viz.check.template import template

ROOT = Path(__file__).resolve().parents[2]
TANH = ROOT / "examples" / "tanh_neuron_check.toml"


def answer_key(folder: Path, name: str) -> Path:
    """A student's page with every number right: the answer key of the tanh neuron."""
    path = folder / name
    path.write_text(template(TANH, answers=True), encoding="utf-8")
    return path


def with_slip(folder: Path, name: str) -> tuple[Path, str]:
    """The answer key with o printed wrong (a slip far from tanh(n)), and the quantity slipped."""
    path = answer_key(folder, name)
    o = math.tanh(2.0 * -3.0 + 6.8813735870195432)
    right = f'quantity = "o"\nwhere = "forward"\nprinted = "{o:.4f}"'
    text = path.read_text(encoding="utf-8")
    assert right in text
    path.write_text(text.replace(right, right.replace(f"{o:.4f}", f"{o + 0.3:.4f}")), encoding="utf-8")
    return path, "o"


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def class_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "class"
    folder.mkdir()
    answer_key(folder, "b_right.toml")
    with_slip(folder, "a_slip.toml")
    shutil.copy(TANH, folder / "c_concept.toml")
    (folder / "notes.txt").write_text("not a worked example", encoding="utf-8")
    return folder


def test_a_folder_gives_one_row_per_file_sorted(tmp_path: Path, capsys: Any) -> None:
    folder = class_folder(tmp_path)
    out = tmp_path / "summary.csv"
    assert main([str(folder), "--summary", str(out)]) == 1  # some wrong, none unusable
    rows = read_csv(out)
    assert [Path(r["file"]).name for r in rows] == ["a_slip.toml", "b_right.toml", "c_concept.toml"]
    slip, right, concept = rows
    assert right["status"] == "right" and right["wrong"] == "0" and right["first_wrong_quantity"] == ""
    assert slip["status"] == "wrong" and slip["first_wrong_quantity"] == "o"
    assert slip["first_wrong_class"] == "slip" and slip["first_wrong_mistake"] == ""
    # the tanh page forgets the activation's derivative in dE/dw1
    report = check(TANH)
    first = report.first_wrong
    assert first is not None
    assert concept["first_wrong_quantity"] == first.printed.quantity
    assert concept["conceptual"] == "1" and concept["report"] == ""
    for r in rows:
        checked = check(r["file"])
        assert {k: int(r[k]) for k in checked.counts} == checked.counts
    assert f"wrote {out}" in capsys.readouterr().out


def test_files_that_cannot_be_checked_get_a_row_with_their_error(tmp_path: Path) -> None:
    folder = class_folder(tmp_path)
    (folder / "d_broken.toml").write_text('id = "x"\n[network\n', encoding="utf-8")
    out = tmp_path / "summary.csv"
    assert main([str(folder), str(tmp_path / "missing.toml"), "--summary", str(out)]) == 2  # unusable wins
    rows = {Path(r["file"]).name: r for r in read_csv(out)}
    assert rows["d_broken.toml"]["status"] == "unusable"
    assert (
        "TOML syntax error" in rows["d_broken.toml"]["error"]
        and "d_broken.toml" in rows["d_broken.toml"]["error"]
    )
    assert rows["missing.toml"]["status"] == "unusable" and "no such file" in rows["missing.toml"]["error"]
    assert rows["missing.toml"]["wrong"] == ""


def test_every_file_right_exits_0(tmp_path: Path) -> None:
    answer_key(tmp_path, "one.toml")
    answer_key(tmp_path, "two.toml")
    out = tmp_path / "s.csv"
    assert main([str(tmp_path / "one.toml"), str(tmp_path / "two.toml"), "--summary", str(out)]) == 0
    assert [r["status"] for r in read_csv(out)] == ["right", "right"]


def test_a_checker_failure_on_one_file_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(source: Any) -> Any:
        raise CheckerError(f"{source}: the checker failed")

    monkeypatch.setattr(summary_module, "check", failing)
    out = tmp_path / "s.csv"
    assert main([str(TANH), "--summary", str(out)]) == 3
    assert read_csv(out)[0]["status"] == "checker error"


def test_reports_are_written_and_linked(tmp_path: Path) -> None:
    for group in ("monday", "tuesday"):  # the same file name in two folders: two reports
        (tmp_path / group).mkdir()
        with_slip(tmp_path / group, "alice.toml")
    out, reports = tmp_path / "out" / "summary.html", tmp_path / "reports"
    argv = [
        str(tmp_path / "monday"),
        str(tmp_path / "tuesday"),
        "--summary",
        str(out),
        "--reports",
        str(reports),
    ]
    assert main(argv) == 1
    names = sorted(p.name for p in reports.iterdir())
    assert names == ["alice-2-report.html", "alice-report.html"]
    page = out.read_text(encoding="utf-8")
    assert 'href="../reports/alice-report.html"' in page and 'href="../reports/alice-2-report.html"' in page
    assert "slip" in (reports / "alice-report.html").read_text(encoding="utf-8")
    csv_out = tmp_path / "summary.csv"
    assert main([str(tmp_path / "monday"), "--summary", str(csv_out), "--reports", str(reports)]) == 1
    assert read_csv(csv_out)[0]["report"] == str(reports / "alice-report.html")


def test_the_html_page_is_headed_by_the_mistakes_found(tmp_path: Path) -> None:
    folder = class_folder(tmp_path)
    shutil.copy(TANH, folder / "d_concept.toml")
    out = tmp_path / "summary.html"
    assert main([str(folder), "--summary", str(out)]) == 1
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and page.startswith("<!DOCTYPE html>")
    histogram = page[page.index("Mistakes from the catalogue") : page.index("Wrong numbers by class")]
    mistake = next(v.mistake for v in check(TANH).items if v.mistake is not None)
    assert mistake is not None
    row = histogram[histogram.index(html.escape(mistake.title)) :].split("</tr>")[0]
    assert '<td class="n">2</td><td class="n">2</td>' in row  # two files, one entry each
    assert 'style="width:50%"' in row  # of four files checked
    assert page.index("Wrong numbers by class") < page.index("<h2>Files</h2>")


def test_everything_on_the_page_is_escaped(tmp_path: Path) -> None:
    path = answer_key(tmp_path, "x.toml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title = "', 'title = "<script>alert(1)</script> & ', 1), encoding="utf-8")
    out = tmp_path / "s.html"
    assert main([str(path), "--summary", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page


@pytest.mark.parametrize("name, shown", [("summary.txt", "'.txt'"), ("summary", "no suffix")])
def test_a_summary_that_is_neither_csv_nor_html_is_a_usage_error(
    name: str, shown: str, tmp_path: Path, capsys: Any
) -> None:
    with pytest.raises(SystemExit) as caught:
        main([str(TANH), "--summary", str(tmp_path / name)])
    assert caught.value.code == 2
    assert shown in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "argv, message",
    [
        ([str(TANH), str(TANH)], "add --summary"),
        ([str(TANH), "--reports", "out"], "--reports DIR goes with --summary"),
        ([str(TANH), "--summary", "s.csv", "--json"], "--json check one file"),
        ([str(ROOT / "examples")], "is a folder: to check its files at once, add --summary"),
        ([], "give a worked-example file"),
    ],
)
def test_usage_errors_say_what_to_add(argv: list[str], message: str, capsys: Any) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_an_empty_folder_is_named(tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty"), "--summary", str(tmp_path / "s.csv")]) == 2
    assert "empty: a folder without any .toml" in capsys.readouterr().err
    assert not (tmp_path / "s.csv").exists()


def test_one_file_alone_checks_as_before(capsys: Any) -> None:
    assert main([str(TANH)]) == 1
    assert capsys.readouterr().out == text(check(TANH))
