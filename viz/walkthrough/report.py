"""Writing a replay: step-by-step text for the terminal, a Markdown report, and a
self-contained HTML page with the SVGs inline."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from ..check import report as check_report
from ..explain_formats import markdown_text
from .chart import line_chart
from .model import Replay, Row

Number = Callable[[float], str]


def _cell(row: Row, value: float, number: Number) -> str:
    """A value as the tables show it: counts without decimals, tiny numbers in scientific form."""
    if row.integer:
        return str(int(value))
    text = number(value)
    if value != 0 and abs(value) < 1e-4 and "e" not in text:
        return f"{value:.4e}"
    return text


def _check_lines(replay: Replay) -> list[str]:
    """The check's verdict first: the headline, the first wrong step, the wrong numbers, then
    the rounding-level ones."""
    report = replay.check
    lines = [check_report.headline(report) + ".", check_report.first_wrong_sentence(report)]
    for title, items in check_report.sections(report)[:2]:
        if items:
            lines.append(f"{title}:")
            lines += [
                f"  {v.printed.quantity} ({v.printed.where}): printed {v.printed.text}, "
                f"library {v.value:.10g} - {v.cls}: {v.explanation}"
                for v in items
            ]
    return lines


def text(replay: Replay, number: Number) -> str:
    """The replay as plain text: the check's verdict, then one table per step and its
    explanations."""
    lines = [f"=== {replay.doc_id}: {replay.title} ===", *_check_lines(replay), ""]
    for step in replay.steps:
        lines.append(step.title)
        lines.extend(f"  ({note})" for note in step.notes)
        width = max((len(row.name) for row in step.rows), default=0)
        for row in step.rows:
            formula = f"   = {row.formula}" if row.formula else ""
            lines.append(f"  {row.name:<{width}}  {_cell(row, replay.values[row.key], number):>16}{formula}")
        for _, explanation, _ in step.explanations:
            lines.extend("  " + line for line in explanation.splitlines())
        lines.append("")
    return "\n".join(lines) + "\n"


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(markdown_text(c.replace("\n", " ")) for c in row) + " |" for row in rows]
    return out


def markdown(replay: Replay, number: Number) -> str:
    """The Markdown report; figures are linked as files beside it."""
    out = [f"# Worked example {replay.doc_id}: {replay.title}", "", replay.summary.strip(), ""]
    out += ["## What the document gets wrong", "", check_report.markdown_body(replay.check, level=3)]
    out += ["## The network in a few lines of the library", "", "```python", replay.code, "```", ""]
    if replay.page is not None:
        out += [
            "## Watch the step happen",
            "",
            f"{WATCH} Open [{_page_name(replay)}]({_page_name(replay)}).",
            "",
        ]
    for step in replay.steps:
        out += [f"## {step.title}", ""]
        out += [f"*{note}*" for note in step.notes]
        if step.notes:
            out.append("")
        if step.rows:
            rows = [[row.name, _cell(row, replay.values[row.key], number), row.formula] for row in step.rows]
            out += [*_md_table(["quantity", "value", "how"], rows), ""]
        for explanation, _, _ in step.explanations:
            out += [explanation, ""]
    if replay.figures:
        out += ["## Graphs", ""]
        for figure in replay.figures:
            out += [f"![{figure.caption}]({figure.name})", "", f"*{figure.caption}*", ""]
    if replay.loss_curve:
        out += ["## Training loss", "", f"![training loss]({replay.doc_id}-loss.svg)", ""]
    return "\n".join(out) + "\n"


WATCH = (
    "The forward pass node by node, the optimizer's zero_grad, the backward pass edge by edge "
    "(parent.grad += local × node.grad, with each running sum) and the update, one step at a "
    "time: use the buttons, the slider or the arrow keys."
)


def _page_name(replay: Replay) -> str:
    return f"{replay.doc_id}-replay.html"


def _inline_svg(svg: str) -> str:
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.DOTALL)
    return re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL).strip()


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows]
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; }
td { font-variant-numeric: tabular-nums; }
pre { background: #f6f8fa; padding: 0.75rem; white-space: pre-wrap; }
figure { margin: 1rem 0; overflow-x: auto; }
figcaption { color: #555; font-style: italic; }
.chain-rule { background: #f6f8fa; padding: 0.5rem 0.75rem; margin: 0.75rem 0; overflow-x: auto; }
.chain-rule .equation math { font-size: 1.1rem; }
.chain-rule table.factors td { border: none; border-bottom: 1px solid #e1e4e8; }
"""


def page(replay: Replay, number: Number) -> str:
    """A self-contained HTML page: tables, explanations and every SVG inline."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Worked example {e(replay.doc_id)}: {e(replay.title)}</title>",
        f"<style>{STYLE}{check_report.STYLE}</style></head><body>",
        f"<h1>Worked example {e(replay.doc_id)}: {e(replay.title)}</h1>",
        f"<p>{e(replay.summary.strip())}</p>",
        "<h2>What the document gets wrong</h2>",
        check_report.html_body(replay.check, level=3),
        "<h2>The network in a few lines of the library</h2>",
        f"<pre><code>{e(replay.code)}</code></pre>",
    ]
    if replay.page is not None:
        parts.append("<h2>Watch the step happen</h2>")
        parts.append(f"<p>{e(WATCH)}</p>")
        parts.append(replay.page._repr_html_())
    for step in replay.steps:
        parts.append(f"<h2>{e(step.title)}</h2>")
        parts += [f"<p><em>{e(note)}</em></p>" for note in step.notes]
        if step.rows:
            rows = [[row.name, _cell(row, replay.values[row.key], number), row.formula] for row in step.rows]
            parts.append(_html_table(["quantity", "value", "how"], rows))
        parts += [mathml for _, _, mathml in step.explanations]  # typeset, escaped by viz.mathml
    if replay.figures:
        parts.append("<h2>Graphs</h2>")
        for figure in replay.figures:
            parts.append(
                f"<figure>{_inline_svg(figure.svg)}<figcaption>{e(figure.caption)}</figcaption></figure>"
            )
    if replay.loss_curve:
        parts.append("<h2>Training loss</h2>")
        parts.append(f"<figure>{line_chart(replay.loss_curve, 'epoch', 'loss')}</figure>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write(replay: Replay, folder: Path, number: Number) -> list[Path]:
    """Write the SVGs, the Markdown report and the HTML page; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for figure in replay.figures:
        path = folder / figure.name
        path.write_text(figure.svg, encoding="utf-8")
        written.append(path)
    if replay.loss_curve:
        path = folder / f"{replay.doc_id}-loss.svg"
        path.write_text(line_chart(replay.loss_curve, "epoch", "loss"), encoding="utf-8")
        written.append(path)
    pages = [(_page_name(replay), replay.page.html())] if replay.page is not None else []
    for name, content in (
        *pages,
        (f"{replay.doc_id}-report.md", markdown(replay, number)),
        (f"{replay.doc_id}-report.html", page(replay, number)),
    ):
        path = folder / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
