"""The apps stand in layers (docs/architecture.md): an app uses only the apps below it, never one
above, not even through an import inside a function or a template include. So the rules at the
bottom (the plan's year, the plan's structure) can be changed without reading the pages above
them, and there is no import cycle between apps.

Python imports (every one, wherever it is in a module) and template ``{% include %}``,
``{% extends %}`` and ``{% load %}`` of another app's templates or tags are checked. A link to
another app's page (``{% url %}``, ``reverse``) is navigation, not a dependency, and is allowed.
"""

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. An app may use the apps of the layers before its own, and nothing else of ours.
LAYERS = [
    ["govuk", "spreadsheets"],
    ["partnerships"],
    ["twofactor", "preparedfiles"],
    ["agencies", "legal"],
    ["invitations"],
    ["sso"],
    ["plans"],
    ["priorities"],
    ["actions"],
    ["indicators"],
    ["consultation", "rounds"],
    ["reviews", "imports", "bulkupdates"],
    ["public", "oversight"],
    ["demo"],
]
LAYER_OF = {app: number for number, apps in enumerate(LAYERS) for app in apps}
# The project package (settings, URLs, the site's own views) sits on top of every app, and the
# benchmarks and tests on top of that: they may use anything.
TOP = {"safer_lewisham", "benchmarks", "tests"}
OURS = set(LAYER_OF) | TOP
# Where each app's template tags libraries are: a {% load %} of one is a use of its app.
TAG_LIBRARIES = {
    path.stem: path.parents[1].name
    for app in LAYER_OF
    for path in (ROOT / app).glob("templatetags/*.py")
    if path.stem != "__init__"
}
TEMPLATE_USE = re.compile(r"{%\s*(?:include|extends)\s+[\"']([a-z_]+)/")
TAG_LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")


def python_uses(app: str):
    """(file, line, app used) for every import of another of our apps in the app's modules."""
    for path in sorted((ROOT / app).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                used = name.split(".")[0]
                if used in OURS and used != app:
                    yield path.relative_to(ROOT), node.lineno, used


def template_uses(app: str):
    """(file, line, app used) for every include, extends or load of another app's templates or
    template tags in the app's templates."""
    for path in sorted((ROOT / app / "templates").rglob("*")):
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            used = TEMPLATE_USE.findall(line)
            for libraries in TAG_LOAD.findall(line):
                used += [TAG_LIBRARIES[name] for name in libraries.split() if name in TAG_LIBRARIES]
            for other in used:
                if other in LAYER_OF and other != app:
                    yield path.relative_to(ROOT), number, other


@pytest.mark.parametrize("app", sorted(LAYER_OF))
def test_an_app_uses_only_the_apps_below_it(app):
    upward = [
        f"{path}:{line} uses {used} (layer {LAYER_OF.get(used, 'top')})"
        for path, line, used in [*python_uses(app), *template_uses(app)]
        if used in TOP or LAYER_OF[used] >= LAYER_OF[app]
    ]
    assert upward == [], f"{app} (layer {LAYER_OF[app]}) reaches up or sideways: {upward}"


def test_every_app_of_ours_has_a_layer():
    from django.conf import settings

    ours = {name for name in settings.INSTALLED_APPS if (ROOT / name / "apps.py").exists()}
    assert ours == set(LAYER_OF)


def test_the_check_sees_an_import_inside_a_function(tmp_path, monkeypatch):
    """The check itself: an import of a higher app hidden inside a function is found."""
    app = tmp_path / "plans"
    app.mkdir()
    (app / "module.py").write_text("def late():\n    from reviews.rollup import x\n    return x\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert list(python_uses("plans")) == [(Path("plans/module.py"), 2, "reviews")]
