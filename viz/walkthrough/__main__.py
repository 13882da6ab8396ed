"""``python -m viz.walkthrough [--doc ID ...] [--out DIR] [--fmt SPEC]``"""

from __future__ import annotations

import argparse

from . import EXAMPLES, walkthrough


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m viz.walkthrough",
        description="Replay the worked examples with chainrule: tables, chain-rule breakdowns, "
        "SVG graphs and a report per document that leads with the numbers the document gets wrong.",
    )
    parser.add_argument("--doc", choices=sorted(EXAMPLES), action="append", help="a document (default: all)")
    parser.add_argument("--out", default="walkthrough", help="output folder (default: walkthrough)")
    parser.add_argument("--fmt", default=".6f", help="number format spec, e.g. .4f or .3e (default: .6f)")
    args = parser.parse_args(argv)
    walkthrough(args.doc, args.out, args.fmt)


if __name__ == "__main__":
    main()
