"""``python -m viz.check FILE|ID [--json] [--html OUT] [--md OUT]``

Checks a worked example (a TOML file, or the id of a shipped one: 000, 001, 002, 003) and
prints its report; ``--json`` prints the report as JSON instead. Exit status: 0 when every
printed number is right up to rounding, 1 when some are wrong, 2 when the file cannot be checked.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import WorkedExampleError, check, shipped
from .report import markdown, page, text, to_json


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
    parser.add_argument("--html", metavar="OUT", help="also write the report as one self-contained HTML page")
    parser.add_argument("--md", metavar="OUT", help="also write the report as Markdown")
    args = parser.parse_args(argv)
    try:
        report = check(args.example)
    except WorkedExampleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    outputs = [(args.html, page(report)), (args.md, markdown(report))]
    for path, content in outputs:
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(content, encoding="utf-8")
    sys.stdout.write(to_json(report) if args.json else text(report))
    return 1 if report.counts["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
