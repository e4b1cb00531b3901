"""Checks import-linter cannot make: the domain uses no I/O from the standard library."""

import ast
from pathlib import Path

import seller_console.domain

BANNED = {"sqlite3", "asyncio", "socket", "threading", "subprocess", "os", "io", "pathlib"}


def test_domain_imports_no_io_modules():
    folder = Path(seller_console.domain.__file__).parent
    offenders = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in BANNED]
    assert offenders == []
