"""hallway's apps import each other one way only, from the layer above to the layers below:

    common.validators              the link and colour rules, plain Python
    solver, interop format layer   pure Python: nothing from Django or the apps
    common                         base models, Markdown, tracing, health: no app of hallway
    events                         Event tree, rooms, tracks, types, roles
    permissions, audit             who may do what (rules predicates over events and roles);
                                   the audit log of who changed what
    programme                      sessions, speakers, resources, exhibitors
    attendees                      attendees and favourites (the scheduler's interest signal)
    schedule                       WIP schedule, releases, what is published, planning
    cfp, interop, agenda, backup,  capabilities: each may use the layers below, not each other
    search,
    attendees.agenda               (the personal agenda: stars, feed, device links; it reads
                                   releases, so it sits above schedule, while the models the
                                   scheduler reads stay below it)
    manage, api                    the organiser area and the API, over every capability
    urls, settings, cli, demo,     wiring at the top (these may use each other)
    server

A test fails naming the import when a module imports one above it (or a sibling capability),
so a cycle cannot come back unnoticed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hallway"

LAYERS: list[set[str]] = [
    {"common.pure"},
    {"solver", "interop.format"},
    {"common"},
    {"events"},
    {"permissions", "audit"},
    {"programme"},
    {"attendees"},
    {"schedule"},
    {"cfp", "interop", "agenda", "backup", "attendees.agenda", "search"},
    {"manage", "api"},
    {"hallway", "urls", "settings", "cli", "wsgi", "demo", "__main__", "server", "templates"},
]
TOP = len(LAYERS) - 1
LEVEL = {unit: i for i, layer in enumerate(LAYERS) for unit in layer}
# The interop format layer: one module per format and the neutral model, no Django.
FORMAT_MODULES = {
    "__init__",
    "model",
    "errors",
    "sniff",
    "_shared",
    "_json",
    "frab_xml",
    "frab_xml_export",
    "frab_json",
    "schedule2",
    "ical",
    "sessionize",
    "scale_signs",
    "csv_export",
}


def unit_of(module: str) -> str:
    """'hallway.interop.frab_xml' -> 'interop.format'; 'hallway.schedule.services' -> 'schedule'."""
    parts = module.split(".")[1:]
    if not parts:
        return "hallway"
    if parts[:2] == ["common", "validators"]:
        return "common.pure"
    if parts[0] == "attendees" and len(parts) > 1 and parts[1] != "models":
        return "attendees.agenda"
    if parts[0] == "interop" and (len(parts) == 1 or parts[1] in FORMAT_MODULES):
        return "interop.format"
    return parts[0]


def module_name(path: Path) -> str:
    relative = path.relative_to(SRC.parent).with_suffix("")
    return ".".join(relative.parts).removesuffix(".__init__")


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("hallway")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("hallway"):
                if node.module == "hallway":
                    found += [(node.lineno, f"hallway.{a.name}") for a in node.names]
                else:
                    found.append((node.lineno, node.module))
    return found


def violations(root: Path = SRC) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        here = unit_of(module_name(path))
        if here not in LEVEL:
            found.append(
                f"{path.relative_to(root)}: '{here}' is on no layer of tests/test_layers.py"
            )
            continue
        for line, target in imports_of(path):
            there = unit_of(target)
            if there == here:
                continue
            if there not in LEVEL:
                found.append(f"{path.relative_to(root)}:{line} imports {target} (on no layer)")
            elif LEVEL[there] > LEVEL[here] or (LEVEL[there] == LEVEL[here] < TOP):
                found.append(f"{path.relative_to(root)}:{line} ({here}) imports {target} ({there})")
    return found


def test_apps_import_only_the_layers_below():
    assert violations() == []


def test_the_check_catches_a_reverse_import(tmp_path):
    """The guard itself: events importing schedule is reported."""
    app = tmp_path / "hallway" / "events"
    app.mkdir(parents=True)
    (app / "models.py").write_text("from hallway.schedule.services import latest_release\n")
    (tmp_path / "hallway" / "common").mkdir()
    (tmp_path / "hallway" / "common" / "x.py").write_text("import hallway.events.models\n")
    global SRC
    saved, SRC = SRC, tmp_path / "hallway"
    try:
        found = violations(tmp_path / "hallway")
    finally:
        SRC = saved
    assert found == [
        "common/x.py:1 (common) imports hallway.events.models (events)",
        "events/models.py:1 (events) imports hallway.schedule.services (schedule)",
    ]


@pytest.mark.parametrize("module", sorted(FORMAT_MODULES))
def test_the_format_layer_is_in_the_source(module):
    assert (SRC / "interop" / f"{module}.py").exists()
