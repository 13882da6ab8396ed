"""The web page, used as a person would in headless Chromium: it checks with chainrule itself
(Pyodide), and says what the command line says."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from viz.site import Site

from .conftest import Page, repo_file


def command_line(path: Path) -> dict[str, Any]:
    """What ``python -m viz.check FILE --json`` prints for ``path``."""
    done = subprocess.run(
        [sys.executable, "-m", "viz.check", str(path), "--json"], capture_output=True, text=True, check=False
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def command_line_error(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "viz.check", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2, done.stdout
    return done.stderr.removeprefix("error: ").strip()


def page_report(page: Page) -> dict[str, Any]:
    """The report the page holds: its data-* attributes, decoded."""
    data = page.report()
    return {
        "id": data["id"],
        "counts": json.loads(data["counts"] or "{}"),
        "first_wrong": int(data["firstWrong"]) if data["firstWrong"] else None,
        "first_wrong_quantity": data["firstWrongQuantity"],
        "first_wrong_class": data["firstWrongClass"],
    }


def expected(cli: dict[str, Any]) -> dict[str, Any]:
    first = next((item for item in cli["items"] if item["index"] == cli["first_wrong"]), None)
    return {
        "id": cli["id"],
        "counts": cli["counts"],
        "first_wrong": cli["first_wrong"],
        "first_wrong_quantity": first["quantity"] if first else "",
        "first_wrong_class": first["class"] if first else "",
    }


def test_a_linked_example_is_checked_within_ten_seconds_as_the_command_line_checks_it(
    page: Page, site: Site
) -> None:
    started = time.perf_counter()
    page.open("#example=001")
    page.tab.wait_for_selector("#report[data-state=checked]", timeout=60_000)
    seconds = time.perf_counter() - started
    print(f"first check result {seconds:.1f} s after opening the page; the site is {site.size / 1e6:.1f} MB")
    assert seconds < 10
    assert page_report(page) == expected(command_line(site.folder / "examples" / "001.toml"))
    assert page.tab.locator("#headline").inner_text().startswith("5 wrong")
    assert page.tab.locator("#first-wrong").inner_text().startswith("First wrong step: a_h1")
    frame = page.tab.frame_locator("#report-frame")
    assert "Worked example 001" in frame.locator("h1").inner_text()
    assert frame.locator("figure svg").count() >= 2  # the graphs, laid out by the WebAssembly Graphviz


def test_setting_a_wrong_number_right_changes_the_counts_as_the_command_line_does(
    page: Page, site: Site, tmp_path: Path
) -> None:
    page.open("#example=001")
    page.tab.wait_for_selector("#report[data-state=checked]", timeout=60_000)
    before = page_report(page)
    cli = command_line(site.folder / "examples" / "001.toml")
    first = next(item for item in cli["items"] if item["index"] == cli["first_wrong"])
    text = page.source()
    right = f"{first['value']:.10f}"
    edited = text.replace(f'"{first["printed"]}"', f'"{right}"', 1)
    assert edited != text
    page.tab.fill("#source", edited)
    page.check()
    after = page_report(page)
    (tmp_path / "001.toml").write_text(edited, encoding="utf-8")
    assert after == expected(command_line(tmp_path / "001.toml"))
    assert after["counts"]["wrong"] < before["counts"]["wrong"]
    assert after["first_wrong"] != before["first_wrong"]


def test_a_malformed_file_shows_the_checkers_message_and_leaves_the_report(
    page: Page, site: Site, tmp_path: Path
) -> None:
    page.open("#example=tanh-neuron")
    page.tab.wait_for_selector("#report[data-state=checked]", timeout=60_000)
    before = page.report()
    broken = page.source().replace("[network]", "[network", 1)
    page.tab.fill("#source", broken)
    page.check()
    shown = page.tab.locator("#error-text").inner_text()
    (tmp_path / "tanh-neuron.toml").write_text(broken, encoding="utf-8")
    said = command_line_error(tmp_path / "tanh-neuron.toml")
    assert shown == said.replace(str(tmp_path / "tanh-neuron.toml"), "tanh-neuron.toml")
    line = re.match(r"tanh-neuron\.toml:(\d+):\d+: ", shown)
    assert line is not None
    assert page.tab.locator("#gutter .at").inner_text().strip() == line.group(1)  # the line is marked
    assert page.tab.locator("#error").is_visible()
    assert page.report() == {**before, "error": shown}
    # It works again, without a reload, once the file is right.
    page.tab.fill("#source", broken.replace("[network", "[network]", 1))
    page.check()
    assert not page.tab.locator("#error").is_visible()
    assert page.checks() == int(before["checks"] or 0) + 1


def test_the_replay_in_the_report_steps(page: Page) -> None:
    page.open("#example=001")
    page.tab.wait_for_selector("#report[data-state=checked]", timeout=60_000)
    replay = page.tab.frame_locator("#report-frame").frame_locator("iframe")
    body = replay.locator("body")
    body.locator("#next").wait_for()
    steps = int(body.get_attribute("data-steps") or 0)
    assert steps > 10
    start = int(body.get_attribute("data-step") or 0)
    body.locator("#next").click()
    body.locator("#next").click()
    assert int(body.get_attribute("data-step") or 0) == start + 2
    body.locator("#last").click()
    assert int(body.get_attribute("data-step") or 0) == steps - 1
    valued = replay.locator("[data-value]:not([data-value=''])")
    assert valued.count() > 0


def test_share_puts_the_whole_file_in_the_link(page: Page, browser: Any, served: str) -> None:
    page.open("#example=sigmoid-gate")
    page.tab.wait_for_selector("#report[data-state=checked]", timeout=60_000)
    text = page.source() + "\n# a note the teacher added: 微积分\n"
    page.tab.fill("#source", text)
    page.tab.click("#share")
    page.tab.wait_for_function("location.hash.includes('file=')")
    link = page.tab.evaluate("location.href")
    assert len(link) < len(text.encode()) + 200  # compressed
    other = Page(browser, served)
    try:
        other.tab.goto(link)
        other.tab.wait_for_selector("#report[data-state=checked]", timeout=60_000)
        assert other.source() == text
        assert other.report()["id"] == "sigmoid-gate"
    finally:
        other.close()
    assert other.errors == []


def test_open_and_save_a_local_file(page: Page, tmp_path: Path) -> None:
    page.open()
    page.ready()
    mine = tmp_path / "mine.toml"
    mine.write_text(repo_file("examples", "tanh_neuron_check.toml").read_text(encoding="utf-8"))
    page.tab.set_input_files("#file", str(mine))
    page.tab.wait_for_function("document.getElementById('filename').textContent === 'mine.toml'")
    assert page.source() == mine.read_text()
    page.tab.fill("#source", page.source() + "\n# saved\n")
    with page.tab.expect_download() as download:
        page.tab.click("#save")
    saved = tmp_path / "saved.toml"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "mine.toml"
    assert saved.read_text() == mine.read_text() + "\n# saved\n"


def test_every_shipped_example_gets_the_command_lines_verdicts(page: Page, site: Site) -> None:
    listed = json.loads((site.folder / "examples" / "index.json").read_text(encoding="utf-8"))
    assert {"000", "001", "002", "003", "tanh-neuron", "lecture-expression"} <= {e["id"] for e in listed}
    page.open()
    page.ready()
    for entry in listed:
        before = page.answers()
        page.tab.select_option("#examples", entry["id"])
        page.answered(before)
        cli = command_line(site.folder / "examples" / entry["file"])
        assert page_report(page) == expected(cli), entry["id"]
        items = json.loads(page.tab.evaluate("JSON.stringify(window.lastReport.items)"))
        assert [(i["class"], i["mistake"], i["inherits_from"]) for i in items] == [
            (i["class"], i["mistake"], i["inherits_from"]) for i in cli["items"]
        ], entry["id"]
        for mine, theirs in zip(items, cli["items"]):
            assert math.isclose(mine["value"], theirs["value"], rel_tol=1e-12, abs_tol=1e-300), entry["id"]


@pytest.mark.parametrize("fragment", ["#example=nope"])
def test_a_link_to_no_example_says_which_there_are(page: Page, fragment: str) -> None:
    page.open(fragment)
    page.ready()
    shown = page.tab.locator("#error-text").inner_text()
    assert 'no shipped example "nope"' in shown and "001" in shown


def test_the_library_draws_in_the_page_through_the_webassembly_graphviz(page: Page) -> None:
    page.open()
    page.ready()
    svg = page.tab.evaluate(
        """pyodide.runPython(`
import viz
from autograd import Value
x = Value(0.5, label="x")
y = (x * x).tanh(); y.label = "y"
y.backward()
viz.draw(y).pipe("svg").decode() + "|" + viz.engine.find_engine().how
`)"""
    )
    drawn, how = svg.rsplit("|", 1)
    assert how == "renderer"
    root = ElementTree.fromstring(drawn)
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "tanh" in texts and "0.2449" in texts  # y = tanh(0.25), drawn with its value
