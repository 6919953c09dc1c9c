"""The allowed import directions between bot's packages (docs/architecture.md), enforced.

Every ``import``/``from … import`` in ``bot/`` — function-level ones included — is read
with :mod:`ast`. A module may import its own layer or a lower one, never a higher one;
packages do not import each other in a circle; only the local chat imports the emulator.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"

#: lowest first; a module may import modules of its own layer or of a lower one
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("bot", "bot.errors", "bot.config", "bot.observability", "bot.lifecycle")),
    ("model", ("bot.model", "bot.corpus_types")),
    ("pipeline", ("bot.arabic", "bot.corpus", "bot.digest", "bot.extract", "bot.picture")),
    ("build", ("bot.cache",)),
    ("services", ("bot.subscriptions", "bot.delivery", "bot.ingest")),
    ("telegram", ("bot.telegram",)),
    ("cli", ("bot.cli", "bot.chat", "bot.chat_reach")),
]

#: the subcommands ``bot.cli`` loads: entry points, so they sit in the CLI layer
CLI_MODULES = (
    "bot.cache.commands",
    "bot.cache.digest_command",
    "bot.delivery.commands",
    "bot.subscriptions.commands",
    "bot.subscriptions.channel_commands",
    "bot.ingest.commands",
)

EMULATOR_ALLOWED = ("bot.chat",)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {
        module_name(p): p
        for p in sorted(BOT.rglob("*.py"))
        if "migrations" not in p.parts  # alembic scripts, run by alembic only
    }


def imports(name: str, path: Path) -> Iterator[str]:
    """Absolute names imported by a module (relative imports resolved)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def layer_of(name: str) -> int | None:
    """The layer index of a bot module (the most specific prefix wins)."""
    if name in CLI_MODULES:
        return len(LAYERS) - 1
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for index, (_label, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[0]
            ):
                best = (len(prefix), index)
    return None if best is None else best[1]


def package_of(name: str) -> str:
    """The node of the package graph: ``bot.<package>``, or ``cli`` for entry points."""
    if layer_of(name) == len(LAYERS) - 1:
        return "cli"
    return ".".join(name.split(".")[:2])


def edges() -> Iterator[tuple[str, str]]:
    """(importer, imported module) for every import of a bot module."""
    known = modules()
    for name, path in known.items():
        for target in imports(name, path):
            if target in known:
                yield name, target
            elif target.startswith("bot.") and target.rpartition(".")[0] in known:
                yield name, target.rpartition(".")[0]  # from bot.x import name


def test_every_module_has_a_layer() -> None:
    assert [name for name in modules() if layer_of(name) is None] == []


def test_imports_point_down_the_layers() -> None:
    upward = [
        f"{src} ({LAYERS[layer_of(src) or 0][0]}) imports {dst} ({LAYERS[layer_of(dst) or 0][0]})"
        for src, dst in edges()
        if (layer_of(dst) or 0) > (layer_of(src) or 0)
    ]
    assert upward == []


def test_packages_do_not_import_each_other_in_a_circle() -> None:
    graph: dict[str, set[str]] = {}
    for src, dst in edges():
        a, b = package_of(src), package_of(dst)
        if a != b:
            graph.setdefault(a, set()).add(b)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        return False

    cycles = sorted(
        f"{a} <-> {b}" for a, targets in graph.items() for b in targets if reaches(b, a)
    )
    assert cycles == []


@pytest.mark.parametrize("pipeline", LAYERS[2][1])
def test_the_pipeline_never_imports_telegram(pipeline: str) -> None:
    found = [
        (src, dst)
        for src, dst in edges()
        if package_of(src) == pipeline and dst.startswith("bot.telegram")
    ]
    assert found == []


def test_only_the_local_chat_imports_the_emulator() -> None:
    users = sorted(
        name
        for name, path in modules().items()
        if any(t.split(".")[0] == "botapi_emulator" for t in imports(name, path))
    )
    assert users == list(EMULATOR_ALLOWED)


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The checks above would fail on a violation: the parser finds relative imports."""
    module = tmp_path / "m.py"
    module.write_text("from ..telegram import render\nimport bot.cli\n", encoding="utf-8")
    found = set(imports("bot.extract.m", module))
    assert {"bot.telegram", "bot.telegram.render", "bot.cli"} <= found
    assert layer_of("bot.extract.m") == 2 and layer_of("bot.telegram.render") == 5
