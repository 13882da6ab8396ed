"""Packaging: everything is in pyproject.toml. This file only adds the optional compiled build.

``CHAINRULE_COMPILE=1 pip install .`` compiles the engine's core modules with mypyc, from the
same Python source (pip fetches mypy for the build); without the variable, chainrule installs
as pure Python. ``autograd.value.COMPILED`` says which build runs.
"""

import os

from setuptools import setup

CORE = ["autograd/value.py", "autograd/graph.py", "autograd/mode.py"]
MYPYC = "mypy==2.4.1"  # the version CI type-checks with

if os.environ.get("CHAINRULE_COMPILE") != "1":
    setup()
else:
    try:
        from mypyc.build import mypycify
    except ImportError:  # pip's first pass asks what the build needs; the second pass builds
        setup(setup_requires=[MYPYC])
    else:
        setup(
            setup_requires=[MYPYC], ext_modules=mypycify(CORE, group_name="autograd.compiled", opt_level="3")
        )
