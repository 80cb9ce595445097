"""Print every import cycle among the modules of app/ (exit status 1 if there is one).

Counts every import statement, also those inside functions: a deferred import that
holds a cycle open is still a cycle. Run with the project's venv:
    .venv/bin/python scripts/import_cycles.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

# The checkout this script is in, ahead of any installed copy of the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def strongly_connected_groups(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import each other, directly or round about (Tarjan)."""
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0

    def visit(module: str) -> None:
        nonlocal counter
        index[module] = low[module] = counter
        counter += 1
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for module in modules:
        if module not in index:
            visit(module)
    return sorted(groups)


def import_cycles(package: str = "app") -> list[list[str]]:
    """Each group of modules in `package` that import one another, package modules excluded.

    A package's __init__ importing its own submodules (blueprints registering their
    routes) is how Flask blueprints are built, not a cycle between modules: the edge
    from a submodule to its parent package is not counted.
    """
    graph = grimp.build_graph(package, cache_dir=None)
    for module in list(graph.modules):
        for imported in list(graph.find_modules_directly_imported_by(module)):
            if module.startswith(imported + "."):
                graph.remove_import(importer=module, imported=imported)
    return strongly_connected_groups(graph)


def main() -> int:
    cycles = import_cycles()
    for group in cycles:
        print(f"{len(group)} modules: " + ", ".join(group))
    print(f"{len(cycles)} cycle(s)")
    return 1 if cycles else 0


if __name__ == "__main__":
    raise SystemExit(main())
