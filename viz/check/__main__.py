"""``python -m viz.check FILE|ID [--json] [--html OUT] [--md OUT]``

Checks a worked example (a TOML file, or the id of a shipped one: 000, 001, 002, 003) and
prints its verdicts; ``--json`` prints them as JSON instead. ``--html`` and ``--md`` write the
example's full report, the same as ``python -m viz.walkthrough FILE`` writes (``--md`` puts the
pictures it links beside it). Exit status: 0 when every printed number is right up to rounding,
1 when some are wrong, 2 when the file cannot be checked or a report cannot be written, 3 when the
checker itself fails (a bug in chainrule; the message names the file and the entry).

``python -m viz.check FOLDER_OR_FILES... --summary OUT.csv|OUT.html [--reports DIR]``

Checks a class at once: every file (a folder: its ``*.toml`` files, sorted) and writes one row
per file to OUT (CSV, or one self-contained HTML page headed by the mistakes found across the
class; the suffix chooses): its id, title, counts per class, first wrong step (quantity, class,
mistake) and, with ``--reports DIR``, the path of its HTML report written there. A file that
cannot be checked gets a row with its error. Exit status: 3 when the checker failed on a file,
else 2 when a file cannot be checked, else 1 when a file has wrong numbers, else 0.

``python -m viz.check --template FILE|ID [--answers [--decimals N]] [--out OUT]``

Writes a worksheet: the file's setup as written (without its ``[[printed]]`` entries) and an entry
with ``printed = ""`` for every quantity the setup defines, in textbook order; ``--answers``
fills each in with the replay's value at N decimals (default 4): an answer key. It goes to
standard output, or to OUT. Exit status: 0, or 2 when the file cannot be used or OUT written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import CheckerError, WorkedExampleError, check, shipped
from .report import text, to_json
from .spec import failure_status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m viz.check",
        description="Check a hand-worked backpropagation example: every printed number is replayed "
        "with chainrule and classed exact, rounding, slip, typo, inherited, conceptual or repeat.",
    )
    parser.add_argument(
        "example",
        nargs="*",
        help=f"a worked-example TOML file, or a shipped id ({', '.join(shipped())}); with --summary, "
        "any number of files and folders",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--html", metavar="OUT", help="also write the full report as one self-contained HTML page"
    )
    parser.add_argument(
        "--md", metavar="OUT", help="also write the full report as Markdown, its pictures beside it"
    )
    group = parser.add_argument_group("a class at once")
    group.add_argument(
        "--summary", metavar="OUT", help="check every file and write one row per file to OUT (.csv or .html)"
    )
    group.add_argument(
        "--reports", metavar="DIR", help="with --summary: also write each file's HTML report into DIR"
    )
    sheet = parser.add_argument_group("worksheets and answer keys")
    sheet.add_argument(
        "--template", metavar="FILE", help="print FILE's setup and a blank entry for every quantity"
    )
    sheet.add_argument("--answers", action="store_true", help="with --template: fill in the true values")
    sheet.add_argument(
        "--decimals", metavar="N", type=int, help="with --answers: decimals of each value (default 4)"
    )
    sheet.add_argument("--out", metavar="OUT", help="with --template: write to OUT, not standard output")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _usage(parser, args)
    if args.template is not None:
        return _template(args)
    if args.summary is not None:
        return _summary(args)
    try:
        if args.html or args.md:
            from ..walkthrough import build, files, markdown, page, write

            doc = build(args.example[0])
            report = doc.check
            if args.html:
                write({Path(args.html).name: page(doc)}, Path(args.html).parent)
            if args.md:
                pictures = {name: content for name, content in files(doc).items() if name.endswith(".svg")}
                write({**pictures, Path(args.md).name: markdown(doc)}, Path(args.md).parent)
        else:
            report = check(args.example[0])
    except (WorkedExampleError, OSError, CheckerError) as exc:
        return failure_status(exc)
    sys.stdout.write(to_json(report) if args.json else text(report))
    return 1 if report.counts["wrong"] else 0


def _usage(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The options that go together; anything else is a usage error (exit status 2)."""
    single = [f"--{name}" for name in ("json", "html", "md") if getattr(args, name)]
    sheet = [
        f"--{name}" for name in ("answers", "decimals", "out") if getattr(args, name) not in (None, False)
    ]
    if args.template is not None:
        if args.example or args.summary or args.reports or single:
            parser.error(
                "--template FILE takes no other file and none of --summary, --reports, --json, --html, --md"
            )
        if args.decimals is not None and not args.answers:
            parser.error("--decimals N goes with --answers (the answer key's decimals)")
        if args.decimals is not None and not 0 <= args.decimals <= 15:
            parser.error(f"--decimals must be a whole number from 0 to 15, got {args.decimals}")
        return
    if sheet:
        parser.error(f"{', '.join(sheet)} go(es) with --template FILE")
    if not args.example:
        parser.error(
            "give a worked-example file or a shipped id (or several files and folders with --summary)"
        )
    if args.summary is not None:
        suffix = Path(args.summary).suffix
        if suffix.lower() not in (".csv", ".html"):
            named = f"{suffix!r}" if suffix else "no suffix"
            parser.error(f"--summary {args.summary}: {named}; the summary is a .csv or an .html file")
        if single:
            parser.error(
                f"{', '.join(single)} check one file; with --summary, --reports DIR writes each report"
            )
        return
    if args.reports:
        parser.error("--reports DIR goes with --summary OUT")
    if len(args.example) > 1:
        parser.error(
            f"{len(args.example)} files given: to check several files at once, add --summary OUT.csv "
            "(or OUT.html)"
        )
    if Path(args.example[0]).is_dir():
        parser.error(f"{args.example[0]} is a folder: to check its files at once, add --summary OUT.csv")


def _summary(args: argparse.Namespace) -> int:
    from .summary import exit_status, summarise, write_summary

    try:
        rows = summarise(args.example, args.reports)
        written = write_summary(rows, args.summary)
    except (WorkedExampleError, OSError) as exc:
        return failure_status(exc)
    for r in rows:
        if r.counts:
            wrong = f"{r.counts['wrong']} wrong" + (
                f", first: {r.first_quantity} ({r.first_class})" if r.first_quantity else ""
            )
            print(f"{r.file}: {r.status}, {wrong}")
        else:
            print(f"{r.file}: {r.status}: {r.error}")
    print(f"wrote {written}")
    return exit_status(rows)


def _template(args: argparse.Namespace) -> int:
    from .template import template

    try:
        sheet = template(
            args.template, answers=args.answers, decimals=4 if args.decimals is None else args.decimals
        )
        if args.out is None:
            sys.stdout.write(sheet)
        else:
            Path(args.out).write_text(sheet, encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except (WorkedExampleError, CheckerError) as exc:
        return failure_status(exc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
