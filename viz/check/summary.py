"""A class at once: one row per worked-example file (its counts per class, its first wrong step
and the path of its report), written as CSV or as one self-contained HTML page headed by the
mistakes found across the class.

>>> rows = summarise(["examples/tanh_neuron_check.toml", "no-such-file.toml"])
>>> [(r.status, r.first_quantity, r.first_mistake) for r in rows][0]
('wrong', 'E', '')
>>> rows[1].status, exit_status(rows)
('unusable', 2)
"""

from __future__ import annotations

import csv
import html
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import CLASSES, CheckerError, Report, WorkedExampleError, check

FORMATS = (".csv", ".html")
STATUSES = ("right", "wrong", "unusable", "checker error")
COLUMNS = (
    "file",
    "id",
    "title",
    "status",
    "numbers",
    "wrong",
    *CLASSES,
    "blank",
    "first_wrong",
    "first_wrong_quantity",
    "first_wrong_class",
    "first_wrong_mistake",
    "report",
    "error",
)


@dataclass(frozen=True)
class Row:
    """One file of the class: checked (its counts and first wrong step) or not (its error)."""

    file: str
    status: str  # right | wrong | unusable | checker error
    id: str = ""
    title: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    blank: int = 0
    first_index: int | None = None
    first_quantity: str = ""
    first_class: str = ""
    first_mistake: str = ""  # a catalogue id, for a conceptual first wrong step
    report: str = ""  # the path of its HTML report, when reports were written
    error: str = ""
    mistakes: tuple[tuple[str, str, int], ...] = ()  # (id, title, entries) of conceptual numbers

    def cells(self) -> dict[str, str]:
        """The row's CSV cells, by column."""
        out = {
            "file": self.file,
            "id": self.id,
            "title": self.title,
            "status": self.status,
            **{k: str(v) for k, v in self.counts.items() if k in COLUMNS},
            "blank": str(self.blank) if self.counts else "",
            "first_wrong": "" if self.first_index is None else str(self.first_index),
            "first_wrong_quantity": self.first_quantity,
            "first_wrong_class": self.first_class,
            "first_wrong_mistake": self.first_mistake,
            "report": self.report,
            "error": self.error,
        }
        return {column: out.get(column, "") for column in COLUMNS}


def row(file: str, report: Report, report_path: str = "") -> Row:
    """The row of a checked file."""
    first = report.first_wrong
    found: dict[str, tuple[str, int]] = {}
    for v in report.items:
        if v.cls == "conceptual" and v.mistake is not None:
            title, n = found.get(v.mistake.id, (v.mistake.title, 0))
            found[v.mistake.id] = (title, n + 1)
    return Row(
        file=file,
        status="wrong" if report.counts["wrong"] else "right",
        id=report.id,
        title=report.title,
        counts=report.counts,
        blank=len(report.blank),
        first_index=None if first is None else first.printed.index,
        first_quantity="" if first is None else first.printed.quantity,
        first_class="" if first is None else first.cls,
        first_mistake="" if first is None or first.mistake is None else first.mistake.id,
        report=report_path,
        mistakes=tuple((ident, title, n) for ident, (title, n) in found.items()),
    )


def sources(paths: Iterable[str]) -> list[str]:
    """The files to check: each path as given, a folder as its ``*.toml`` files, sorted. A folder
    without any is an error naming it."""
    out: list[str] = []
    for path in paths:
        folder = Path(path)
        if folder.is_dir():
            found = sorted(str(p) for p in folder.glob("*.toml"))
            if not found:
                raise WorkedExampleError(f"{path}: a folder without any .toml worked-example file")
            out += found
        else:
            out.append(path)
    return out


def summarise(paths: Sequence[str], reports: str | Path | None = None) -> list[Row]:
    """Check every file (a folder: its ``*.toml`` files), one row each; with ``reports``, also
    write each checked file's HTML report into that folder (named after the file) and link it.
    A file that cannot be checked gets a row with its error; a reports folder that cannot be
    written raises ``OutputError`` naming it."""
    from ..walkthrough import OutputError

    rows: list[Row] = []
    taken: set[str] = set()
    for source in sources(paths):
        try:
            if reports is None:
                rows.append(row(source, check(source)))
                continue
            from ..walkthrough import build, page, write

            doc = build(source)
            name = _report_name(source, taken)
            written = write({name: page(doc)}, reports)  # OutputError: the folder, for every file
            rows.append(row(source, doc.check, str(written[0])))
        except OutputError:
            raise
        except (WorkedExampleError, OSError) as exc:
            rows.append(Row(source, "unusable", error=str(exc)))
        except CheckerError as exc:
            rows.append(Row(source, "checker error", error=str(exc)))
    return rows


def _report_name(source: str, taken: set[str]) -> str:
    """A report file name after the file (the class's files often share an id), unique."""
    stem = Path(source).stem or "example"
    name, n = f"{stem}-report.html", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}-report.html"
    taken.add(name)
    return name


