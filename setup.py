"""The importers' hot path compiled to C by mypyc (everything else is in pyproject.toml).

A 100k-variant catalog spends its import in these modules' row loops; compiled, they run
the same code, typed as mypy checks it, without the interpreter's per-bytecode cost
(``make bench``: bench_import). ``pip install`` (``make``) builds them; an editable
install puts the built modules beside their sources, so after editing one, run ``make``
again (the tests refuse a build older than its source: tests/conftest.py).
"""

from mypyc.build import mypycify
from setuptools import setup

# Modules, not packages: each is compiled whole, and what it calls outside the list is
# called as plain Python.
COMPILED = [
    "seller_console/importers/builder.py",
    "seller_console/importers/feed.py",
    "seller_console/importers/fields.py",
    "seller_console/importers/shopify.py",
    "seller_console/importers/source.py",
    "seller_console/importers/tabular.py",
    "seller_console/importers/woocommerce.py",
]

# mypy checks them first, in this build's own environment: third-party packages (lxml,
# PySide6) are not installed there, and the compiled modules use none of them.
setup(
    ext_modules=mypycify(
        ["--ignore-missing-imports", *COMPILED], group_name="seller_console.importers.compiled"
    )
)
