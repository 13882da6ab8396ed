"""Writing a worked example's report: text for the terminal, a Markdown report, a
self-contained HTML page (SVGs inline, explanations in MathML), and the files of the set."""

from __future__ import annotations

import html
import os
import re
import tempfile
from pathlib import Path

from ..check import report as verdicts
from ..check.classify import Verdict, fmt
from ..explain_formats import markdown_text
from ..numbers import number_formatter
from ..replay import ZOOM_SCRIPT, ZOOM_STYLE
from .chart import line_chart
from .document import Document, Explained, Section


class OutputError(OSError):
    """The report's folder cannot be written; the message names it. Nothing is left half-written."""


WATCH = (
    "The forward pass node by node, the optimizer's zero_grad, the backward pass edge by edge "
    "(parent.grad += local × node.grad, with each running sum) and the update, one step at a "
    "time: use the buttons, the slider or the arrow keys."
)
WATCH_NO_STEP = (
    "The forward pass node by node, then the backward pass edge by edge (parent.grad += local × "
    "node.grad, with each running sum), one step at a time: use the buttons, the slider or the "
    "arrow keys."
)


def _watch(doc: Document) -> str:
    return WATCH if doc.check.example.steps else WATCH_NO_STEP


WRONG_GRADIENTS = "Why the wrong derivatives are wrong"


def _value(value: float, like: Verdict | None = None) -> str:
    return fmt(value, like.printed if like else None)


def _claim(e: Explained) -> str:
    """One line on the printed number an explanation is about: printed, right value, verdict."""
    v = e.verdict
    if v is None:
        return ""
    cls = f"conceptual ({v.mistake.id})" if v.cls == "conceptual" and v.mistake else v.cls
    where = f"#{v.printed.index} ({v.printed.where})"
    return f"{where}: printed {v.printed.shown}, the library gives {_value(v.value, v)}: {cls}."


def _evidence(doc: Document, e: Explained) -> list[tuple[str, list[int]]]:
    """Sentences under a wrong derivative: the document's formula, the formula a mistake used,
    and the wrong numbers it was computed from (indices to link)."""
    v = e.verdict
    if v is None:
        return []
    out: list[tuple[str, list[int]]] = []
    if v.printed.formula:
        out.append((f"The document computed it as {v.printed.formula}.", []))
    if v.mistake is not None:
        out.append((f"{v.mistake.title.capitalize()}: {v.mistake.description}", []))
    for site in e.formulas:
        out.append(
            (f"For {site.site}, the document evidently used {site.used}; the rule is {site.right}.", [])
        )
    if v.inherits_from:
        out.append(("It is computed from the wrong number(s)", v.inherits_from))
    return out


def _quantity(doc: Document, index: int) -> str:
    return doc.check.items[index].printed.quantity


def _number(doc: Document, number: float) -> str:
    return number_formatter(doc.fmt, 6)(number)


def _shown(doc: Document, quantity: str, value: float) -> str:
    """A shown quantity's value; ``epoch@stop`` (the reference language's epoch) is a count."""
    return str(int(value)) if quantity.startswith("epoch") else _number(doc, value)


# ---- terminal ---------------------------------------------------------------------------------


def text(doc: Document) -> str:
    """The report for a terminal: the verdict, then each section's numbers and explanations."""
    report = doc.check
    lines = [
        f"=== {doc.id}: {doc.title} ===",
        verdicts.headline(report) + ".",
        verdicts.first_wrong_sentence(report),
    ]
    for title, items in verdicts.sections(report, every=False):
        if items:
            lines.append(f"{title}:")
            lines += [
                f"  #{v.printed.index} {v.printed.quantity} ({v.printed.where}): printed {v.printed.shown}, "
                f"library {_value(v.value, v)} - {v.cls}: {v.explanation}"
                for v in items
            ]
    lines.append("")
    for section in doc.sections:
        lines.append(section.title)
        if section.note:
            lines.append(f"  ({section.note})")
        table = [
            [f"#{v.printed.index}", v.printed.quantity, v.printed.shown, _value(v.value, v), v.cls]
            for v in section.items
        ]
        table += [["", q, "", _shown(doc, q, x), "shown"] for q, x in section.shown]
        widths = [max((len(row[i]) for row in table), default=0) for i in range(5)]
        for row in table:
            lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        for e in section.explanations:
            claim = _claim(e)
            lines += [f"  {e.quantity}: {claim}" if claim else f"  {e.quantity}:"]
            for sentence, links in _evidence(doc, e):
                named = ", ".join(f"#{i} {_quantity(doc, i)}" for i in links)
                lines.append(f"    {sentence}{' ' + named + '.' if named else ''}")
            lines.extend("    " + line for line in e.explanation.to_text().splitlines())
        lines.append("")
    lines.extend(f"({note})" for note in doc.notes)
    return "\n".join(lines) + "\n"