def exit_status(rows: Iterable[Row]) -> int:
    """3 when the checker failed on a file, else 2 when a file is unusable, else 1 when a file
    has wrong numbers, else 0."""
    statuses = {r.status for r in rows}
    for status, code in (("checker error", 3), ("unusable", 2), ("wrong", 1)):
        if status in statuses:
            return code
    return 0


def to_csv(rows: Iterable[Row]) -> str:
    """The rows as CSV, one line per file, with a header line."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(r.cells())
    return out.getvalue()


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 90rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.wrong td { background: #fde2e2; }
tr.unusable td, tr.checker-error td { background: #eee; color: #555; }
.bar { display: inline-block; height: 0.9rem; background: #c0392b; vertical-align: middle; }
.bar.cls { background: #e67e22; }
td.bars { width: 20rem; }
"""


def to_html(rows: Sequence[Row], links_from: str | Path = ".") -> str:
    """One self-contained page: the mistakes found across the class (files and entries, as
    bars), the wrong numbers by class, then the table of files. Report paths are linked
    relative to the folder ``links_from`` (where the page is written)."""
    e = html.escape
    checked = [r for r in rows if r.counts]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Worked examples checked</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Worked examples checked</h1>",
        f"<p>{e(_overview(rows))}</p>",
        "<h2>Mistakes from the catalogue</h2>",
        _histogram(_mistake_counts(checked), len(checked), "mistake"),
        "<h2>Wrong numbers by class</h2>",
        _histogram(_class_counts(checked), len(checked), "class", bar="bar cls"),
        "<h2>Files</h2>",
        _table(rows, Path(links_from)),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _overview(rows: Sequence[Row]) -> str:
    counts = {s: sum(r.status == s for r in rows) for s in STATUSES}
    parts = [f"{counts[s]} {s}" for s in STATUSES if counts[s]]
    return f"{len(rows)} file{'s' if len(rows) != 1 else ''}: " + ", ".join(parts) + "."


def _mistake_counts(rows: Sequence[Row]) -> list[tuple[str, int, int]]:
    """(label, files, entries) of each catalogue mistake found, most files first."""
    found: dict[str, list[int]] = {}
    labels: dict[str, str] = {}
    for r in rows:
        for ident, title, n in r.mistakes:
            labels[ident] = f"{title} ({ident})"
            files, entries = found.get(ident, [0, 0])
            found[ident] = [files + 1, entries + n]
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [(labels[ident], files, entries) for ident, (files, entries) in ranked]


def _class_counts(rows: Sequence[Row]) -> list[tuple[str, int, int]]:
    """(class, files, entries) of the wrong classes, in the classes' order."""
    out = []
    for cls in ("slip", "typo", "inherited", "conceptual"):
        files = sum(1 for r in rows if r.counts.get(cls, 0))
        if files:
            out.append((cls, files, sum(r.counts.get(cls, 0) for r in rows)))
    return out


def _histogram(counts: list[tuple[str, int, int]], total: int, what: str, bar: str = "bar") -> str:
    e = html.escape
    if not counts:
        return f"<p>No {e(what)} found.</p>"
    head = f"<tr><th>{e(what)}</th><th>files</th><th>entries</th><th>of {total} files checked</th></tr>"
    body = []
    for label, files, entries in counts:
        width = round(100 * files / max(total, 1))
        bars = f'<span class="{bar}" style="width:{width}%"></span>'
        body.append(
            f'<tr><td>{e(label)}</td><td class="n">{files}</td><td class="n">{entries}</td>'
            f'<td class="bars">{bars}</td></tr>'
        )
    return f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


def _table(rows: Sequence[Row], base: Path) -> str:
    e = html.escape
    numeric = {"numbers", "wrong", *CLASSES, "blank", "first_wrong"}
    head = "".join(f"<th>{e(c.replace('_', ' '))}</th>" for c in COLUMNS)
    body = []
    for r in rows:
        cells = []
        for column, value in r.cells().items():
            if column == "report" and value:
                href = Path(os.path.relpath(value, base)).as_posix()
                cells.append(f'<td><a href="{e(href)}">{e(value)}</a></td>')
            else:
                kind = ' class="n"' if column in numeric else ""
                cells.append(f"<td{kind}>{e(value)}</td>")
        body.append(f'<tr class="{r.status.replace(" ", "-")}">{"".join(cells)}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def write_summary(rows: Sequence[Row], path: str | Path) -> Path:
    """Write the rows to ``path``, as CSV or HTML by its suffix (``FORMATS``); a folder that
    cannot be written raises ``OSError`` naming it, and nothing is left half-written."""
    from ..walkthrough import write

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path}: a summary is .csv or .html, not {suffix or 'a file without a suffix'}")
    content = to_csv(rows) if suffix == ".csv" else to_html(rows, target.parent)
    return write({target.name: content}, target.parent)[0]
