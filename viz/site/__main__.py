"""``python -m viz.site OUT [--cache DIR]``: build the static page that checks worked examples in
the browser, then serve it with any static server (``python -m http.server -d OUT``).

Exit status: 0 when built, 2 when it cannot be (no npm, no registry, a folder that is not a site).
"""

from __future__ import annotations

import argparse
import sys

from . import SiteError, build_site, default_cache


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m viz.site",
        description="Build a static web page that checks hand-worked backpropagation with chainrule "
        "itself, running in the browser (Pyodide); nothing is fetched from elsewhere when it runs.",
    )
    parser.add_argument("out", help="the folder to write (new, empty, or a site built before)")
    parser.add_argument(
        "--cache",
        metavar="DIR",
        help=f"where npm's packages are kept between builds (default {default_cache()})",
    )
    args = parser.parse_args(argv)
    try:
        site = build_site(args.out, args.cache)
    except SiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    parts = ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in site.sizes.items())
    print(f"wrote {site.folder}: {site.size / 1e6:.1f} MB ({parts})")
    print(f"serve it with: python -m http.server -d {site.folder} 8000, then open http://127.0.0.1:8000/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
