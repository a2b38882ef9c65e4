"""The house's rules about who imports whom, read from the source with ``ast``.

- ``cnn_core`` is a plain library: it never imports ``streamlit``, ``ui`` or ``pages``, not even
  inside a function;
- ``ui`` never imports ``pages``;
- the concept pages (01-05) never reach TensorFlow or Keras through module-level imports, and
  running them does not load it;
- no import circle among the ``cnn_core`` and ``ui`` modules, counting imports inside functions
  too (a lazy import is still a dependency: ``python -m cnn_core.train`` once made one).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT, no_tensorflow_after

CONCEPT_PAGES = sorted(
    str(p.relative_to(ROOT)) for n in range(1, 6) for p in (ROOT / "pages").glob(f"0{n}_*.py")
)
HEAVY = ("tensorflow", "keras")


def module_name(path: Path, root: Path = ROOT) -> str:
    """``cnn_core/train/engine.py`` -> ``cnn_core.train.engine``; a package's ``__init__`` -> the
    package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the app: ``cnn_core``, ``ui``, ``pages`` and ``app.py``."""
    found = {"app": root / "app.py"}
    for top in ("cnn_core", "ui", "pages"):
        for path in sorted((root / top).rglob("*.py")):
            found[module_name(path, root)] = path
    return found


def imports_of(path: Path, module: str, *, top_level_only: bool = False, known=None) -> set[str]:
    """The absolute names a module imports (relative imports resolved).

    ``from a.b import c`` imports the module ``a.b.c`` when there is one among ``known``, else
    ``a.b`` (without ``known``: both names). With ``top_level_only``, imports inside functions are
    left out.
    """
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    nodes = ast.walk(tree) if not top_level_only else _top_level(tree)
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if known is None:
                    names.update((base, full))
                else:
                    names.add(full if full in known else base)
    return names


def _top_level(tree: ast.Module):
    """Nodes run when the module is imported: not inside functions (classes and ifs included)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def import_graph(modules: dict[str, Path], **options) -> dict[str, set[str]]:
    """``{module: modules of the app it imports}``."""
    known = set(modules)
    return {
        name: {m for m in imports_of(path, name, known=known, **options) if m in known} - {name}
        for name, path in modules.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle in ``graph`` (as a path that returns to its start), or ``None``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def _banned(names: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if n.split(".")[0] in prefixes)


MODULES = source_modules()


@pytest.mark.parametrize("name", [m for m in MODULES if m.startswith("cnn_core")])
def test_cnn_core_never_imports_streamlit_ui_or_pages(name):
    assert _banned(imports_of(MODULES[name], name), ("streamlit", "ui", "pages")) == []


@pytest.mark.parametrize("name", [m for m in MODULES if m.split(".")[0] == "ui"])
def test_ui_never_imports_pages(name):
    assert _banned(imports_of(MODULES[name], name), ("pages",)) == []


@pytest.mark.parametrize("page", CONCEPT_PAGES)
def test_concept_pages_reach_no_tensorflow_at_import(page):
    graph = import_graph(MODULES, top_level_only=True)
    start = module_name(ROOT / page)
    seen, todo, heavy = {start}, [start], []
    while todo:
        name = todo.pop()
        heavy += _banned(imports_of(MODULES[name], name, top_level_only=True), HEAVY)
        for nxt in graph[name] - seen:
            seen.add(nxt)
            todo.append(nxt)
    assert heavy == [], f"{page} imports {heavy} through {sorted(seen)}"


@pytest.mark.parametrize("page", CONCEPT_PAGES)
def test_concept_pages_do_not_load_tensorflow_when_run(page):
    result = no_tensorflow_after(page)
    assert result["errors"] == []
    assert not result["tensorflow"] and not result["keras"]


def test_no_import_circle_in_cnn_core_or_ui():
    mine = {n: p for n, p in MODULES.items() if n.split(".")[0] in ("cnn_core", "ui")}
    assert find_cycle(import_graph(mine)) is None


def test_the_checks_see_a_broken_rule(tmp_path):
    """The helpers find what they look for (a rule that cannot fail would prove nothing)."""
    lib = tmp_path / "cnn_core"
    (lib / "train").mkdir(parents=True)
    (lib / "__init__.py").write_text("")
    (lib / "train" / "__init__.py").write_text("from .cli import main\n")
    (lib / "train" / "cli.py").write_text("def main():\n    from cnn_core import train\n")
    (lib / "page_help.py").write_text("def f():\n    import streamlit as st\n")
    (tmp_path / "app.py").write_text("")
    for top in ("ui", "pages"):
        (tmp_path / top).mkdir()
    modules = source_modules(tmp_path)
    assert "streamlit" in imports_of(modules["cnn_core.page_help"], "cnn_core.page_help")
    assert find_cycle(import_graph(modules)) == [
        "cnn_core.train",
        "cnn_core.train.cli",
        "cnn_core.train",
    ]
    # Without the lazy import, no circle.
    assert find_cycle(import_graph(modules, top_level_only=True)) is None
