"""The verdict tables of a checked worked example, as terminal text, JSON, Markdown and HTML:
the first wrong step first, then the wrong numbers, the rounding-level ones, and every number in
document order. The full report (``viz.walkthrough``) places these tables in its pages."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Iterator

from . import Report
from .classify import Verdict

HEADER = ["#", "where", "quantity", "printed", "replay", "units off", "class", "why"]


def headline(report: Report) -> str:
    """One sentence: what is wrong, what is rounding, out of how many numbers."""
    c = report.counts
    parts = [f"{c[k]} {k}" for k in ("slip", "typo", "inherited", "conceptual") if c[k]]
    wrong = f"{c['wrong']} wrong ({', '.join(parts)})" if c["wrong"] else "none wrong"
    repeats = f", {c['repeat']} repeated" if c["repeat"] else ""
    blank = f", {len(report.blank)} not filled in yet" if report.blank else ""
    return (
        f"{wrong}, {c['rounding']} off by rounding, {c['exact']} exact, of {c['numbers']} numbers"
        f"{repeats}{blank}"
    )


def blank_sentence(report: Report) -> str:
    """The entries not filled in yet (``printed = ""``), or "" when there are none."""
    if not report.blank:
        return ""
    names = ", ".join(f"#{p.index} {p.quantity}" for p in report.blank)
    return f"Not filled in yet (not checked): {names}."


def first_wrong_sentence(report: Report) -> str:
    v = report.first_wrong
    if v is None:
        return "No printed number is wrong."
    return (
        f"First wrong step: {v.printed.quantity} ({v.printed.where}), printed {v.printed.shown}, "
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
            v.printed.where
            + (f" [{v.printed.run}]" if len(report.example.optimizers) > 1 else "")
            + (f" ({v.printed.variant})" if v.printed.variant else ""),
            v.printed.quantity,
            v.printed.shown,
            f"{v.value:.10g}",
            f"{v.units_off:.2f}",
            _class_text(v),
            _why(report, v),
        ]
        for v in items
    ]


def text(report: Report) -> str:
    """The report for a terminal."""
    lines = [f"{report.id}: {report.title}", headline(report), first_wrong_sentence(report)]
    lines += [blank_sentence(report)] if report.blank else []
    lines.append("")
    table = rows(report, report.items)
    widths = [max(len(r[i]) for r in [HEADER, *table]) for i in range(len(HEADER) - 1)]
    for row in [HEADER, *table]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"


def to_json(report: Report) -> str:
    """The report as JSON (``{"id", "title", "items", "counts", "first_wrong"}``)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


Anchors = str | None  # "target": rows are link targets (printed-N); "link": # links to them


def anchor(index: int) -> str:
    """The HTML id of a printed number's row in the report."""
    return f"printed-{index}"


def _linked_rows(
    report: Report,
    items: list[Verdict],
    anchors: Anchors,
    escape: Callable[[str], str],
    link: Callable[[str, int], str],
) -> Iterator[tuple[Verdict, list[str]]]:
    """Each verdict's escaped cells; with ``anchors == "link"`` the first links to the number's
    row, and with any ``anchors`` an inherited number links to the numbers it inherits from."""
    for v, row in zip(items, rows(report, items)):
        cells = [escape(c) for c in row]
        if anchors == "link":
            cells[0] = link(cells[0], v.printed.index)
        if anchors is not None and v.inherits_from:
            cells[-1] += " (from " + ", ".join(link(f"#{i}", i) for i in v.inherits_from) + ")"
        yield v, cells


def md_table(report: Report, items: list[Verdict], anchors: Anchors = None) -> list[str]:
    """A Markdown table of verdicts; with ``anchors`` the first column is a link or a link target
    and an inherited number links to the numbers it inherits from."""

    def cell(s: str) -> str:
        return html.escape(s, quote=False).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for v, cells in _linked_rows(report, items, anchors, cell, lambda text, i: f"[{text}](#{anchor(i)})"):
        if anchors == "target":
            cells[0] = f'<a id="{anchor(v.printed.index)}"></a>{cells[0]}'
        out.append("| " + " | ".join(cells) + " |")
    return out


def sections(report: Report, every: bool = True) -> list[tuple[str, list[Verdict]]]:
    """The report's tables: wrong numbers, rounding-level ones, then (``every``) every number."""
    wrong = [v for v in report.items if v.wrong]
    rounding = [v for v in report.items if v.cls == "rounding"]
    tables = [("Wrong numbers", wrong), ("Off by rounding (not counted as wrong)", rounding)]
    return [*tables, ("Every printed number, in document order", report.items)] if every else tables


def markdown_body(report: Report, level: int = 2, every: bool = True) -> str:
    """The verdicts in Markdown under a heading of the caller's: its tables at ``level``; their
    numbers link to the rows of the report's sections when ``every`` is off."""
    out = [f"**{headline(report)}.**", "", html.escape(first_wrong_sentence(report), quote=False), ""]
    if report.blank:
        out += [html.escape(blank_sentence(report), quote=False), ""]
    for title, items in sections(report, every):
        if items:
            table = md_table(report, items, None if every else "link")
            out += [f"{'#' * level} {title}", "", *table, ""]
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


def html_table(report: Report, items: list[Verdict], anchors: Anchors = None) -> str:
    """An HTML table of verdicts; with ``anchors`` the first column is a link or a link target
    and an inherited number links to the numbers it inherits from."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
    body = []
    linked = _linked_rows(
        report, items, anchors, html.escape, lambda text, i: f'<a href="#{anchor(i)}">{text}</a>'
    )
    for v, cells in linked:
        ident = f' id="{anchor(v.printed.index)}"' if anchors == "target" else ""
        tds = "".join(f"<td>{c}</td>" for c in cells)
        body.append(
            f'<tr{ident} class="{v.cls}" data-index="{v.printed.index}" data-class="{v.cls}">{tds}</tr>'
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def legend() -> str:
    """What the row colours mean."""
    e = html.escape
    spans = "".join(f'<span style="background:{c}">{e(name)}</span>{e(text)} ' for name, c, text in LEGEND)
    return f'<p class="legend">{spans}</p>'


def html_body(report: Report, level: int = 2, every: bool = True) -> str:
    """The verdicts in HTML under a heading of the caller's: its tables at ``level``; their
    numbers link to the rows of the report's sections when ``every`` is off."""
    e = html.escape
    parts = [
        f'<p class="headline"><strong>{e(headline(report))}.</strong></p>',
        f'<p class="first">{e(first_wrong_sentence(report))}</p>',
        *([f'<p class="blank">{e(blank_sentence(report))}</p>'] if report.blank else []),
        legend(),
    ]
    for title, items in sections(report, every):
        if items:
            table = html_table(report, items, None if every else "link")
            parts += [f"<h{level}>{e(title)}</h{level}>", table]
    return "\n".join(parts)
