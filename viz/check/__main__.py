"""``python -m viz.check FILE|ID [--json] [--html OUT] [--md OUT]``

Checks a worked example (a TOML file, or the id of a shipped one: 000, 001, 002, 003) and
prints its verdicts; ``--json`` prints them as JSON instead. ``--html`` and ``--md`` write the
example's full report, the same as ``python -m viz.walkthrough FILE`` writes (``--md`` puts the
pictures it links beside it). Exit status: 0 when every printed number is right up to rounding,
1 when some are wrong, 2 when the file cannot be checked or a report cannot be written, 3 when the
checker itself fails (a bug in chainrule; the message names the file and the entry).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import CheckerError, WorkedExampleError, check, shipped
from .report import text, to_json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m viz.check",
        description="Check a hand-worked backpropagation example: every printed number is replayed "
        "with chainrule and classed exact, rounding, slip, typo, inherited, conceptual or repeat.",
    )
    parser.add_argument(
        "example", help=f"a worked-example TOML file, or a shipped id ({', '.join(shipped())})"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--html", metavar="OUT", help="also write the full report as one self-contained HTML page"
    )
    parser.add_argument(
        "--md", metavar="OUT", help="also write the full report as Markdown, its pictures beside it"
    )
    args = parser.parse_args(argv)
    try:
        if args.html or args.md:
            from ..walkthrough import build, files, markdown, page, write

            doc = build(args.example)
            report = doc.check
            if args.html:
                write({Path(args.html).name: page(doc)}, Path(args.html).parent)
            if args.md:
                pictures = {name: content for name, content in files(doc).items() if name.endswith(".svg")}
                write({**pictures, Path(args.md).name: markdown(doc)}, Path(args.md).parent)
        else:
            report = check(args.example)
    except (WorkedExampleError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except CheckerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    sys.stdout.write(to_json(report) if args.json else text(report))
    return 1 if report.counts["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
