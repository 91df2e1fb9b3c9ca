"""The rules of docs/architecture.md, checked: the core never imports the web or CLI libraries, and
the adapters hold no SPARQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "migrakg"
ADAPTERS = {"web", "commands", "cli.py"}
ADAPTER_LIBS = {"fastapi", "starlette", "uvicorn", "argparse"}
SPARQL = re.compile(r"\b(SELECT|CONSTRUCT|DESCRIBE)\b[^\n]*(\bWHERE\b|\{)|\bASK\s*\{", re.S)


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        yield path, rel.parts[0] in ADAPTERS


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_does_not_import_adapter_libraries():
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(imported(p) & ADAPTER_LIBS)
        for p, adapter in modules()
        if not adapter and imported(p) & ADAPTER_LIBS
    }
    assert not offenders, offenders


def test_adapters_hold_no_sparql():
    offenders = []
    for path, adapter in modules():
        if not adapter:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SPARQL.search(node.value):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, offenders
