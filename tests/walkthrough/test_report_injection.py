"""The walkthrough's reports show ``fmt``'s numbers as text, never as markup: no injected element
in its HTML and SVG, no raw tag in its Markdown's prose or math. The readers of HTML and
Markdown are those of ``tests/viz/test_injection.py``, which checks the pictures and explanations
the reports are made of."""

from __future__ import annotations

from pathlib import Path

from viz.walkthrough import walkthrough

from ..viz.test_injection import FMT_HTML, IMG, Tags, markdown_parts


def test_walkthrough_reports_show_fmt_as_text(tmp_path: Path) -> None:
    walkthrough(["001"], out=tmp_path, fmt=FMT_HTML, quiet=True)
    for path in tmp_path.iterdir():
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".html", ".svg"):
            assert Tags(text).injected() == [], path.name
        if path.name.endswith("-report.html"):
            assert IMG in "".join(Tags(text).data)  # the numbers, as text
        elif path.suffix == ".md":
            _, math, prose = markdown_parts(text)
            assert "<img" not in prose, path.name
            assert all("<" not in block for block in math), path.name
