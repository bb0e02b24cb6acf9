"""Who may do what: every role × every action, on a small world of two umbrellas.

Roles (see ``factories.make_world``): S superuser, U organiser of the Alpha umbrella,
A organiser of its sub-event Apricot, B organiser of the sibling sub-event Blueberry,
Z organiser of another umbrella (Zulu), N a staff user with no role, anonymous.

The admin part is generated from ``admin.site._registry``: a newly registered ModelAdmin
without a row here fails ``test_every_registered_admin_is_covered``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from factories import make_world, release_count
from hallway.attendees.models import Attendee
from hallway.cfp.models import CallForPapers, Message, ReviewerScope, Submission
from hallway.events.models import EventRole
from hallway.programme.models import Exhibitor, Playlist
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.services import release_schedule

ROLES = {
    "S": "superuser",
    "U": "umbrella_organiser",
    "A": "sub_organiser",
    "B": "sibling_organiser",
    "Z": "other_umbrella_organiser",
    "N": "no_role",
    "-": None,  # anonymous
}
ALL = "SUABZN-"


@pytest.fixture
def world(db):
    return make_world()


def _user(world, code):
    role = ROLES[code]
    return AnonymousUser() if role is None else world.user(role)


# --- the rules themselves ------------------------------------------------------------------

RULES = [
    # (permission, object, roles that have it)
    ("hallway.view_organiser_area", None, "SUABZ"),
    ("hallway.release_schedule", "alpha", "SU"),
    ("hallway.release_schedule", "apricot.event", "SU"),  # a sub-event releases its umbrella
    ("hallway.release_schedule", "zulu", "SZ"),
    ("hallway.freeze_schedule", "alpha", "SU"),
    ("hallway.change_event", "alpha", "SU"),
    ("hallway.change_event", "apricot.event", "SU"),  # days, venue: shared by the family
    ("hallway.delete_event", "alpha", "S"),
    ("hallway.delete_event", "apricot.event", "SU"),
    ("hallway.view_event", "apricot.event", "SUA"),
    ("hallway.manage_rooms", "alpha_room", "SU"),
    ("hallway.manage_rooms", "zulu_room", "SZ"),
    ("hallway.import_programme", "alpha", "SU"),
    ("hallway.import_programme", "apricot.event", "SU"),
    ("hallway.import_programme", None, "SUZ"),
    ("hallway.manage_roles", "apricot.event", "SU"),
    ("hallway.change_session", "apricot.session", "SUA"),
    ("hallway.change_session", "blueberry.session", "SUB"),
    ("hallway.change_session", "zulu_family.session", "SZ"),
    ("hallway.change_track", "apricot.track", "SUA"),
    ("hallway.change_session_type", "blueberry.session_type", "SUB"),
    ("hallway.change_speaker", "apricot.speaker", "SUA"),
    ("hallway.change_speaker", "zulu_family.speaker", "SZ"),
    ("hallway.add_speaker", None, "SUZ"),
    ("hallway.change_slot", "apricot.hidden_slot", "SUA"),
    ("hallway.change_slot", "blueberry.hidden_slot", "SUB"),
    ("hallway.change_slot", "break_slot", "SU"),  # a break holds the shared rooms
]


def _resolve(world, path):
    if path is None:
        return None
    if path == "break_slot":
        from factories import at
        from hallway.schedule.services import wip_schedule

        return Slot.objects.create(
            schedule=wip_schedule(world.alpha), label="Lunch", start=at(12), end=at(13)
        )
    target = world
    for part in path.split("."):
        if part == "hidden_slot":
            target = Slot.objects.get(session=target.hidden, schedule__version=None)
        else:
            target = getattr(target, part)
    return target


@pytest.mark.parametrize(("perm", "path", "allowed"), RULES, ids=[f"{p}:{o}" for p, o, _ in RULES])
def test_rule_matrix(world, perm, path, allowed):
    obj = _resolve(world, path)
    got = "".join(code for code in ALL if _user(world, code).has_perm(perm, obj))
    assert got == allowed


# --- the admin, generated from its registry ------------------------------------------------


def _extra_objects(world):
    """Rows the world does not need but the admin registry does (one per event family)."""
    opens = timezone.now()
    closes = opens + dt.timedelta(days=30)
    return {
        "playlist": [
            Playlist.objects.create(
                event=world.apricot.event, title="List Apricot", url="https://a.example/"
            ),
            Playlist.objects.create(
                event=world.blueberry.event, title="List Blueberry", url="https://b.example/"
            ),
            Playlist.objects.create(
                event=world.zulu, title="List Zanzibar", url="https://z.example/"
            ),
        ],
        "exhibitor": [
            Exhibitor.objects.create(event=world.alpha, name="Booth Alpha", category="project"),
            Exhibitor.objects.create(event=world.zulu, name="Booth Zulu", category="project"),
        ],
        "attendee": [
            Attendee.objects.create(event=world.alpha),
            Attendee.objects.create(event=world.zulu),
        ],
        "cfp": [
            CallForPapers.objects.create(event=event, opens_at=opens, closes_at=closes)
            for event in (world.apricot.event, world.zulu)
        ],
        "submission": [
            Submission.objects.create(
                event=world.apricot.event,
                title="Submitted to Apricot",
                abstract="An abstract.",
                session_type=world.apricot.session_type,
            )
        ],
        "message": [
            Message.objects.create(
                event=world.apricot.event, to="speaker@example.org", subject="Apricot news"
            )
        ],
        "reviewerscope": [
            ReviewerScope.objects.create(event=world.apricot.event, user=world.user("no_role"))
        ],
    }


def _cases(world):
    """(label, object, who may view it, who may change it[, who may delete it]) for every
    admin's objects."""
    extra = _extra_objects(world)
    a, b, z = world.apricot, world.blueberry, world.zulu_family
    role = {r.event_id: r for r in EventRole.objects.all()}
    wip_slot = {
        f.event.pk: Slot.objects.get(session=f.session, schedule__version=None) for f in (a, b, z)
    }
    released = Slot.objects.get(session=a.session, schedule__version="1.0")
    return [
        ("event alpha", world.alpha, "SU", "SU", "S"),  # deleting a conference: admins only
        ("event apricot", a.event, "SUA", "SU"),
        ("event blueberry", b.event, "SUB", "SU"),
        ("event zulu", world.zulu, "SZ", "SZ", "S"),
        ("role on alpha", role[world.alpha.pk], "SU", "SU"),
        ("role on apricot", role[a.event.pk], "SUA", "SU"),
        ("role on zulu", role[world.zulu.pk], "SZ", "SZ"),
        ("room alpha", world.alpha_room, "SUAB", "SU"),
        ("room zulu", world.zulu_room, "SZ", "SZ"),
        ("track apricot", a.track, "SUA", "SUA"),
        ("track blueberry", b.track, "SUB", "SUB"),
        ("track zulu", z.track, "SZ", "SZ"),
        ("type apricot", a.session_type, "SUA", "SUA"),
        ("type blueberry", b.session_type, "SUB", "SUB"),
        ("session apricot", a.session, "SUA", "SUA"),
        ("session blueberry", b.session, "SUB", "SUB"),
        ("session zulu", z.session, "SZ", "SZ"),
        ("speaker apricot", a.speaker, "SUA", "SUA"),
        ("speaker blueberry", b.speaker, "SUB", "SUB"),
        ("speaker zulu", z.speaker, "SZ", "SZ"),
        ("playlist apricot", extra["playlist"][0], "SUA", "SUA"),
        ("playlist blueberry", extra["playlist"][1], "SUB", "SUB"),
        ("playlist zulu", extra["playlist"][2], "SZ", "SZ"),
        ("exhibitor alpha", extra["exhibitor"][0], "SU", "SU"),
        ("exhibitor zulu", extra["exhibitor"][1], "SZ", "SZ"),
        ("attendee alpha", extra["attendee"][0], "SU", "SU"),
        ("attendee zulu", extra["attendee"][1], "SZ", "SZ"),
        ("release alpha", Schedule.objects.get(event=world.alpha, version="1.0"), "SUAB", "SU"),
        ("release zulu", Schedule.objects.get(event=world.zulu, version="1.0"), "SZ", "SZ"),
        ("wip slot apricot", wip_slot[a.event.pk], "SUA", "SUA"),
        ("wip slot blueberry", wip_slot[b.event.pk], "SUB", "SUB"),
        ("wip slot zulu", wip_slot[world.zulu.pk], "SZ", "SZ"),
        ("released slot", released, "SUA", ""),
        ("cfp apricot", extra["cfp"][0], "SUA", "SUA"),
        ("cfp zulu", extra["cfp"][1], "SZ", "SZ"),
        ("submission apricot", extra["submission"][0], "SUA", "SUA"),
        ("message apricot", extra["message"][0], "SUA", "SUA"),
        ("reviewer scope apricot", extra["reviewerscope"][0], "SUA", "SUA"),
        ("user", world.user("sub_organiser"), "S", "S"),
        ("group", Group.objects.create(name="Group Alpha"), "S", "S"),
    ]


