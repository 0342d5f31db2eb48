"""Dependencies point one way: reliefdesk (core) ← funds ← cases ← payouts ← households; funds ← donations;
reports reads all.

Every import of every project module is read from its syntax tree, the
ones inside functions included, and checked against the rule.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

# What each app may import besides itself.
ALLOWED = {
    "reliefdesk": set(),
    "funds": {"reliefdesk"},
    "cases": {"reliefdesk", "funds"},
    "payouts": {"reliefdesk", "funds", "cases"},
    "donations": {"reliefdesk", "funds"},
    "households": {"reliefdesk", "funds", "cases", "payouts"},
    "reports": {"reliefdesk", "funds", "cases", "payouts", "donations", "households"},
}
APPS = set(ALLOWED)


def _modules():
    for app in sorted(APPS):
        for path in sorted(Path(settings.BASE_DIR, app).rglob("*.py")):
            yield app, path


def _imported_apps(path: Path) -> list[tuple[int, str]]:
    """(line, top-level project package) of every import in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in APPS:
                found.append((node.lineno, top))
    return found


def test_every_app_of_the_project_is_under_the_rule():
    installed = {name for name in settings.INSTALLED_APPS if (settings.BASE_DIR / name / "apps.py").exists()}
    assert installed == APPS


@pytest.mark.parametrize(("app", "path"), list(_modules()), ids=lambda v: str(v).split("/work/")[-1])
def test_imports_follow_the_dependency_rule(app, path):
    wrong = [f"{path.relative_to(settings.BASE_DIR)}:{line} imports {top}"
             for line, top in _imported_apps(path) if top != app and top not in ALLOWED[app]]
    assert not wrong, "\n".join(wrong)


def test_the_rule_catches_an_import_hidden_in_a_function(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from payouts.models import Payout\n    return Payout\n")
    assert _imported_apps(module) == [(2, "payouts")]
