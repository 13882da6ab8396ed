"""A checked worked example as text, Markdown or one self-contained HTML page: the first wrong
step first, then the wrong numbers, the rounding-level ones, and every number in document order."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable

from . import Report
from .classify import Verdict

HEADER = ["#", "where", "quantity", "printed", "replay", "units off", "class", "why"]


def headline(report: Report) -> str:
    """One sentence: what is wrong, what is rounding, out of how many numbers."""
    c = report.counts
    parts = [f"{c[k]} {k}" for k in ("slip", "typo", "inherited", "conceptual") if c[k]]
    wrong = f"{c['wrong']} wrong ({', '.join(parts)})" if c["wrong"] else "none wrong"
    repeats = f", {c['repeat']} repeated" if c["repeat"] else ""
    return f"{wrong}, {c['rounding']} off by rounding, {c['exact']} exact, of {c['numbers']} numbers{repeats}"


def first_wrong_sentence(report: Report) -> str:
    v = report.first_wrong
    if v is None:
        return "No printed number is wrong."
    return (
        f"First wrong step: {v.printed.quantity} ({v.printed.where}), printed {v.printed.text}, "
        f"the replay gives {v.value:.10g}: {_class_text(v)}, {v.explanation}."
    )


def _class_text(v: Verdict) -> str:
    if v.cls == "conceptual" and v.mistake is not None:
        return f"conceptual ({v.mistake.id})"
    if v.cls == "typo" and v.typo_kind:
        return "typo"
    return v.cls


def _why(report: Report, v: Verdict) -> str:
    text = v.explanation
    if v.repeat_of is not None and v.cls == "repeat":
        text = f"repeats #{v.repeat_of}" + (f"; {text}" if text else "")
    if v.mistake is not None:
        text += f". {v.mistake.description}"
    return text


def rows(report: Report, items: Iterable[Verdict]) -> list[list[str]]:
    return [
        [
            str(v.printed.index),
            v.printed.where + (f" [{v.printed.run}]" if len(report.example.optimizers) > 1 else ""),
            v.printed.quantity,
            v.printed.text,
            f"{v.value:.10g}",
            f"{v.units_off:.2f}",
            _class_text(v),
            _why(report, v),
        ]
        for v in items
    ]


def text(report: Report) -> str:
    """The report for a terminal."""
    lines = [f"{report.id}: {report.title}", headline(report), first_wrong_sentence(report), ""]
    table = rows(report, report.items)
    widths = [max(len(r[i]) for r in [HEADER, *table]) for i in range(len(HEADER) - 1)]
    for row in [HEADER, *table]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"


def to_json(report: Report) -> str:
    """The report as JSON (``{"id", "title", "items", "counts", "first_wrong"}``)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _md_table(table: list[list[str]]) -> list[str]:
    def cell(s: str) -> str:
        return html.escape(s, quote=False).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    return out + ["| " + " | ".join(cell(c) for c in row) + " |" for row in table]


def sections(report: Report) -> list[tuple[str, list[Verdict]]]:
    """The report's tables: wrong numbers, rounding-level ones, then every number."""
    wrong = [v for v in report.items if v.wrong]
    rounding = [v for v in report.items if v.cls == "rounding"]
    return [
        ("Wrong numbers", wrong),
        ("Off by rounding (not counted as wrong)", rounding),
        ("Every printed number, in document order", report.items),
    ]


def markdown(report: Report, level: int = 1) -> str:
    """The report as Markdown; ``level`` is the heading level of its title."""
    title = f"{'#' * level} Check of {report.id}: {html.escape(report.title, quote=False)}"
    return f"{title}\n\n{markdown_body(report, level + 1)}"


def markdown_body(report: Report, level: int = 2) -> str:
    """The report's Markdown under a heading of the caller's: its tables at ``level``."""
    out = [f"**{headline(report)}.**", "", html.escape(first_wrong_sentence(report), quote=False), ""]
    for title, items in sections(report):
        if items:
            out += [f"{'#' * level} {title}", "", *_md_table(rows(report, items)), ""]
    return "\n".join(out)


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 80rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
td { font-variant-numeric: tabular-nums; }
tr.slip td, tr.typo td { background: #fde2e2; }
tr.conceptual td { background: #fbd3f0; }
tr.inherited td { background: #fff1d6; }
tr.rounding td { background: #eef6ff; }
tr.repeat td { color: #777; }
.first { border-left: 4px solid #c0392b; padding: 0.5rem 1rem; background: #fdf0ef; }
.legend span { display: inline-block; padding: 0 0.4rem; margin-right: 0.4rem; border: 1px solid #ccc; }
"""

LEGEND = (
    ("slip", "#fde2e2", "wrong at this step"),
    ("typo", "#fde2e2", "a digit-level slip; later steps use the right value"),
    ("inherited", "#fff1d6", "right from the document's own wrong inputs"),
    ("conceptual", "#fbd3f0", "reproduced by a named mistake"),
    ("rounding", "#eef6ff", "within one unit of the last digit"),
)


def html_table(report: Report, items: list[Verdict]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
    body = []
    for v, row in zip(items, rows(report, items)):
        cells = "".join(f"<td>{html.escape(c)}</td>" for c in row)
        body.append(f'<tr class="{v.cls}" data-index="{v.printed.index}" data-class="{v.cls}">{cells}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def html_body(report: Report, level: int = 2) -> str:
    """The report's HTML under a heading of the caller's: its tables at ``level``."""
    e = html.escape
    legend = "".join(
        f'<span style="background:{color}">{e(name)}</span>{e(text)} ' for name, color, text in LEGEND
    )
    parts = [
        f'<p class="headline"><strong>{e(headline(report))}.</strong></p>',
        f'<p class="first">{e(first_wrong_sentence(report))}</p>',
        f'<p class="legend">{legend}</p>',
    ]
    for title, items in sections(report):
        if items:
            parts += [f"<h{level}>{e(title)}</h{level}>", html_table(report, items)]
    return "\n".join(parts)


def page(report: Report) -> str:
    """One self-contained HTML page (no scripts, no external resources)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Check of {html.escape(report.id)}: {html.escape(report.title)}</title>"
        f"<style>{STYLE}</style></head><body>\n"
        f"<h1>Check of {html.escape(report.id)}: {html.escape(report.title)}</h1>\n"
        f"{html_body(report)}\n</body></html>\n"
    )
