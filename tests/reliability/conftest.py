"""The rendering tests here run once per Graphviz engine, as those of ``tests/viz``."""

from tests.viz.conftest import dot

__all__ = ["dot"]
