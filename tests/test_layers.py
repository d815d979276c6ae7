"""The house's one-way doors, read from the code's imports with ``ast``.

listeners → kit → ui → usecases → storage → core. ``bot/ids.py`` and ``bot/settings.py`` are
leaves any layer may import; the composition root (``bot/app.py``, ``server``, ``services``,
``scheduling``, ``__main__``, ``catalog``) may import anything and nothing imports it (type
hints under ``TYPE_CHECKING`` aside). A listener module never imports another listener
module; ``slackkit`` (the local Slack) talks to the app only over HTTP, so neither imports
the other. No import cycle between project modules; no import inside a function unless a
comment says why."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "storage", "slackkit")
LEAVES = {"bot.ids", "bot.settings"}
LISTENER_KINDS = ("commands", "actions", "views", "shortcuts", "events", "options")
RANK = {"listeners": 6, "kit": 5, "ui": 4, "usecases": 3, "storage": 2, "core": 1}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


MODULES = project_modules()


def layer(module: str) -> str:
    parts = module.split(".")
    if module in LEAVES:
        return "leaf"
    if parts[0] == "slackkit":
        return "slackkit"
    if parts[0] == "storage":
        return "storage"
    if parts[0] == "bot":
        if len(parts) > 1 and parts[1] in ("core", "usecases"):
            return parts[1]
        return "root"
    if len(parts) > 1 and parts[1] in ("kit", "ui"):
        return parts[1]
    return "listeners"  # handlers, handlers.jobs, handlers.<kind>…


def resolve(name: str) -> str | None:
    """The project module an import names (a name imported from a package may itself be
    a module: ``from bot.usecases import deals``)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def relative(module: str, node: ast.ImportFrom, name: str) -> str:
    """``from .forms import x`` in ``slackkit.client`` → ``slackkit.forms.x``."""
    package = module.split(".")
    if MODULES[module].name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(p for p in [*base, node.module or "", name] if p)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(module: str) -> list[tuple[str, int, bool]]:
    """(imported project module, line, inside a function) for every run-time import."""
    tree = ast.parse(MODULES[module].read_text())
    out: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                continue
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                names = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                names = [f"{child.module}.{a.name}" for a in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level:
                base = module.split(".")
                base = base[
                    : len(base) - child.level + (1 if MODULES[module].name == "__init__.py" else 0)
                ]
                names = [
                    ".".join([*base, child.module or "", a.name]).replace("..", ".")
                    for a in child.names
                ]
            else:
                visit(child, inner)
                continue
            for name in names:
                target = resolve(name)
                if target and target != module:
                    out.append((target, child.lineno, in_function))

    visit(tree, False)
    return out


GRAPH = {m: imports_of(m) for m in MODULES}


def listener_owner(module: str) -> str | None:
    """The listener package a listener module belongs to (``handlers.commands``), or None
    for ``handlers`` itself (the registration root) and ``handlers.jobs``."""
    parts = module.split(".")
    if parts[0] == "handlers" and len(parts) > 1 and parts[1] in LISTENER_KINDS:
        return ".".join(parts[:2])
    return None


def door_problem(source: str, target: str) -> str | None:
    a, b = layer(source), layer(target)
    if b == "leaf" or a == "root":
        return None
    if "slackkit" in (a, b):
        return None if a == b else "the local Slack and the app talk only over HTTP"
    if b == "root":
        return "nothing imports the composition root (bot.app, server, services, scheduling)"
    if a == "leaf":
        return "bot.ids and bot.settings import nothing of ours"
    if b == "storage" and a in ("listeners", "kit", "ui"):
        return "the Slack side reads and writes through use cases, never storage"
    if RANK[b] > RANK[a]:
        return f"{a} may not import {b}: listeners → kit → ui → usecases → storage → core"
    if a == b == "listeners":
        owner, other = listener_owner(source), listener_owner(target)
        registering = source in ("handlers", owner) and (
            other == target.rpartition(".")[0] or source == "handlers"
        )
        if not registering:
            return "a listener module never imports another listener module"
    return None


def test_imports_flow_one_way():
    problems = [
        f"{MODULES[src].relative_to(ROOT)}:{line}: imports {dst}: {why}"
        for src, edges in GRAPH.items()
        for dst, line, _ in edges
        if (why := door_problem(src, dst))
    ]
    assert not problems, "\n".join(problems)


def test_no_import_cycles():
    edges = defaultdict(set)
    for src, found in GRAPH.items():
        for dst, _, in_function in found:
            if not in_function:
                edges[src].add(dst)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def strongconnect(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in MODULES:
        if v not in index:
            strongconnect(v)
    assert not cycles, cycles


def test_imports_inside_functions_say_why():
    unexplained = []
    for module, found in GRAPH.items():
        lines = MODULES[module].read_text().splitlines()
        for _, line, in_function in found:
            if in_function and "#" not in lines[line - 1] and "#" not in lines[line - 2]:
                unexplained.append(f"{MODULES[module].relative_to(ROOT)}:{line}")
    assert not unexplained, unexplained


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("handlers.commands.prospect", "handlers.kit.replies", True),
        ("handlers.commands.prospect", "handlers.commands.advance", False),
        ("handlers.ui.deals", "handlers.kit.replies", False),
        ("bot.usecases.deals", "handlers.ui.deals", False),
        ("storage.deals", "bot.usecases.deals", False),
        ("bot.core.money", "storage.deals", False),
        ("bot.core.money", "bot.ids", True),
        ("handlers.kit.middleware", "bot.services", False),
        ("slackkit.fake_slack", "bot.core.money", False),
        ("handlers.jobs", "storage.digests", False),
        ("handlers.commands", "handlers.commands.prospect", True),
        ("handlers", "handlers.commands", True),
    ],
)
def test_the_rules_themselves(source, target, allowed):
    assert (door_problem(source, target) is None) is allowed


def _functions(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node, node.end_lineno - node.lineno + 1


def test_functions_fit_on_a_screen():
    """Listeners ≤ 40 lines; everything else ≤ 60, except pure Block Kit builders (``ui``)
    and parsers that say so in their docstring."""
    too_long = []
    for module, path in MODULES.items():
        if layer(module) in ("ui", "slackkit"):
            continue
        most = 40 if listener_owner(module) else 60
        for fn, lines in _functions(path):
            parser = "A parser" in (ast.get_docstring(fn) or "")
            if lines > most and not parser:
                too_long.append(f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name} ({lines} lines)")
    assert not too_long, too_long