# Who sees a model's list, and who may add one (the object is asked again when it is saved).
LISTS = {
    "user": ("S", "S"),
    "group": ("S", "S"),
    "event": ("SUABZ", "S"),
    "eventrole": ("SUABZ", "SUZ"),
    "room": ("SUABZ", "SUZ"),
    "track": ("SUABZ", "SUABZ"),
    "sessiontype": ("SUABZ", "SUABZ"),
    "session": ("SUABZ", "SUABZ"),
    "speaker": ("SUABZ", "SUZ"),
    "playlist": ("SUABZ", "SUABZ"),
    "exhibitor": ("SUABZ", "SUZ"),
    "schedule": ("SUABZ", ""),
    "slot": ("SUABZ", "SUABZ"),
    "attendee": ("SUABZ", "SUZ"),
    "callforpapers": ("SUABZ", "SUABZ"),
    "submission": ("SUABZ", "SUABZ"),
    "message": ("SUABZ", "SUABZ"),
    "reviewerscope": ("SUABZ", "SUABZ"),
    # Other packages' admins: site administrators only (Django's own model permissions,
    # which no organiser holds).  A lockout is lifted here or with `hallway axes-reset-username`.
    "emailaddress": ("S", "S"),
    "accessattempt": ("S", ""),
    "accessfailurelog": ("S", ""),
    "accesslog": ("S", ""),
    "dbtaskresult": ("S", ""),
}


