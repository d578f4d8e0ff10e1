"""The shape the code must keep: a domain without Reflex, a migration that matches the tables."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import cabinet.models  # noqa: F401
from cabinet import db

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ["models", "services", "documents", "delivery", "seed"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_domain_never_imports_reflex():
    offenders = [
        str(path.relative_to(ROOT))
        for package in DOMAIN
        for path in (ROOT / "cabinet" / package).rglob("*.py")
        if "reflex" in imported_modules(path)
    ]
    offenders += [name for name in ("worker.py", "clock.py", "settings.py", "db.py")
                  if "reflex" in imported_modules(ROOT / "cabinet" / name)]
    assert offenders == []


def test_the_check_itself_sees_a_reflex_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from reflex import State\n")
    assert "reflex" in imported_modules(sample)


def test_migrations_build_exactly_the_tables_of_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []
