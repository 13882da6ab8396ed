"""The worked-example walkthrough: any worked-example file, checked and replayed, as one report.

``python -m viz.walkthrough`` does it for the four shipped documents on built-in defaults;
``python -m viz.walkthrough FILE.toml --out DIR`` for any worked-example file
(``docs/worked-example-format.md``). For each it writes SVG graphs of the replay (before and after
backward, in the document's names), a Markdown report, a self-contained HTML page, the training
step as a ``viz.replay`` page to step through, and a loss curve when the file has a training
loop. Each report leads with ``viz.check``'s verdict on the numbers the document printed, shows
every printed number beside the library's value in the document's own sections, and writes out
the chain rule of every wrong derivative.

>>> from viz.walkthrough import build, text
>>> doc = build("001")
>>> print(text(doc).splitlines()[1])
5 wrong (1 slip, 4 typo), 3 off by rounding, 22 exact, of 29 numbers, 6 repeated.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from ..check import WorkedExampleError, shipped
from ..numbers import Format, number_formatter
from .document import Document, Explained, Figure, Section, build
from .report import OutputError, files, markdown, page, text, write


def walkthrough(
    documents: Iterable[str | Path] | None = None,
    out: str | Path = "walkthrough",
    fmt: Format = None,
    stream: TextIO | None = None,
    quiet: bool = False,
) -> dict[str, Document]:
    """Check and replay worked examples (files or shipped ids; default: every shipped one),
    print each report (to ``stream``, default standard output, unless ``quiet``) and write its
    files into the folder ``out``.

    Every example is built before anything is written, so a file that cannot be checked
    (``viz.check.WorkedExampleError``) leaves the folder untouched; a folder that cannot be
    written raises ``OutputError`` naming it. Returns the documents by id.
    """
    number_formatter(fmt, 6)  # a bad format is the caller's ValueError, before anything is built
    chosen = shipped() if documents is None else list(documents)
    built: dict[str, Document] = {}
    for source in chosen:
        doc = build(source, fmt)
        if doc.id in built:
            raise WorkedExampleError(
                f"{source}: another worked example has the id {doc.id!r} (the reports' file names); "
                "give each its own id"
            )
        built[doc.id] = doc
    contents = {name: content for doc in built.values() for name, content in files(doc).items()}
    written = write(contents, out)
    if not quiet:
        target = stream if stream is not None else sys.stdout
        for doc in built.values():
            names = [str(p) for p in written if p.name.startswith(f"{doc.id}-")]
            target.write(text(doc))
            target.write("wrote " + ", ".join(names) + "\n\n")
    return built


__all__ = [
    "Document",
    "Explained",
    "Figure",
    "OutputError",
    "Section",
    "build",
    "files",
    "markdown",
    "page",
    "text",
    "walkthrough",
    "write",
]