def test_every_registered_admin_is_covered():
    assert {m._meta.model_name for m in admin.site._registry} == set(LISTS)


def _login(client, world, code):
    client.logout()
    if ROLES[code] is not None:
        client.force_login(_user(world, code))


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model_name", sorted(LISTS))
def test_admin_lists_and_add_pages(world, client, model_name):
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name)
    viewers, adders = LISTS[model_name]
    wrong = []
    for code in ALL:
        _login(client, world, code)
        for view, allowed in (("changelist", viewers), ("add", adders)):
            status = client.get(_url(model, view)).status_code
            if (status == 200) != (code in allowed):
                wrong.append(f"{code} {view}: {status}")
    assert not wrong


N_CASES = 40


@pytest.mark.parametrize("index", range(N_CASES))
def test_admin_object_pages(world, client, index):
    """Change (view) and delete pages of one object, for every role: an object of another
    event is 'not found' (a redirect) or forbidden, never shown."""
    label, obj, viewers, changers, *deleters = _cases(world)[index]
    deleters = deleters[0] if deleters else changers
    model = type(obj)
    wrong = []
    for code in ALL:
        _login(client, world, code)
        response = client.get(_url(model, "change", obj.pk))
        if (response.status_code == 200) != (code in viewers):
            wrong.append(f"{code} view: {response.status_code}")
        elif response.status_code == 200:
            editable = 'name="_save"' in response.content.decode()
            if editable != (code in changers):
                wrong.append(f"{code} editable: {editable}")
        status = client.get(_url(model, "delete", obj.pk)).status_code
        if (status == 200) != (code in deleters):
            wrong.append(f"{code} delete: {status}")
    assert not wrong, label


def test_the_object_cases_are_all_run(world):
    assert len(_cases(world)) == N_CASES


# --- the actions that publish or reshape the umbrella --------------------------------------


