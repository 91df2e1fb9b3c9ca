"""The rules of docs/architecture.md, checked on the source (relative imports resolved):

- the core (everything but `web/`, `commands/` and `cli.py`) imports neither the web or CLI libraries nor
  migrakg's own adapters;
- the adapters hold no SPARQL;
- no router imports another router (shared web state lives in `web/deps.py`);
- no import cycle among the modules' top-level imports.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "migrakg"
ADAPTERS = {"web", "commands", "cli.py"}
ADAPTER_LIBS = {"fastapi", "starlette", "uvicorn", "argparse"}
ADAPTER_MODULES = ("migrakg.web", "migrakg.commands", "migrakg.cli")
SPARQL = re.compile(r"\b(SELECT|CONSTRUCT|DESCRIBE)\b[^\n]*(\bWHERE\b|\{)|\bASK\s*\{", re.S)


def module_name(path: Path) -> str:
    parts = ("migrakg", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_adapter(name: str) -> bool:
    return name == "migrakg.cli" or name.startswith(("migrakg.web.", "migrakg.commands.")) or name in ADAPTER_MODULES


def resolve(importer: str, node: ast.ImportFrom) -> list[str]:
    """The migrakg modules an `from … import …` reaches, relative imports resolved."""
    if node.level:
        package = importer if MODULES[importer].name == "__init__.py" else importer.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    if not base.startswith("migrakg"):
        return []
    found = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
    return found or [base]


def imports(name: str, *, top_level_only: bool = False) -> tuple[set[str], set[str]]:
    """(migrakg modules, other top-level packages) that module *name* imports."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    own: set[str] = set()
    libraries: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                (own if alias.name.startswith("migrakg") else libraries).add(
                    alias.name if alias.name.startswith("migrakg") else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom):
            targets = resolve(name, node)
            if targets:
                own.update(targets)
            elif node.module:
                libraries.add(node.module.split(".")[0])
    return own, libraries


def test_relative_imports_are_resolved():
    own, _ = imports("migrakg.web.pages")
    assert {"migrakg.formats", "migrakg.linkeddata.resources", "migrakg.web.deps"} <= own
    own, _ = imports("migrakg.sparql.service")
    assert "migrakg.sparql.guard" in own and "migrakg.errors" in own


def test_core_does_not_import_adapter_libraries():
    offenders = {}
    for name in MODULES:
        wrong = imports(name)[1] & ADAPTER_LIBS
        if not is_adapter(name) and wrong:
            offenders[name] = sorted(wrong)
    assert not offenders, offenders


def test_core_does_not_import_the_adapters():
    offenders = {}
    for name in MODULES:
        wrong = {m for m in imports(name)[0] if is_adapter(m)}
        if not is_adapter(name) and wrong:
            offenders[name] = sorted(wrong)
    assert not offenders, offenders


def test_no_router_imports_another_router():
    routers = {name for name, path in MODULES.items() if "router = APIRouter(" in path.read_text(encoding="utf-8")}
    assert {"migrakg.web.pages", "migrakg.web.sparql", "migrakg.web.catalog"} <= routers
    offenders = {name: sorted((imports(name)[0] & routers) - {name}) for name in routers if (imports(name)[0] & routers) - {name}}
    assert not offenders, offenders


def test_no_import_cycles():
    graph = nx.DiGraph()
    for name in MODULES:
        graph.add_node(name)
        for target in imports(name, top_level_only=True)[0]:
            if target in MODULES and target != name and not name.startswith(target + "."):
                graph.add_edge(name, target)
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert not cycles, cycles


def test_adapters_hold_no_sparql():
    offenders = []
    for name, path in MODULES.items():
        if not is_adapter(name):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SPARQL.search(node.value):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, offenders
