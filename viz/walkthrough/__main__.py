"""``python -m viz.walkthrough [FILE|ID ...] [--out DIR] [--fmt SPEC]``

Exit status: 0 when the reports are written, 2 when a file cannot be checked or the folder cannot
be written (the message names it; nothing is written then), 3 when the checker itself fails (a bug
in chainrule, as for ``python -m viz.check``).
"""

from __future__ import annotations

import argparse
import sys

from ..check import CheckerError, WorkedExampleError, shipped
from ..check.spec import failure_status
from ..numbers import number_formatter
from . import OutputError, walkthrough

OWN_FILE = (
    "Your own worked example: python -m viz.walkthrough my_example.toml --out DIR "
    "(the file format: docs/worked-example-format.md; a short one: examples/tanh_neuron_check.toml)"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m viz.walkthrough",
        description="Check and replay worked examples with chainrule: per example, SVG graphs, a "
        "Markdown report, an HTML page and a replay page, each leading with the numbers the "
        "document gets wrong.",
    )
    parser.add_argument(
        "examples",
        nargs="*",
        metavar="FILE|ID",
        help=f"worked-example TOML files or shipped ids ({', '.join(shipped())}; default: all shipped)",
    )
    parser.add_argument("--out", default="walkthrough", help="output folder (default: walkthrough)")
    parser.add_argument("--fmt", help="number format of pictures and explanations, e.g. .4f (default: .6f)")
    args = parser.parse_args(argv)
    try:
        number_formatter(args.fmt, 6)
    except ValueError as exc:
        parser.error(str(exc))  # exit status 2
    try:
        walkthrough(args.examples or None, args.out, args.fmt)
    except (WorkedExampleError, OutputError, CheckerError) as exc:
        return failure_status(exc)
    print(OWN_FILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
