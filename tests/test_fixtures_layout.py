"""How the tests share what they share: fixtures through the plugins of tests/conftest.py, helpers through helper
modules; no star-import, no test module imported by another, and each persona defined once (tests/personas.py).

tests/accounts keeps a world of its own (a tree with Đông Anh, whose townlet two communes share, and a password the
registration form accepts), so its personas are not the others'."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
OWN_WORLD = TESTS / "accounts"


def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in TESTS.rglob("*.py")}


def _fixtures(tree: ast.Module) -> set[str]:
    """The names of the module's fixtures (functions decorated with pytest.fixture, with or without arguments)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Attribute) and target.attr == "fixture":
                    names.add(node.name)
    return names


def test_no_module_star_imports():
    offenders = [
        f"{path.relative_to(TESTS)}: from {node.module} import *"
        for path, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
    ]
    assert offenders == []


def test_no_module_imports_a_test_module():
    offenders = [
        f"{path.relative_to(TESTS)}: {node.module}"
        for path, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[-1].startswith("test_")
    ]
    assert offenders == []


def test_each_persona_is_defined_once():
    modules = _modules()
    personas = _fixtures(modules[TESTS / "personas.py"])
    again = [
        f"{path.relative_to(TESTS)}: {name}"
        for path, tree in modules.items()
        if path.name != "personas.py" and OWN_WORLD not in path.parents
        for name in sorted(_fixtures(tree) & personas)
    ]
    assert "citizen" in personas and "district_staff" in personas
    assert again == []
