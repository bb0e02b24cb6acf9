"""Backup and restore of an umbrella: the round trip into a database emptied of it gives
byte-identical exports of every release; a clash or a damaged file is refused with nothing
written; every model of hallway's apps is either in the backup or deliberately left out."""

from __future__ import annotations

import gzip
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from hallway import interop
from hallway.backup.services import (
    MODELS,
    NOT_AN_EVENTS_DATA,
    backup_umbrella,
    delete_umbrella,
    read_backup,
    write_backup,
)
from hallway.events.models import Event
from hallway.interop.exports import programme_for
from hallway.programme.models import Session
from hallway.schedule.models import Schedule
from hallway.schedule.services import release_schedule, wip_schedule

pytestmark = pytest.mark.django_db

FORMATS = ["frab-xml", "frab-json", "ical", "csv"]


def every_export(slug: str) -> dict[tuple[str, str, str], bytes]:
    umbrella = Event.objects.get(slug=slug)
    out = {}
    for release in Schedule.objects.filter(event=umbrella, version__isnull=False):
        for event in [umbrella, *umbrella.sub_events.all()]:
            programme = programme_for(event, release=release, base_url="https://x.example")
            for fmt in FORMATS:
                out[(release.version, event.slug, fmt)] = interop.export(programme, fmt)
    return out


def test_backup_then_restore_into_an_emptied_database_exports_the_same_bytes(demo, tmp_path):
    # A second release with a move and a cancellation, so there is history to keep.
    wip = wip_schedule(demo)
    slot = wip.slots.filter(session__isnull=False, pinned=False).first()
    Session.objects.filter(pk=slot.session_id).update(state=Session.CANCELLED)
    release_schedule(demo, "2.0", comment="a cancellation")
    before = every_export(demo.slug)
    assert len(before) == 2 * 4 * len(FORMATS)
    counts_before = {label: _count(label, demo) for label, _ in MODELS}

    path = tmp_path / "pose27.json.gz"
    call_command("backup", demo.slug, "-o", str(path))
    delete_umbrella(demo)
    assert not Event.objects.filter(slug="pose27").exists()

    call_command("restore", str(path))
    restored = Event.objects.get(slug="pose27")
    assert every_export("pose27") == before
    assert {label: _count(label, restored) for label, _ in MODELS} == counts_before


def _count(label: str, umbrella: Event) -> int:
    path = dict(MODELS)[label]
    family = [umbrella.pk, *umbrella.sub_events.values_list("pk", flat=True)]
    return apps.get_model(label)._default_manager.filter(**{f"{path}__in": family}).count()


def test_restore_beside_the_original_is_refused_and_writes_nothing(demo, tmp_path):
    path = tmp_path / "pose27.json"
    write_backup(backup_umbrella(demo), path)
    events = Event.objects.count()
    with pytest.raises(CommandError, match="already exists in this database"):
        call_command("restore", str(path))
    assert Event.objects.count() == events


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: d.update(format="something-else"), "not a hallway backup"),
        (lambda d: d.update(version=99), "format version 99"),
        (lambda d: d["schema"]["program.session"].append("mood"), "fields this hallway lacks"),
        (lambda d: d["tables"].pop("schedule.slot"), "no table 'schedule.slot'"),
        (lambda d: d["tables"]["schedule.slot"][0].update(room_id=10**9), "not in the backup"),
    ],
)
def test_a_damaged_backup_is_refused_saying_what_is_wrong(demo, tmp_path, damage, message):
    document = json.loads(json.dumps(backup_umbrella(demo), default=str))
    delete_umbrella(demo)
    damage(document)
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path))
    assert not Event.objects.filter(slug="pose27").exists()  # nothing half-written


def test_not_json_is_refused(tmp_path):
    path = tmp_path / "junk.json.gz"
    path.write_bytes(gzip.compress(b"{not json"))
    with pytest.raises(Exception, match="not JSON"):
        read_backup(path)


def test_every_model_is_in_the_backup_or_deliberately_not():
    covered = {label.lower() for label, _ in MODELS} | NOT_AN_EVENTS_DATA
    ours = {
        m._meta.label_lower
        for m in apps.get_models()
        if m.__module__.startswith("hallway.") and not m._meta.abstract
    }
    assert ours - covered == set(), "add new models to hallway.backup.services.MODELS"


def test_command_line_round_trip_into_a_fresh_database(tmp_path):
    """`hallway backup` on one installation, `hallway restore` on a new one (its own SQLite
    file, just migrated): the exports written by `hallway export` are the same bytes."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    hallway = Path(sys.executable).with_name("hallway")
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HALLWAY_", "DJANGO_")) and k != "DATABASE_URL"
    }

    def run(data: str, *args: str) -> None:
        env = {**base, "HALLWAY_DATA_DIR": str(tmp_path / data)}
        result = subprocess.run(
            [str(hallway), *args], env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr

    backup = tmp_path / "pose27.json.gz"
    run("old", "migrate", "--no-input", "-v0")
    run("old", "load-demo")
    run("old", "backup", "pose27", "-o", str(backup))
    run("new", "migrate", "--no-input", "-v0")
    run("new", "restore", str(backup))
    for fmt in FORMATS:
        for data in ("old", "new"):
            run(data, "export", "--format", fmt, "-o", str(tmp_path / f"{data}.{fmt}"), "pose27")
        assert (tmp_path / f"old.{fmt}").read_bytes() == (tmp_path / f"new.{fmt}").read_bytes()


def test_a_backup_from_before_the_audit_log_restores_with_an_empty_log(demo, tmp_path):
    from hallway.audit.models import AuditEntry
    from hallway.audit.services import record

    record(demo, "room.changed", note="kept in a backup")
    document = json.loads(json.dumps(backup_umbrella(demo), default=str))
    assert "kept in a backup" in [r["note"] for r in document["tables"]["audit.auditentry"]]
    delete_umbrella(demo)
    del document["tables"]["audit.auditentry"], document["schema"]["audit.auditentry"]
    path = tmp_path / "before-audit.json"
    path.write_text(json.dumps(document))
    call_command("restore", str(path))
    restored = Event.objects.get(slug="pose27")
    assert not AuditEntry.objects.filter(event=restored).exists()
    assert Session.objects.filter(event__in=[restored, *restored.sub_events.all()]).exists()
