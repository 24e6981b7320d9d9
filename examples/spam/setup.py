"""Build the `spam` example extension (an ftcheck showcase).

    pip install ./examples/spam
    # or, in this directory:
    python3 setup.py build_ext --inplace

To see ftcheck's findings, build with the plugin loaded (see ../README.md).
"""
from setuptools import Extension, setup

setup(
    name="ftcheck-example-spam",
    version="0.1.0",
    description="ftcheck example: a multi-phase extension with free-threading hazards",
    ext_modules=[
        Extension("spam", sources=["spammodule.c"]),
    ],
    python_requires=">=3.10",
)
