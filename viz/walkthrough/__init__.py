"""The worked-example walkthrough: each document replayed with the library, step by step.

``python -m viz.walkthrough`` replays all four documents on built-in defaults and writes, per
document, SVG graphs (before and after backward), a Markdown report, a self-contained HTML page
and the document's training step as a ``viz.replay`` page to step through (embedded in the HTML
report too). Each report leads with ``viz.check``'s verdict on the numbers the document
printed: the first wrong step, the wrong numbers, then those off by rounding.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from ..numbers import Format, number_formatter
from . import example_000, example_001, example_002, example_003
from .model import Replay
from .report import markdown, page, text, write

EXAMPLES: dict[str, Callable[[Format], Replay]] = {
    "000": example_000.replay,
    "001": example_001.replay,
    "002": example_002.replay,
    "003": example_003.replay,
}


def walkthrough(
    documents: Iterable[str] | None = None,
    out: str | Path = "walkthrough",
    fmt: Format = ".6f",
    stream: TextIO | None = None,
    quiet: bool = False,
) -> dict[str, Replay]:
    """Replay the chosen documents (all by default), print each step (to ``stream``, default
    standard output, unless ``quiet``) and write the reports to the folder ``out``.

    Returns the replays by document id.
    """
    chosen = list(EXAMPLES) if documents is None else list(documents)
    unknown = [d for d in chosen if d not in EXAMPLES]
    if unknown:
        raise ValueError(f"walkthrough: unknown document {unknown}; choose from {sorted(EXAMPLES)}")
    number = number_formatter(fmt, 6)
    folder = Path(out)
    replays = {}
    for doc in chosen:
        replay = EXAMPLES[doc](fmt)
        paths = write(replay, folder, number)
        if not quiet:
            target = stream if stream is not None else sys.stdout
            target.write(text(replay, number))
            target.write("wrote " + ", ".join(str(p) for p in paths) + "\n\n")
        replays[doc] = replay
    return replays


__all__ = ["EXAMPLES", "Replay", "markdown", "page", "text", "walkthrough"]
