"""Packaging: everything is in pyproject.toml. This file only adds the optional compiled build.

``CHAINRULE_COMPILE=1 pip install --no-build-isolation .`` (with ``mypy`` and ``setuptools``
installed) compiles the engine's core modules with mypyc, from the same Python source; without
the variable, chainrule installs as pure Python.
"""

import os

from setuptools import setup

CORE = ["autograd/value.py", "autograd/graph.py", "autograd/mode.py"]

if os.environ.get("CHAINRULE_COMPILE") == "1":
    from mypyc.build import mypycify

    setup(ext_modules=mypycify(CORE, group_name="autograd_compiled", opt_level="3"))
else:
    setup()
