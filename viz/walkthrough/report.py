"""Writing a replay: step-by-step text for the terminal, a Markdown report, and a
self-contained HTML page with the SVGs inline."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from .chart import line_chart
from .model import Erratum, Replay, Row

Number = Callable[[float], str]


def _cell(row: Row, value: float, number: Number) -> str:
    """A value as the tables show it: counts without decimals, tiny numbers in scientific form."""
    if row.integer:
        return str(int(value))
    text = number(value)
    if value != 0 and abs(value) < 1e-4 and "e" not in text:
        return f"{value:.4e}"
    return text


def _verdict(e: Erratum) -> str:
    return "WRONG" if e.wrong else "ok"


def _errata_rows(replay: Replay, number: Number) -> list[list[str]]:
    return [
        [
            e.printed.where,
            e.printed.key,
            e.printed.text,
            f"{e.value:.10g}",
            f"{e.difference:+.3g}",
            _verdict(e),
            e.printed.cause if e.wrong else "",
        ]
        for e in replay.errata()
    ]


ERRATA_HEADER = ["where", "quantity", "printed", "library", "printed − library", "verdict", "likely cause"]


def text(replay: Replay, number: Number) -> str:
    """The replay as plain text: one table per step, explanations, then the errata."""
    lines = [f"=== {replay.doc_id}: {replay.title} ===", ""]
    for step in replay.steps:
        lines.append(step.title)
        lines.extend(f"  ({note})" for note in step.notes)
        width = max((len(row.name) for row in step.rows), default=0)
        for row in step.rows:
            formula = f"   = {row.formula}" if row.formula else ""
            lines.append(f"  {row.name:<{width}}  {_cell(row, replay.values[row.key], number):>16}{formula}")
        for _, explanation in step.explanations:
            lines.extend("  " + line for line in explanation.splitlines())
        lines.append("")
    errata = replay.errata()
    wrong = [e for e in errata if e.wrong]
    lines.append(
        f"Errata: {len(wrong)} of the {len(errata)} printed numbers differ beyond their printed precision"
    )
    for e in wrong:
        lines.append(
            f"  {e.printed.key} ({e.printed.where}): printed {e.printed.text}, "
            f"library {e.value:.10g} - {e.printed.cause}"
        )
    return "\n".join(lines) + "\n"


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    def cell(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return out


def markdown(replay: Replay, number: Number) -> str:
    """The Markdown report; figures are linked as files beside it."""
    out = [f"# Worked example {replay.doc_id}: {replay.title}", "", replay.summary.strip(), ""]
    out += ["The network in a few lines of the library:", "", "```python", replay.code, "```", ""]
    for step in replay.steps:
        out += [f"## {step.title}", ""]
        out += [f"*{note}*" for note in step.notes]
        if step.notes:
            out.append("")
        if step.rows:
            rows = [[row.name, _cell(row, replay.values[row.key], number), row.formula] for row in step.rows]
            out += [*_md_table(["quantity", "value", "how"], rows), ""]
        for explanation, _ in step.explanations:
            out += [explanation, ""]
    if replay.figures:
        out += ["## Graphs", ""]
        for figure in replay.figures:
            out += [f"![{figure.caption}]({figure.name})", "", f"*{figure.caption}*", ""]
    if replay.loss_curve:
        out += ["## Training loss", "", f"![training loss]({replay.doc_id}-loss.svg)", ""]
    out += ["## Errata", "", _errata_intro(replay), ""]
    out += _md_table(ERRATA_HEADER, _errata_rows(replay, number))
    return "\n".join(out) + "\n"


def _errata_intro(replay: Replay) -> str:
    wrong = sum(e.wrong for e in replay.errata())
    return (
        f"Every number the document prints, beside the value the library computes. {wrong} of "
        f"{len(replay.printed)} differ by more than half a unit in their last printed digit."
    )


def _inline_svg(svg: str) -> str:
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.DOTALL)
    return re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL).strip()


def _html_table(header: list[str], rows: list[list[str]], flag_column: int | None = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        attrs = ' class="wrong"' if flag_column is not None and row[flag_column] == "WRONG" else ""
        body.append(f"<tr{attrs}>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; }
td { font-variant-numeric: tabular-nums; }
tr.wrong td { background: #fde2e2; }
pre { background: #f6f8fa; padding: 0.75rem; white-space: pre-wrap; }
figure { margin: 1rem 0; overflow-x: auto; }
figcaption { color: #555; font-style: italic; }
"""


def page(replay: Replay, number: Number) -> str:
    """A self-contained HTML page: tables, explanations and every SVG inline."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Worked example {e(replay.doc_id)}: {e(replay.title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Worked example {e(replay.doc_id)}: {e(replay.title)}</h1>",
        f"<p>{e(replay.summary.strip())}</p>",
        f"<pre><code>{e(replay.code)}</code></pre>",
    ]
    for step in replay.steps:
        parts.append(f"<h2>{e(step.title)}</h2>")
        parts += [f"<p><em>{e(note)}</em></p>" for note in step.notes]
        if step.rows:
            rows = [[row.name, _cell(row, replay.values[row.key], number), row.formula] for row in step.rows]
            parts.append(_html_table(["quantity", "value", "how"], rows))
        parts += [f"<pre>{e(explanation)}</pre>" for _, explanation in step.explanations]
    if replay.figures:
        parts.append("<h2>Graphs</h2>")
        for figure in replay.figures:
            parts.append(
                f"<figure>{_inline_svg(figure.svg)}<figcaption>{e(figure.caption)}</figcaption></figure>"
            )
    if replay.loss_curve:
        parts.append("<h2>Training loss</h2>")
        parts.append(f"<figure>{line_chart(replay.loss_curve, 'epoch', 'loss')}</figure>")
    parts.append("<h2>Errata</h2>")
    parts.append(f"<p>{e(_errata_intro(replay))}</p>")
    parts.append(_html_table(ERRATA_HEADER, _errata_rows(replay, number), flag_column=5))
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
    for name, content in (
        (f"{replay.doc_id}-report.md", markdown(replay, number)),
        (f"{replay.doc_id}-report.html", page(replay, number)),
    ):
        path = folder / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
