"""The allowed import directions of docs/architecture.md, checked on the source.

Every import statement counts, wherever it stands (inside a function too): an import
moved into a function still runs, so it cannot hide a dependency or a circle.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CROSS_CUTTING = {"background", "staff", "audit", "uploads", "health", "portal", "versioning",
                 "workcalendar", "inbox"}
DOMAIN = {"owners", "scheduling", "service_tickets", "telephony", "prospects",
          "security_training", "safety_targets"}
# app -> apps of ours it may import
ALLOWED = {
    "background": set(),
    "portal": set(),
    "versioning": set(),
    "workcalendar": {"audit", "portal", "health"},
    "audit": {"portal"},
    "staff": {"audit", "portal", "versioning", "background"},
    "uploads": {"audit", "portal"},
    "health": {"portal"},
    "inbox": {"portal"},
    "owners": CROSS_CUTTING,
    "service_tickets": CROSS_CUTTING | {"owners"},
    "scheduling": CROSS_CUTTING | {"owners", "service_tickets"},
}
# config/ only wires the project together: settings (and the date formats they name),
# the URL roots, the WSGI/ASGI entry points and the Celery application object.
CONFIG_MODULES = {"__init__", "celery", "urls", "api_urls", "wsgi", "asgi"}
CONFIG_PACKAGES = {"settings", "formats"}


def _our_apps() -> set[str]:
    """The installed apps whose code is in this repository (by folder); not the libraries of
    a virtual environment that lives inside the checkout (``.venv``)."""
    folders = {Path(config.path).relative_to(ROOT).parts[0]
               for config in apps.get_app_configs() if Path(config.path).is_relative_to(ROOT)}
    return {folder for folder in folders
            if not folder.startswith(".") and folder != "node_modules"}


def _sources(folder: str):
    for path in sorted((ROOT / folder).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_names(path: Path) -> set[str]:
    return _names_in(path.read_text(encoding="utf-8"), _module_name(path),
                     is_package=path.name == "__init__.py")


def _names_in(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every dotted name an import statement in ``source`` may load, relative imports made
    absolute (``from . import x`` names both the package and ``package.x``)."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[:len(parts) - node.level + 1]
                source_name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source_name = node.module
            found.add(source_name)
            found.update(f"{source_name}.{alias.name}" for alias in node.names)
    return found


def _imports(app: str) -> set[str]:
    """The apps of ours ``app`` imports."""
    found = {name.split(".")[0] for path in _sources(app) for name in _imported_names(path)}
    return found & (CROSS_CUTTING | DOMAIN) - {app}


def _module_graph() -> dict[str, set[str]]:
    return _graph({_module_name(path): _imported_names(path)
                   for app in _our_apps() for path in _sources(app)})


def _graph(imports: dict[str, set[str]]) -> dict[str, set[str]]:
    """Module -> the modules of ``imports`` it imports (for each name, the longest module
    it is in: ``from .models import Ticket`` imports ``app.models``)."""

    def resolve(name: str) -> str | None:
        while name and name not in imports:
            name = name.rpartition(".")[0]
        return name or None

    return {module: {found for name in names if (found := resolve(name)) and found != module}
            for module, names in imports.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One import circle per strongly connected group of modules (Tarjan), as a path."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [_path_round(graph, group) for group in groups]


def _path_round(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A readable circle through ``group``: a → b → … → a."""
    start = min(group)
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for other in sorted(graph[path[-1]] & group):
            if other == start:
                return [*path, start]
            if other not in seen:
                seen.add(other)
                paths.append([*path, other])
    return sorted(group)


def test_apps_import_only_what_the_architecture_allows():
    for app, allowed in ALLOWED.items():
        if (ROOT / app).is_dir():
            assert _imports(app) <= allowed, app


def test_every_app_of_ours_has_its_import_rule():
    assert _our_apps() <= set(ALLOWED)


def test_no_cross_cutting_app_imports_a_domain_app():
    for app in CROSS_CUTTING:
        assert not (_imports(app) & DOMAIN), app


def test_no_app_imports_config():
    # config/ sits above the apps (its URLs import theirs); the apps reach the Celery app
    # through celery itself and the settings through django.conf.settings.
    importing = {_module_name(path) for app in _our_apps() for path in _sources(app)
                 if any(name.split(".")[0] == "config" for name in _imported_names(path))}
    assert importing == set()


def test_config_holds_only_the_wiring():
    extra = {str(path.relative_to(ROOT / "config")) for path in _sources("config")
             if not (path.parent == ROOT / "config" and path.stem in CONFIG_MODULES)
             and path.relative_to(ROOT / "config").parts[0] not in CONFIG_PACKAGES}
    assert extra == set(), "app code belongs in an app, not in config/"


def test_no_module_of_ours_is_in_an_import_circle():
    circles = [" → ".join(circle) for circle in _circles(_module_graph())]
    assert circles == []


def test_the_circle_check_counts_an_import_made_inside_a_function():
    # given a service that imports its tasks inside a function, and tasks that import it
    services = "from .models import Ticket\n\ndef later():\n    from .tasks import run\n"
    tasks = "from . import services\n"
    imports = {"app.services": _names_in(services, "app.services"),
               "app.tasks": _names_in(tasks, "app.tasks"),
               "app.models": set()}
    # then the check names the circle between them, and nothing else
    assert _circles(_graph(imports)) == [["app.services", "app.tasks", "app.services"]]
