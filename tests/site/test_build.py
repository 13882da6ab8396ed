"""Building the site: what it holds, what it refuses, and what it says when npm is missing."""

from __future__ import annotations

import json
import os
import re
import stat
import zipfile
from pathlib import Path

import pytest

from viz.check import check, load
from viz.site import MARKER, Site, SiteError, build_site
from viz.site import __main__ as cli
from viz.site.app import check as check_in_page

from .conftest import repo_file


def test_the_site_holds_everything_the_page_loads(site: Site) -> None:
    folder = site.folder
    script = (folder / "app.js").read_text(encoding="utf-8")
    imported = re.findall(r'from "\./([^"]+)"', script)
    fetched = re.findall(r'fetch\("([^"]+)"\)', script)
    assert imported == ["vendor/pyodide/pyodide.mjs", "vendor/graphviz/index.js"]
    for name in [*imported, *fetched, "vendor/pyodide/pyodide.asm.wasm", "vendor/pyodide/python_stdlib.zip"]:
        assert (folder / name).is_file(), name
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from elsewhere
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != MARKER]
    assert site.size == sum(p.stat().st_size for p in files)


def test_the_archive_holds_chainrule_and_what_it_imports_but_not_the_build(site: Site) -> None:
    with zipfile.ZipFile(site.folder / "chainrule.zip") as archive:
        names = set(archive.namelist())
    for needed in ("autograd/value.py", "nn/__init__.py", "viz/site/app.py", "viz/check/examples/001.toml"):
        assert needed in names
    assert "graphviz/__init__.py" in names and "mpmath/__init__.py" in names
    assert not any("__pycache__" in n or n.startswith("viz/site/static/") for n in names)
    assert "viz/site/package-lock.json" not in names


def test_the_examples_are_listed_with_their_ids_and_titles(site: Site) -> None:
    listed = json.loads((site.folder / "examples" / "index.json").read_text(encoding="utf-8"))
    for entry in listed:
        example = load(site.folder / "examples" / entry["file"])
        assert (entry["id"], entry["title"]) == (example.id, example.title)
    shipped = {p.stem for p in repo_file("viz", "check", "examples").glob("*.toml")}
    extra = {load(p).id for p in repo_file("examples").glob("*_check.toml")}
    assert {e["id"] for e in listed} == shipped | extra


def test_a_folder_that_is_not_a_site_is_refused_untouched(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(SiteError, match="holds other files, not a site built before"):
        build_site(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(SiteError, match="is a file"):
        build_site(tmp_path / "file")


def test_a_site_built_before_is_replaced_whole(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(out)
    (out / "stale.js").write_text("old")
    again = build_site(out)
    assert not (out / "stale.js").exists() and (out / "index.html").exists()
    assert again.sizes == site.sizes
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folder left


def test_without_npm_the_build_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(SiteError, match=r"no npm on PATH: .*install Node\.js with npm"):
        build_site(tmp_path / "out", cache=tmp_path / "cache")
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(os.name != "posix", reason="the stand-in npm is a shell script")
def test_without_the_registry_the_build_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text("#!/bin/sh\necho 'npm error code ENOTFOUND registry.npmjs.org' >&2\nexit 1\n")
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(SiteError, match=r"npm ci failed .*needs the npm registry[\s\S]*ENOTFOUND"):
        build_site(tmp_path / "out", cache=tmp_path / "cache")
    assert not (tmp_path / "out").exists()


def test_the_command_reports_the_size_or_the_reason(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([str(tmp_path / "site")]) == 0
    said = capsys.readouterr().out
    assert re.search(rf"wrote .*site: {site.size / 1e6:.1f} MB \(page .* MB, pyodide .* MB", said)
    assert "python -m http.server -d" in said
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "a.txt").write_text("a")
    assert cli.main([str(tmp_path / "other")]) == 2
    assert "not a site built before" in capsys.readouterr().err


def test_the_page_gets_the_checkers_report_and_its_messages_with_the_users_file_name() -> None:
    text = repo_file("viz", "check", "examples", "002.toml").read_text(encoding="utf-8")
    result = json.loads(check_in_page("my-homework.toml", text))
    assert result["ok"] and result["report"] == json.loads(json.dumps(check("002").to_dict()))
    assert result["html"].startswith("<!DOCTYPE html>") and "<svg" in result["html"]
    broken = json.loads(check_in_page("../../my-homework.toml", text.replace("[network]", "[netwrk]", 1)))
    assert broken["ok"] is False and broken["kind"] == "file"
    assert broken["error"].startswith("my-homework.toml") and "chainrule-" not in broken["error"]


def test_the_readme_says_what_the_page_does() -> None:
    readme = repo_file("README.md").read_text(encoding="utf-8")
    section = readme.split("## Check in your browser", 1)[1].split("\n## ", 1)[0]
    assert ".venv/bin/python -m viz.site site/" in section
    assert repo_file("docs", "site.png").is_file() and "](docs/site.png)" in section
    script = repo_file("viz", "site", "static", "app.js").read_text(encoding="utf-8")
    for attribute in re.findall(r"`data-([a-z-]+)`", section):
        camel = re.sub(r"-([a-z])", lambda m: m.group(1).upper(), attribute)
        assert re.search(rf"\b{camel}:", script), attribute  # set on #report by showReport
    lock = json.loads(repo_file("viz", "site", "package-lock.json").read_text(encoding="utf-8"))
    for package in ("pyodide", "@hpcc-js/wasm-graphviz"):
        assert f"`{package}`" in section and f"node_modules/{package}" in lock["packages"]