# ---- Markdown ---------------------------------------------------------------------------------


def _md_section(doc: Document, section: Section) -> list[str]:
    out = [f"## {markdown_text(section.title)}", ""]
    if section.note:
        out += [f"*{markdown_text(section.note)}*", ""]
    if section.items:
        out += [*verdicts.md_table(doc.check, section.items, "target"), ""]
    if section.shown:
        out += ["| quantity | the library |", "|---|---|"]
        out += [f"| {markdown_text(q)} | {markdown_text(_shown(doc, q, x))} |" for q, x in section.shown]
        out.append("")
    for e in section.explanations:
        claim = _claim(e)
        out += [f"**{markdown_text(e.quantity)}**" + (f": {markdown_text(claim)}" if claim else ""), ""]
        for sentence, links in _evidence(doc, e):
            named = ", ".join(
                f"[#{i} {markdown_text(_quantity(doc, i))}](#{verdicts.anchor(i)})" for i in links
            )
            out += [markdown_text(sentence) + (f" {named}." if named else ""), ""]
        out += [e.explanation.to_markdown(), ""]
    return out


def markdown(doc: Document) -> str:
    """The Markdown report; pictures are linked as the files beside it."""
    e = markdown_text
    out = [f"# Worked example {e(doc.id)}: {e(doc.title)}", ""]
    if doc.summary.strip():
        out += [e(doc.summary.strip()), ""]
    out += ["## What the document gets wrong", "", verdicts.markdown_body(doc.check, level=3, every=False)]
    out += ["## The network in a few lines of the library", "", "```python", doc.program.rstrip(), "```", ""]
    if doc.page is not None:
        out += [
            "## Watch the step happen",
            "",
            f"{_watch(doc)} Open [{_page_name(doc)}]({_page_name(doc)}).",
            "",
        ]
    for section in doc.sections:
        out += _md_section(doc, section)
    if doc.figures:
        out += ["## Graphs", ""]
        for figure in doc.figures:
            out += [f"![{e(figure.caption)}]({figure.name})", "", f"*{e(figure.caption)}*", ""]
    if doc.loss_curve:
        out += ["## Training loss", "", f"![training loss]({doc.id}-loss.svg)", ""]
    out += [f"*{e(note)}*" for note in doc.notes]
    return "\n".join(out).rstrip() + "\n"


