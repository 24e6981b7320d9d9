"""Build the `eggs` example extension (an ftcheck showcase).

    pip install ./examples/eggs
    # or, in this directory:
    python3 setup.py build_ext --inplace

To see ftcheck's findings, build with the plugin loaded (see ../README.md).
"""
from setuptools import Extension, setup

setup(
    name="ftcheck-example-eggs",
    version="0.1.0",
    description="ftcheck example: a single-phase extension with free-threading hazards",
    ext_modules=[
        Extension("eggs", sources=["eggsmodule.c"]),
    ],
    python_requires=">=3.10",
)
