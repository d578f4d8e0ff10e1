"""The shape the code must keep: layers that import only downward, a domain without Reflex, handlers that the
worker is handed rather than imports, and a migration that matches the tables."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import cabinet.models  # noqa: F401
from cabinet import bootstrap, db
from cabinet.models import RequestKind

ROOT = Path(__file__).resolve().parents[2]
CABINET = ROOT / "cabinet"
# Below the pages and states: plain Python, tested against a real database.
DOMAIN = ["models", "services", "documents", "delivery", "seed", "worker", "clock", "settings", "db", "text",
          "bootstrap"]
# (importer, what it may never import): every arrow points down the layers.
NEVER = [
    ("cabinet.state", "cabinet.models"),  # states get DTOs from services, never tables or their enums
    ("cabinet.pages", "cabinet.services"),  # pages show state; they call nothing
    ("cabinet.pages", "cabinet.models"),
    ("cabinet.components", "cabinet.services"),
    ("cabinet.components", "cabinet.models"),
    ("cabinet.services", "cabinet.worker"),  # the worker is handed the handlers; they never reach up to it
    ("cabinet.services", "cabinet.state"),
    ("cabinet.services", "cabinet.bootstrap"),
    ("cabinet.documents", "cabinet.services"),  # documents render what they are given or read
    ("cabinet.delivery", "cabinet.services"),
    ("cabinet.models", "cabinet.services"),
    ("cabinet.worker", "cabinet.state"),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The modules a file imports, dotted; `from package import name` counts as package.name too."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def private_names(path: Path) -> set[tuple[str, str]]:
    """(module, name) of every underscore name a file imports from a cabinet module."""
    return {
        (node.module, alias.name)
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cabinet")
        for alias in node.names
        if alias.name.startswith("_")
    }


def files(prefix: str = "cabinet") -> list[Path]:
    return [p for p in CABINET.rglob("*.py") if module_name(p) == prefix or module_name(p).startswith(prefix + ".")]


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_every_arrow_points_down_the_layers():
    broken = sorted(
        f"{module_name(path)} imports {target}"
        for importer, forbidden in NEVER
        for path in files(importer)
        for target in imports(path)
        if under(target, forbidden)
    )
    assert broken == []


def test_the_domain_never_imports_reflex():
    offenders = [module_name(path) for part in DOMAIN for path in files(f"cabinet.{part}")
                 if any(under(name, "reflex") for name in imports(path))]
    assert offenders == []


def test_the_worker_imports_nothing_that_imports_the_worker():
    importers_of_worker = {module_name(p) for p in files() if not under(module_name(p), "cabinet.worker")
                           and any(under(name, "cabinet.worker") for name in imports(p))}
    reached = sorted(f"{module_name(p)} imports {name}" for p in files("cabinet.worker") for name in imports(p)
                     if any(under(name, importer) for importer in importers_of_worker))
    assert importers_of_worker == {"cabinet.cabinet"} and reached == []


def test_no_package_imports_a_private_name_of_another():
    def package(module: str) -> str:
        return ".".join(module.split(".")[:3]) if module.startswith("cabinet.services.") else module.rsplit(".", 1)[0]

    crossing = sorted(f"{module_name(p)} imports {module}.{name}" for p in files() for module, name in private_names(p)
                      if package(module) != package(module_name(p)))
    assert crossing == []


def test_every_request_kind_has_a_handler():
    registry = bootstrap.handler_registry()
    assert sorted(kind.value for kind in RequestKind if registry.handler(kind.value) is None) == []
    assert set(registry.handlers) == {kind.value for kind in RequestKind}


def test_the_checks_see_what_they_look_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from reflex import State\nfrom cabinet.services import audit\nfrom cabinet.x import _y\n")
    assert {"reflex", "cabinet.services.audit"} <= imports(sample)
    assert private_names(sample) == {("cabinet.x", "_y")}


def test_migrations_build_exactly_the_tables_of_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []
