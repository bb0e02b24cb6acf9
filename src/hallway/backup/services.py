"""Backup and restore of one umbrella event with everything that belongs to it.

The file is JSON (gzip-compressed when its name ends in ``.gz``), versioned, and documented in
docs/backup-format.md.  Rows keep their database ids only as references inside the file: a
restore inserts them with new ids, in dependency order, so an umbrella can be brought back into
an empty database or beside other events in another one.  Public identities (UUIDs, slugs,
timestamps) are kept exactly, so every export and URL is the same after a restore.  A restore
that would clash with what the database holds is refused before anything is written, naming
the clash; the whole restore is one transaction.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from hallway.common.tracing import traced

FORMAT = "hallway-backup"
VERSION = 1

# Every model that belongs to an umbrella, in the order a restore inserts them (a row's
# references come before it), with the lookup from the model to its event.
MODELS: list[tuple[str, str]] = [
    ("events.Event", "pk"),
    ("events.EventRole", "event"),
    ("events.Room", "event"),
    ("events.RoomAvailability", "room__event"),
    ("events.Track", "event"),
    ("events.SessionType", "event"),
    ("program.Speaker", "event"),
    ("program.SpeakerAvailability", "speaker__event"),
    ("program.Session", "event"),
    ("program.SessionSpeaker", "session__event"),
    ("program.Playlist", "event"),
    ("program.Resource", "session__event"),
    ("program.Exhibitor", "event"),
    ("program.ExhibitorHours", "exhibitor__event"),
    ("schedule.Schedule", "event"),
    ("schedule.Slot", "schedule__event"),
    ("attendees.Attendee", "event"),
    ("attendees.Favourite", "attendee__event"),
    ("attendees.Note", "attendee__event"),
    ("attendees.WatchLater", "attendee__event"),
    ("cfp.CallForPapers", "event"),
    ("cfp.CallForPapers_session_types", "callforpapers__event"),
    ("cfp.CallForPapers_tracks", "callforpapers__event"),
    ("cfp.SessionTypeDeadline", "cfp__event"),
    ("cfp.Question", "cfp__event"),
    ("cfp.ScoreCategory", "cfp__event"),
    ("cfp.Submission", "event"),
    ("cfp.SubmissionSpeaker", "submission__event"),
    ("cfp.CoSpeakerInvitation", "submission__event"),
    ("cfp.Answer", "question__cfp__event"),
    ("cfp.StateChange", "submission__event"),
    ("cfp.Message", "event"),
    ("cfp.ReviewerScope", "event"),
    ("cfp.ReviewerScope_tracks", "reviewerscope__event"),
    ("cfp.Review", "submission__event"),
    ("cfp.ReviewScore", "review__submission__event"),
    ("cfp.MailTemplate", "event"),
    ("cfp.Offer", "submission__event"),
    ("audit.AuditEntry", "event"),
]
# Tables added after format 1 was first written: a backup made before them restores with
# them empty (an older hallway had nothing to put there).
ADDED_LATER = {"audit.auditentry", "attendees.note", "attendees.watchlater"}
# Kept out on purpose: a speaker's profile belongs to the account, not to an event (it is
# shared by every event the person speaks at).  Uploaded files (answers' files, photos) are
# not in the file either: back up the media directory beside it.
NOT_AN_EVENTS_DATA = {"cfp.speakerprofile"}
# Working data that would be wrong after a restore: the schedule editor's solver proposals
# quote session ids and slot versions of this database (ids are renumbered on restore).
# The search index is a copy of the published programme, rebuilt on the first search.
NOT_KEPT = {"schedule.proposal", "search.entry", "search.indexstate"}
# People are matched by username in the target database; their superuser flag never travels.
USER_FIELDS = ["username", "email", "first_name", "last_name", "password", "is_staff", "is_active"]


class RestoreError(Exception):
    """The file cannot be restored here; the message says why and where."""


@dataclasses.dataclass
class RestoreReport:
    umbrella: str
    counts: dict[str, int]
    users_created: int
    users_matched: int
    renumbered: list[str] = dataclasses.field(default_factory=list)


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _user_label() -> str:
    return settings.AUTH_USER_MODEL.lower()


def _references_user(field) -> bool:
    return field.is_relation and field.related_model is get_user_model()


@traced("hallway.backup")
def backup_umbrella(umbrella) -> dict:
    """Everything that belongs to ``umbrella`` as one JSON-ready document."""
    family = [umbrella.pk, *umbrella.sub_events.values_list("pk", flat=True)]
    tables: dict[str, list[dict]] = {}
    user_ids: set[int] = set()
    for label, path in MODELS:
        model = _model(label)
        fields = model._meta.concrete_fields
        rows = model._default_manager.filter(**{f"{path}__in": family}).order_by("pk")
        if label == "events.Event":
            rows = rows.order_by(models.F("parent").asc(nulls_first=True), "pk")
        table = []
        for obj in rows.iterator(chunk_size=2000):
            row = {f.attname: f.value_from_object(obj) for f in fields}
            user_ids |= {row[f.attname] for f in fields if _references_user(f) and row[f.attname]}
            table.append(row)
        tables[label.lower()] = table
    users = get_user_model()._default_manager.filter(pk__in=user_ids).order_by("pk")
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "umbrella": umbrella.slug,
        "schema": {
            label.lower(): [f.attname for f in _model(label)._meta.concrete_fields]
            for label, _ in MODELS
        },
        "users": [{"id": u.pk, **{f: getattr(u, f) for f in USER_FIELDS}} for u in users],
        "tables": tables,
    }


@transaction.atomic
def delete_umbrella(umbrella) -> None:
    """Delete an umbrella and everything of it, references first (slots protect their rooms
    and sessions, sessions their types)."""
    family = [umbrella.pk, *umbrella.sub_events.values_list("pk", flat=True)]
    for label, path in reversed(MODELS):
        model = _model(label)
        model._default_manager.filter(**{f"{path}__in": family}).exclude(
            **({"pk": umbrella.pk} if label == "events.Event" else {})
        ).delete()
    type(umbrella)._default_manager.filter(pk=umbrella.pk).delete()


def write_backup(document: dict, path: Path) -> None:
    data = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    if path.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)


def read_backup(path: Path) -> dict:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise RestoreError(f"{path}: a damaged gzip file ({exc})") from None
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise RestoreError(f"{path}: not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RestoreError(f'{path}: not a hallway backup (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise RestoreError(
            f"{path}: backup format version {document.get('version')!r}; this hallway reads "
            f"version {VERSION}"
        )
    return document


@contextlib.contextmanager
def _timestamps_kept() -> Iterator[None]:
    """Insert created_at/updated_at as the file says, not as 'now'."""
    switched = []
    for label, _ in MODELS:
        for field in _model(label)._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                switched.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _check_schema(document: dict) -> None:
    schema = document.get("schema") or {}
    tables = document.get("tables") or {}
    for label, _ in MODELS:
        key = label.lower()
        if key not in tables:
            if key in ADDED_LATER:
                tables[key] = []
                continue
            raise RestoreError(f"the backup has no table {key!r}")
        ours = {f.attname: f for f in _model(label)._meta.concrete_fields}
        theirs = set(schema.get(key, []))
        unknown = theirs - set(ours)
        if unknown:
            raise RestoreError(
                f"{key}: the backup has fields this hallway lacks: {sorted(unknown)}"
            )
        for name, field in ours.items():
            if name not in theirs and not (field.has_default() or field.null):
                raise RestoreError(f"{key}: the backup lacks the required field {name!r}")


def _check_clashes(document: dict) -> None:
    tables = document["tables"]
    for label, _ in MODELS:
        model = _model(label)
        names = {f.attname for f in model._meta.concrete_fields}
        for unique in ("uuid", "token"):
            if unique not in names:
                continue
            values = [row[unique] for row in tables[label.lower()] if row.get(unique)]
            for start in range(0, len(values), 500):
                clash = model._default_manager.filter(
                    **{f"{unique}__in": values[start : start + 500]}
                )
                if clash.exists():
                    obj = clash.first()
                    raise RestoreError(
                        f"{label}: {unique} {getattr(obj, unique)} ({obj}) already exists in this "
                        "database; restore into an empty database, or delete that event first"
                    )
    slugs = [row["slug"] for row in tables["events.event"]]
    taken = _model("events.Event")._default_manager.filter(slug__in=slugs).first()
    if taken:
        raise RestoreError(f"an event with the slug {taken.slug!r} already exists in this database")


def _restore_users(document: dict) -> tuple[dict[int, int], int, int]:
    user_model = get_user_model()
    mapping, created, matched = {}, 0, 0
    for row in document.get("users", []):
        existing = user_model._default_manager.filter(username=row["username"]).first()
        if existing is None:
            existing = user_model._default_manager.create(
                **{f: row[f] for f in USER_FIELDS if f in row}
            )
            created += 1
        else:
            matched += 1
        mapping[row["id"]] = existing.pk
    return mapping, created, matched


@traced("hallway.restore")
@transaction.atomic
def restore_umbrella(document: dict) -> RestoreReport:
    """Insert the umbrella of a backup document; all or nothing."""
    _check_schema(document)
    _check_clashes(document)
    users, users_created, users_matched = _restore_users(document)
    ids: dict[str, dict[int, int]] = {_user_label(): users}
    counts: dict[str, int] = {}
    renumbered: list[str] = []
    kept_ids: list[type[models.Model]] = []
    with _timestamps_kept():
        for label, _ in MODELS:
            model = _model(label)
            key = label.lower()
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            rows = document["tables"][key]
            # Database ids appear in exports (frab's numeric ids), so they are kept wherever
            # the target has them free, as it always does when it is empty.
            keep = not _ids_taken(model, [row["id"] for row in rows])
            if rows:
                (kept_ids if keep else renumbered).append(model if keep else key)
            ids[key] = {}
            # Events refer to each other (parent): insert them one by one, umbrella first.
            batch = 1 if label == "events.Event" else 1000
            for start in range(0, len(rows), batch):
                chunk = rows[start : start + batch]
                objs = []
                for row in chunk:
                    values = _values(model, fields, row, ids, key)
                    objs.append(model(pk=row["id"], **values) if keep else model(**values))
                model._default_manager.bulk_create(objs)
                ids[key].update({row["id"]: obj.pk for row, obj in zip(chunk, objs, strict=True)})
            counts[key] = len(rows)
    _reset_sequences(kept_ids)
    # Stored diffs name slots by id; ids may have changed, so they are worked out afresh.
    _model("schedule.Schedule")._default_manager.filter(
        pk__in=ids["schedule.schedule"].values()
    ).update(changes=None)
    return RestoreReport(document["umbrella"], counts, users_created, users_matched, renumbered)


def _ids_taken(model, ids: list[int]) -> bool:
    manager = model._default_manager
    return any(
        manager.filter(pk__in=ids[start : start + 500]).exists()
        for start in range(0, len(ids), 500)
    )


def _reset_sequences(kept: list[type[models.Model]]) -> None:
    """After inserting explicit ids, PostgreSQL's sequences must move past them."""
    if not kept:
        return
    statements = connection.ops.sequence_reset_sql(no_style(), kept)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _values(model, fields, row: dict, ids: dict, where: str) -> dict:
    values = {}
    for field in fields:
        if field.attname not in row:
            continue
        raw = row[field.attname]
        if field.is_relation and raw is not None:
            target = field.related_model._meta.label_lower
            try:
                values[field.attname] = ids[target][raw]
            except KeyError:
                raise RestoreError(
                    f"{where} row {row.get('id')}: {field.name} refers to {target} {raw}, "
                    "which is not in the backup"
                ) from None
        else:
            values[field.attname] = field.to_python(raw)
    return values