@pytest.mark.parametrize("code", ALL)
def test_release_action_needs_the_umbrellas_rights(world, client, code):
    _login(client, world, code)
    before = release_count(world.alpha), release_count(world.zulu)
    # The sub-event organiser selects its own sub-event: the action would release Alpha.
    response = client.post(
        _url(type(world.alpha), "changelist"),
        {"action": "release_programme", "_selected_action": [world.apricot.event.pk]},
    )
    after = release_count(world.alpha), release_count(world.zulu)
    if code in "SU":
        assert response.status_code == 302
        assert after == (before[0] + 1, before[1])
    else:
        # Refused, or (for those without the action) the changelist again, releasing nothing.
        assert response.status_code in (200, 302, 403)
        assert after == before


def test_release_action_refuses_a_mixed_selection(world, client):
    """Zulu's organiser selecting Zulu and (by id) Apricot releases Zulu only."""
    client.force_login(world.user("other_umbrella_organiser"))
    client.post(
        _url(type(world.alpha), "changelist"),
        {
            "action": "release_programme",
            "_selected_action": [world.zulu.pk, world.apricot.event.pk],
        },
    )
    assert (release_count(world.alpha), release_count(world.zulu)) == (1, 2)


@pytest.mark.parametrize("code", "ABZN")
def test_release_service_refuses_a_user_without_the_umbrellas_rights(world, code):
    with pytest.raises(PermissionDenied):
        release_schedule(world.alpha, "2.0", by=_user(world, code))
    assert release_count(world.alpha) == 1


@pytest.mark.parametrize("code", "SU")
def test_release_service_lets_the_umbrellas_organisers_release(world, code):
    release_schedule(world.alpha, "2.0", by=_user(world, code))
    assert release_count(world.alpha) == 2


ICAL = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//test//EN\r
BEGIN:VEVENT\r
UID:import-test-1@example.org\r
DTSTAMP:20300301T000000Z\r
DTSTART:20300301T150000Z\r
DTEND:20300301T153000Z\r
SUMMARY:Imported talk\r
LOCATION:Room Aardvark\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.mark.parametrize("code", ALL)
@pytest.mark.parametrize("target", ["alpha", "apricot", "zulu"])
def test_import_page(world, client, code, target):
    """Importing writes rooms and days and releases the umbrella: umbrella rights only."""
    _login(client, world, code)
    allowed = {"alpha": "SU", "apricot": "SU", "zulu": "SZ"}[target]
    get = client.get(reverse("import"))
    assert (get.status_code == 200) == (code in "SUZ")
    umbrella = world.zulu if target == "zulu" else world.alpha
    before = release_count(umbrella)
    response = client.post(
        reverse("import"),
        {
            "file": SimpleUploadedFile("x.ics", ICAL),
            "event": target,
            "format": "ical",
            "release": "on",
        },
    )
    if code in allowed:
        assert response.status_code == 200, response.content[:500]
        assert release_count(umbrella) == before + 1
    else:
        assert response.status_code in (302, 403)
        assert release_count(umbrella) == before


def test_sub_organiser_cannot_post_changes_to_the_shared_rooms(world, client):
    client.force_login(world.user("sub_organiser"))
    url = _url(type(world.alpha_room), "change", world.alpha_room.pk)
    response = client.post(url, {"name": "Renamed", "capacity": 5, "event": world.alpha.pk})
    assert response.status_code == 403
    world.alpha_room.refresh_from_db()
    assert world.alpha_room.name == "Room Aardvark"


def test_sub_organiser_cannot_move_its_session_into_a_sibling_sub_event(world, client):
    client.force_login(world.user("sub_organiser"))
    session = world.apricot.session
    url = _url(type(session), "change", session.pk)
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        event=world.blueberry.event.pk,
        session_type=world.apricot.session_type.pk,
        track="",
        required_features="[]",
        **{
            f"{p}-{k}": 0
            for p in ("speaker_links", "resources")
            for k in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    )
    client.post(url, data)
    session.refresh_from_db()
    assert session.event == world.apricot.event


def test_a_speaker_moved_to_another_umbrella_is_refused_on_save(world):
    """The save step asks the object as it would be stored: a speaker of Apricot's session
    moved (by a forged form) into Zulu is not Apricot's organiser's to save."""
    user = world.user("sub_organiser")
    speaker = world.apricot.speaker
    assert user.has_perm("hallway.change_speaker", speaker)
    speaker.event = world.zulu
    assert not user.has_perm("hallway.change_speaker", speaker)
