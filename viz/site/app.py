"""What the web page calls: chainrule's own check and walkthrough, run in the page by Pyodide.

The page's script does no checking of its own. It hands the editor's text to ``check`` and shows
what comes back: the walkthrough's HTML report, and the check's counts and first wrong step (the
same data as ``python -m viz.check FILE --json``). Pictures are laid out by the WebAssembly
Graphviz the page loads, installed as ``viz``'s renderer by ``start``.

>>> import json
>>> result = json.loads(check("001.toml", (shipped_folder() / "001.toml").read_text(encoding="utf-8")))
>>> result["ok"], result["report"]["counts"]["wrong"], result["report"]["first_wrong"]
(True, 5, 2)
>>> json.loads(check("mine.toml", "[network\\n"))["error"].startswith("mine.toml")
True
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from ..check import EXAMPLES_DIR, CheckerError, WorkedExampleError
from ..check.report import first_wrong_sentence, headline
from ..engine import Renderer, use_renderer
from ..walkthrough import build, page

RENDERER = "WebAssembly Graphviz (@hpcc-js/wasm-graphviz)"


def start(layout: Renderer) -> str:
    """Lay every picture out with ``layout(source, format)`` (the page's WebAssembly Graphviz);
    returns the Python version, for the page to show."""
    import sys

    use_renderer(layout, RENDERER)
    return sys.version.split()[0]


def shipped_folder() -> Path:
    """The folder of the shipped worked examples (000–003)."""
    return EXAMPLES_DIR


def check(name: str, text: str) -> str:
    """Check the worked example ``text`` as the file ``name`` and return JSON: ``ok``; when the
    file can be checked, ``report`` (``Report.to_dict``, as ``python -m viz.check --json``
    prints it), ``headline`` and ``first_wrong`` (the sentences the command line prints first)
    and ``html`` (the walkthrough's page);
    otherwise ``error``, the checker's own message, and ``kind`` ("file" or "checker")."""
    safe = Path(name).name or "worked-example.toml"
    with tempfile.TemporaryDirectory(prefix="chainrule-") as folder:
        path = Path(folder) / safe
        path.write_text(text, encoding="utf-8")
        try:
            doc = build(path)
        except WorkedExampleError as exc:
            return _json({"ok": False, "kind": "file", "error": _named(str(exc), path, safe)})
        except CheckerError as exc:
            return _json({"ok": False, "kind": "checker", "error": _named(str(exc), path, safe)})
        report = doc.check
        return _json(
            {
                "ok": True,
                "report": report.to_dict(),
                "headline": headline(report),
                "first_wrong": first_wrong_sentence(report),
                "html": page(doc),
            }
        )


def _named(message: str, path: Path, name: str) -> str:
    """The message with the file called by the name the user knows, not the page's scratch path."""
    return message.replace(str(path), name)


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)
