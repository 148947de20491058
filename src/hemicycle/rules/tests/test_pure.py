"""The legal core stays pure Python: no Django anywhere in rules/ (architecture.md)."""

import ast
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", sorted(RULES.rglob("*.py")), ids=lambda p: str(p.relative_to(RULES)))
def test_no_django_import(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "django" not in imported
    assert "__import__" not in path.read_text(encoding="utf-8") or path.name == "test_pure.py"
