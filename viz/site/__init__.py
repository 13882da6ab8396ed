"""A static web page that checks worked examples with chainrule itself, running in the browser.

``python -m viz.site OUT`` (or ``build_site``) writes a folder that any static host serves
(``python -m http.server -d OUT``): the page and its small script, the Pyodide runtime (CPython
compiled to WebAssembly), a WebAssembly Graphviz for the pictures, an archive of chainrule's
packages with the pure-Python ones they use, and the shipped worked examples. Nothing is fetched
from elsewhere when the page runs.

The two npm packages are pinned in ``package.json`` and ``package-lock.json`` beside this file;
the build fetches them with ``npm ci`` into a cache folder once (it needs Node.js's ``npm`` and the
npm registry, or a cache a previous build filled).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..check import EXAMPLES_DIR, WorkedExampleError, load

HERE = Path(__file__).parent
STATIC = HERE / "static"
NPM_FILES = ("package.json", "package-lock.json")
MARKER = ".chainrule-site"
"""A file every built site holds, so that a rebuild may replace the folder and nothing else."""

PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
GRAPHVIZ_FILES = ("dist/index.js", "LICENSE")
PYTHON_PACKAGES = ("autograd", "nn", "viz", "graphviz", "mpmath")
"""Unpacked into the page's Python: chainrule's packages and the pure-Python ones they import."""
LEFT_OUT = ("viz/site/static/", "viz/site/package.json", "viz/site/package-lock.json")
NPM_TIMEOUT = 600.0

INSTALL_NPM = (
    "the site is built with npm (it fetches Pyodide and a WebAssembly Graphviz): install Node.js "
    "with npm (apt-get install npm, or https://nodejs.org), then run the build again"
)


class SiteError(RuntimeError):
    """The site cannot be built; the message says what is missing and what to do."""


@dataclass(frozen=True)
class Site:
    """A built site: its folder and the bytes of each part (``page``, ``pyodide``, ``graphviz``,
    ``chainrule``, ``examples``)."""

    folder: Path
    sizes: dict[str, int]

    @property
    def size(self) -> int:
        return sum(self.sizes.values())


def default_cache() -> Path:
    """Where npm's packages are kept between builds: ``$XDG_CACHE_HOME/chainrule/site``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "chainrule" / "site"


def build_site(out: str | Path, cache: str | Path | None = None, examples: Iterable[Path] = ()) -> Site:
    """Build the site into the folder ``out`` and return it with its size.

    ``out`` must be new, empty, or a site built before (it is replaced whole, only once the new
    one is complete). ``cache`` keeps the npm packages (default ``default_cache()``).
    ``examples`` are worked-example files offered in the page beside the shipped ones (default:
    the checkout's ``examples/*_check.toml``). Raises ``SiteError`` naming what is missing.
    """
    out = Path(out)
    _may_replace(out)
    modules = _npm_packages(Path(cache) if cache is not None else default_cache())
    chosen = list(examples) or sorted((HERE.parents[1] / "examples").glob("*_check.toml"))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        sizes = {
            "page": _copy_static(staging),
            "pyodide": _copy(modules / "pyodide", PYODIDE_FILES, staging / "vendor" / "pyodide"),
            "graphviz": _copy(
                modules / "@hpcc-js" / "wasm-graphviz", GRAPHVIZ_FILES, staging / "vendor" / "graphviz"
            ),
            "chainrule": _archive(staging / "chainrule.zip"),
            "examples": _examples([*sorted(EXAMPLES_DIR.glob("*.toml")), *chosen], staging / "examples"),
        }
        (staging / MARKER).write_text("built by python -m viz.site\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Site(out, sizes)


def _may_replace(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} is a file; the site is a folder: choose another name")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SiteError(
            f"{out} is a folder that holds other files, not a site built before; "
            "choose a new or empty folder (nothing in it was changed)"
        )


def _npm_packages(cache: Path) -> Path:
    """``node_modules`` of the pinned packages, installed by ``npm ci`` unless the cache holds them."""
    lock = (HERE / "package-lock.json").read_bytes()
    stamp = hashlib.sha256(lock + (HERE / "package.json").read_bytes()).hexdigest()
    modules = cache / "node_modules"
    done = cache / ".installed"
    if done.exists() and done.read_text(encoding="utf-8") == stamp and modules.is_dir():
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise SiteError(f"no npm on PATH: {INSTALL_NPM}")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for name in NPM_FILES:
            shutil.copyfile(HERE / name, cache / name)
    except OSError as exc:
        raise SiteError(
            f"cannot use the cache folder {cache}: {exc.strerror or exc}; pass --cache DIR"
        ) from exc
    command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
    try:
        done_npm = subprocess.run(command, cwd=cache, capture_output=True, text=True, timeout=NPM_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise SiteError(
            f"npm ci did not finish within {NPM_TIMEOUT:g} s in {cache}: is the npm registry reachable?"
        ) from None
    if done_npm.returncode != 0:
        said = (done_npm.stderr or done_npm.stdout).strip()[-1500:]
        raise SiteError(
            f"npm ci failed in {cache} (exit status {done_npm.returncode}); it needs the npm registry "
            f"(network access, or a registry set in .npmrc) the first time:\n{said}"
        )
    done.write_text(stamp, encoding="utf-8")
    return modules


def _copy_static(folder: Path) -> int:
    shutil.copytree(STATIC, folder, dirs_exist_ok=True)
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _copy(package: Path, names: Iterable[str], folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    for name in names:
        source = package / name
        if not source.is_file():
            raise SiteError(
                f"{source} is missing: the npm cache is incomplete; delete {package.parent} and build again"
            )
        shutil.copyfile(source, folder / Path(name).name)
        size += source.stat().st_size
    return size


def _archive(path: Path) -> int:
    """One zip of the Python packages the page imports, unpacked into its file system."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for package in PYTHON_PACKAGES:
            spec = importlib.util.find_spec(package)
            if spec is None or not spec.submodule_search_locations:
                raise SiteError(f"the Python package {package!r} is not installed: pip install -e . first")
            root = Path(next(iter(spec.submodule_search_locations)))
            for file in sorted(root.rglob("*")):
                name = f"{package}/{file.relative_to(root).as_posix()}"
                if file.is_file() and "__pycache__" not in file.parts and not name.startswith(LEFT_OUT):
                    archive.write(file, name)
    return path.stat().st_size


def _examples(files: Iterable[Path], folder: Path) -> int:
    """The worked examples the page offers, and ``index.json`` listing their ids and titles."""
    folder.mkdir(parents=True, exist_ok=True)
    listed: list[dict[str, str]] = []
    for file in files:
        try:
            example = load(file)
        except WorkedExampleError as exc:
            raise SiteError(f"an example for the page cannot be checked: {exc}") from exc
        if any(entry["id"] == example.id for entry in listed):
            raise SiteError(f"{file}: another example of the page has the id {example.id!r}")
        shutil.copyfile(file, folder / f"{example.id}.toml")
        listed.append({"id": example.id, "title": example.title, "file": f"{example.id}.toml"})
    (folder / "index.json").write_text(json.dumps(listed, ensure_ascii=False, indent=1), encoding="utf-8")
    return sum(p.stat().st_size for p in folder.iterdir())


__all__ = ["Site", "SiteError", "build_site", "default_cache"]
