"""The allowed import directions of docs/architecture.md, checked on the source."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CROSS_CUTTING = {"staff", "audit", "uploads", "health", "portal", "versioning",
                 "workcalendar", "inbox"}
DOMAIN = {"owners", "scheduling", "service_tickets", "telephony", "prospects",
          "security_training", "safety_targets"}
# app -> apps of ours it may import
ALLOWED = {
    "portal": set(),
    "versioning": set(),
    "workcalendar": {"audit", "portal", "health"},
    "audit": {"portal"},
    "staff": {"audit", "portal", "versioning"},
    "uploads": {"audit", "portal"},
    "health": {"portal"},
    "inbox": {"portal"},
    "owners": CROSS_CUTTING,
    "service_tickets": CROSS_CUTTING | {"owners"},
    "scheduling": CROSS_CUTTING | {"owners", "service_tickets"},
}


def _imports(app: str) -> set[str]:
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found.update(name.split(".")[0] for name in names)
    return found & (CROSS_CUTTING | DOMAIN) - {app}


def test_apps_import_only_what_the_architecture_allows():
    for app, allowed in ALLOWED.items():
        if (ROOT / app).is_dir():
            assert _imports(app) <= allowed, app


def test_no_cross_cutting_app_imports_a_domain_app():
    for app in CROSS_CUTTING:
        assert not (_imports(app) & DOMAIN), app