# ---- HTML -------------------------------------------------------------------------------------

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 80rem; margin: 2rem auto; padding: 0 1rem; }
pre { background: #f6f8fa; padding: 0.75rem; white-space: pre-wrap; }
figure { margin: 1rem 0; overflow-x: auto; }
table { display: block; max-width: 100%; overflow-x: auto; }
td:last-child { min-width: 14rem; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-style: italic; }
.explained { border-left: 4px solid #d0d7de; padding: 0.25rem 0.75rem; margin: 1rem 0; }
.explained.wrong { border-left-color: #c0392b; }
.chain-rule { background: #f6f8fa; padding: 0.5rem 0.75rem; margin: 0.75rem 0; overflow-x: auto; }
.chain-rule .equation math { font-size: 1.1rem; }
.chain-rule table.factors td { border: none; border-bottom: 1px solid #e1e4e8; }
"""


def _html_explained(doc: Document, e: Explained) -> str:
    h = html.escape
    claim = _claim(e)
    wrong = " wrong" if e.verdict is not None else ""
    said = f": {h(claim)}" if claim else ""
    parts = [f'<div class="explained{wrong}"><p><strong>{h(e.quantity)}</strong>{said}</p>']
    for sentence, links in _evidence(doc, e):
        named = ", ".join(f'<a href="#{verdicts.anchor(i)}">#{i} {h(_quantity(doc, i))}</a>' for i in links)
        parts.append(f"<p>{h(sentence)}{' ' + named + '.' if named else ''}</p>")
    parts.append(e.explanation.to_html())  # MathML, escaped by viz.mathml
    return "".join(parts) + "</div>"


def _html_section(doc: Document, section: Section) -> list[str]:
    h = html.escape
    parts = [f"<h2>{h(section.title)}</h2>"]
    if section.note:
        parts.append(f"<p><em>{h(section.note)}</em></p>")
    if section.items:
        parts.append(verdicts.html_table(doc.check, section.items, "target"))
    if section.shown:
        rows = "".join(f"<tr><td>{h(q)}</td><td>{h(_shown(doc, q, x))}</td></tr>" for q, x in section.shown)
        head = "<thead><tr><th>quantity</th><th>the library</th></tr></thead>"
        parts.append(f"<table>{head}<tbody>{rows}</tbody></table>")
    parts += [_html_explained(doc, e) for e in section.explanations]
    return parts


def _inline_svg(svg: str) -> str:
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.DOTALL)
    return re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL).strip()


def page(doc: Document) -> str:
    """A self-contained HTML page: the verdicts, sections, explanations and every SVG inline."""
    h = html.escape
    title = f"Worked example {doc.id}: {doc.title}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{h(title)}</title>",
        f"<style>{verdicts.STYLE}{STYLE}{ZOOM_STYLE}</style></head><body>",
        f"<h1>{h(title)}</h1>",
    ]
    if doc.summary.strip():
        parts.append(f"<p>{h(doc.summary.strip())}</p>")
    parts += ["<h2>What the document gets wrong</h2>", verdicts.html_body(doc.check, level=3, every=False)]
    parts += [
        "<h2>The network in a few lines of the library</h2>",
        f"<pre><code>{h(doc.program.rstrip())}</code></pre>",
    ]
    if doc.page is not None:
        parts += ["<h2>Watch the step happen</h2>", f"<p>{h(_watch(doc))}</p>", doc.page._repr_html_()]
    for section in doc.sections:
        parts += _html_section(doc, section)
    if doc.figures:
        parts.append("<h2>Graphs</h2>")
        parts += [
            f"<figure>{_inline_svg(f.svg)}<figcaption>{h(f.caption)}</figcaption></figure>"
            for f in doc.figures
        ]
    if doc.loss_curve:
        parts += ["<h2>Training loss</h2>", f"<figure>{line_chart(doc.loss_curve, 'epoch', 'loss')}</figure>"]
    parts += [f"<p><em>{h(note)}</em></p>" for note in doc.notes]
    parts.append(f"<script>{ZOOM_SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"


# ---- files ------------------------------------------------------------------------------------


def _page_name(doc: Document) -> str:
    return f"{doc.id}-replay.html"


def files(doc: Document) -> dict[str, str]:
    """Every file of a report by name: SVGs, the loss curve, the replay page, Markdown, HTML."""
    out = {figure.name: figure.svg for figure in doc.figures}
    if doc.loss_curve:
        out[f"{doc.id}-loss.svg"] = line_chart(doc.loss_curve, "epoch", "loss")
    if doc.page is not None:
        out[_page_name(doc)] = doc.page.html()
    out[f"{doc.id}-report.md"] = markdown(doc)
    out[f"{doc.id}-report.html"] = page(doc)
    return out


def write(contents: dict[str, str], folder: str | Path) -> list[Path]:
    """Write files into ``folder`` (made if missing), each whole or not at all: on any failure
    the files this call wrote are removed and an ``OutputError`` names the folder."""
    folder = Path(folder)
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in contents.items():
            path = folder / name
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(content)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise OutputError(f"cannot write the report into {folder}: {reason}") from exc
    return written
