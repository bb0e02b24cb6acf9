"""The organiser area's content pages: sessions with speakers and resources, speakers, rooms,
tracks, types and exhibitors, as organisers use them (forms posted as the pages render them),
in the event's time zone, within the rules, and every change in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from factories import make_world
from hallway.audit.models import AuditEntry
from hallway.events.models import Event, Room, RoomAvailability, Track
from hallway.manage.zones import local_wall_clock
from hallway.programme.models import (
    Exhibitor,
    ExhibitorHours,
    Session,
    SpeakerAvailability,
)
from hallway.schedule.services import freeze_schedule, latest_release
from manage.forms import form_data

pytestmark = pytest.mark.django_db

LA = "America/Los_Angeles"


@pytest.fixture
def world():
    return make_world()


def in_los_angeles(world) -> Event:
    Event.objects.filter(pk__in=world.alpha.family_ids()).update(time_zone=LA)
    world.alpha.refresh_from_db()
    return world.alpha


def entries(action: str, obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
    )


# --- time zones ------------------------------------------------------------------------------


def test_a_speaker_window_typed_at_1630_in_los_angeles_is_0030z_next_day_and_shown_as_1630(
    client, world
):
    in_los_angeles(world)
    client.force_login(world.user("umbrella_organiser"))
    speaker = world.apricot.speaker
    url = reverse("manage:speakers_edit", args=["alpha", speaker.uuid])
    data = form_data(client, url)
    data.update(
        {"availability-0-start": "2030-03-01T16:30", "availability-0-end": "2030-03-01T18:00"}
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    window = SpeakerAvailability.objects.get(speaker=speaker)
    assert window.start == dt.datetime(2030, 3, 2, 0, 30, tzinfo=dt.UTC)
    assert window.end == dt.datetime(2030, 3, 2, 2, 0, tzinfo=dt.UTC)
    page = client.get(url).content.decode()
    assert 'value="2030-03-01T16:30"' in page
    assert "Local time in America/Los_Angeles." in page
    listing = client.get(reverse("manage:speakers", args=["alpha"])).content.decode()
    assert "Fri 1 Mar 16:30–18:00" in listing and "America/Los_Angeles" in listing


def test_room_and_exhibitor_hours_are_in_the_event_zone_too(client, world):
    in_los_angeles(world)
    client.force_login(world.user("umbrella_organiser"))
    room_url = reverse("manage:rooms_edit", args=["alpha", world.alpha_room.uuid])
    data = form_data(client, room_url)
    data.update({"windows-0-start": "2030-03-01T16:30", "windows-0-end": "2030-03-01T22:00"})
    assert client.post(room_url, data).status_code == 302
    assert RoomAvailability.objects.get(room=world.alpha_room).start == dt.datetime(
        2030, 3, 2, 0, 30, tzinfo=dt.UTC
    )
    new = reverse("manage:exhibitors_new", args=["alpha"])
    data = form_data(client, new)
    data.update(
        {
            "name": "Exhibitor Okapi",
            "category": "project",
            "windows-0-start": "2030-03-01 16:30",
            "windows-0-end": "2030-03-01 19:00",
        }
    )
    assert client.post(new, data).status_code == 302
    hours = ExhibitorHours.objects.get(exhibitor__name="Exhibitor Okapi")
    assert hours.start == dt.datetime(2030, 3, 2, 0, 30, tzinfo=dt.UTC)
    listing = client.get(reverse("manage:exhibitors", args=["alpha"])).content.decode()
    assert "Fri 1 Mar 16:30–19:00" in listing


def test_the_hours_daylight_saving_skips_or_repeats_are_refused_beside_the_field(client, world):
    in_los_angeles(world)
    client.force_login(world.user("umbrella_organiser"))
    url = reverse("manage:speakers_edit", args=["alpha", world.apricot.speaker.uuid])
    data = form_data(client, url)
    # 2030: clocks go forward on 10 March at 02:00 and back on 3 November at 02:00.
    data.update(
        {"availability-0-start": "2030-03-10T02:30", "availability-0-end": "2030-11-03T01:30"}
    )
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["formsets"]["Availability (times in America/Los_Angeles)"][0].errors
    assert "does not exist in America/Los_Angeles" in errors["start"][0]
    assert "happens twice in America/Los_Angeles" in errors["end"][0]
    assert not SpeakerAvailability.objects.exists()
    tz = world.alpha.tz
    assert local_wall_clock(dt.datetime(2030, 3, 10, 3, 0), tz).utcoffset() == dt.timedelta(
        hours=-7
    )


def test_the_admin_takes_and_shows_slot_times_in_the_event_zone(client, world):
    """The issue's bug: 16:30 typed in the admin became 08:30 Pacific."""
    in_los_angeles(world)
    client.force_login(world.user("umbrella_organiser"))
    slot = world.apricot.hidden.slots.get()
    url = reverse("admin:schedule_slot_change", args=[slot.pk])
    page = client.get(url).content.decode()
    # Stored 13:00 UTC: 05:00 in Los Angeles (PST) on 1 March.
    assert 'value="2030-03-01T05:00"' in page and "Local time in America/Los_Angeles." in page
    data = form_data(client, url)
    data.update({"start": "2030-03-01T16:30", "end": "2030-03-01T17:00"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    slot.refresh_from_db()
    assert slot.start == dt.datetime(2030, 3, 2, 0, 30, tzinfo=dt.UTC)
    listing = client.get(reverse("admin:schedule_slot_changelist")).content.decode()
    assert "Fri 01 Mar 16:30 PST" in listing


def test_the_admin_takes_room_windows_in_the_event_zone(client, world):
    in_los_angeles(world)
    client.force_login(world.user("umbrella_organiser"))
    url = reverse("admin:events_room_change", args=[world.alpha_room.pk])
    data = form_data(client, url)
    data.update(
        {
            "availabilities-TOTAL_FORMS": "1",
            "availabilities-0-start": "2030-03-01T16:30",
            "availabilities-0-end": "2030-03-01T18:00",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert RoomAvailability.objects.get().start == dt.datetime(2030, 3, 2, 0, 30, tzinfo=dt.UTC)


# --- sessions and their speakers --------------------------------------------------------------


def test_a_sub_event_organiser_attaches_an_umbrella_speaker_to_its_session(client, world):
    """A speaker with no session of Apricot yet (Blueberry's) can be added by Apricot's
    organiser, who has no superuser rights; the order is kept and the change audited."""
    organiser = world.user("sub_organiser")
    client.force_login(organiser)
    session = world.apricot.session
    url = reverse("manage:sessions_edit", args=["apricot", session.uuid])
    data = form_data(client, url)
    data.update(
        {
            "speakers-1-speaker": str(world.blueberry.speaker.pk),
            "speakers-1-order": "0",
            "speakers-0-order": "1",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    assert session.ordered_speakers() == [world.blueberry.speaker, world.apricot.speaker]
    [entry] = entries("session.changed", session)
    assert entry.actor == organiser
    assert entry.before["speakers"] == ["Speaker Apricot"]
    assert entry.after["speakers"] == ["Speaker Blueberry", "Speaker Apricot"]
    # And removes one.
    data = form_data(client, url)
    data["speakers-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert session.ordered_speakers() == [world.apricot.speaker]


def test_the_umbrella_organiser_creates_a_session_with_a_new_speaker_and_slides(client, world):
    organiser = world.user("umbrella_organiser")
    client.force_login(organiser)
    url = reverse("manage:sessions_new", args=["alpha"])
    data = form_data(client, url)
    data.update(
        {
            "event": str(world.blueberry.event.pk),
            "title": "Talk Cranberry",
            "state": "accepted",
            "track": str(world.blueberry.track.pk),
            "session_type": str(world.blueberry.session_type.pk),
            "duration": "45",
            "new_speaker_name": "Speaker Cranberry",
            "new_speaker_email": "cranberry@example.org",
            "resources-0-kind": "slides",
            "resources-0-url": "https://example.org/cranberry.pdf",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    session = Session.objects.get(title="Talk Cranberry")
    assert session.event == world.blueberry.event and session.umbrella == world.alpha
    [speaker] = session.ordered_speakers()
    assert speaker.name == "Speaker Cranberry" and speaker.event == world.alpha
    assert [r.url for r in session.resources.all()] == ["https://example.org/cranberry.pdf"]
    assert entries("speaker.created", speaker)[0].actor == organiser
    [entry] = entries("session.created", session)
    assert entry.before is None and entry.after["resources"] == [
        "slides: https://example.org/cranberry.pdf"
    ]


def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(client, world):
    client.force_login(world.user("umbrella_organiser"))
    session = world.apricot.session
    url = reverse("manage:sessions_edit", args=["alpha", session.uuid])
    logged = AuditEntry.objects.count()
    data = form_data(client, url)
    data.update(
        {
            "title": "",
            "track": str(world.blueberry.track.pk),  # another sub-event's track
            "resources-0-kind": "slides",
            "resources-0-url": "javascript:alert(1)",
            "speakers-1-speaker": str(world.zulu_family.speaker.pk),  # another conference's
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors
    assert "The track belongs to another event." in form.errors["track"]
    resources = response.context["formsets"]["Resources"]
    assert resources[0].errors["url"] == ["Enter a valid URL."]
    speakers = response.context["formsets"]["Speakers (in order)"]
    assert "speaker" in speakers[1].errors
    page = response.content.decode()
    assert 'class="field has-errors"' in page and 'role="alert"' in page
    session.refresh_from_db()
    assert session.title == "Talk Apricot" and session.track == world.apricot.track
    assert not session.resources.exists()
    assert AuditEntry.objects.count() == logged


def test_the_session_list_filters_and_searches_within_the_event(client, world):
    client.force_login(world.user("umbrella_organiser"))
    url = reverse("manage:sessions", args=["alpha"])
    page = client.get(url).content.decode()
    assert "Talk Apricot" in page and "Secret Blueberry" in page and "Zanzibar" not in page
    page = client.get(url, {"event": world.blueberry.event.pk}).content.decode()
    assert "Talk Apricot" not in page and "Talk Blueberry" in page
    page = client.get(url, {"q": "secret", "track": world.apricot.track.pk}).content.decode()
    assert (
        "Secret Apricot" in page and "Talk Apricot" not in page and "Secret Blueberry" not in page
    )
    page = client.get(url, {"state": "cancelled"}).content.decode()
    assert "0 sessions" in page
    client.force_login(world.user("sub_organiser"))
    page = client.get(reverse("manage:sessions", args=["apricot"])).content.decode()
    assert "Talk Apricot" in page and "Blueberry" not in page
    page = client.get(reverse("manage:speakers", args=["apricot"])).content.decode()
    assert "Speaker Apricot" in page and "Blueberry" not in page


def test_a_sub_event_organiser_cannot_change_another_sub_events_things_through_any_page(
    client, world
):
    """Blueberry's session, speaker, track and type, posted to by Apricot's organiser through
    Apricot's pages (not found there), Blueberry's (not theirs) and the umbrella's (not
    theirs): nothing changes, and the umbrella's rooms and exhibitors are refused too."""
    client.force_login(world.user("sub_organiser"))
    blue = world.blueberry
    logged = AuditEntry.objects.count()
    targets = {
        "sessions_edit": blue.session,
        "speakers_edit": blue.speaker,
        "tracks_edit": blue.track,
        "session_types_edit": blue.session_type,
    }
    hostile = {
        "title": "Hijacked",
        "name": "Hijacked",
        "event": str(world.apricot.event.pk),
        "colour": "#000000",
        "default_duration": "5",
        "duration": "5",
        "state": "accepted",
        "session_type": str(world.apricot.session_type.pk),
    }
    for name, obj in targets.items():
        for slug, expected in [("apricot", 404), ("blueberry", 404), ("alpha", 403)]:
            response = client.post(reverse(f"manage:{name}", args=[slug, obj.uuid]), hostile)
            assert response.status_code == expected, (name, slug)
    for name in ["rooms_new", "exhibitors_new", "speakers_new"]:
        for slug in ["apricot", "alpha"]:
            response = client.post(reverse(f"manage:{name}", args=[slug]), hostile)
            assert response.status_code == 403, (name, slug)
    response = client.post(
        reverse("manage:rooms_edit", args=["alpha", world.alpha_room.uuid]), hostile
    )
    assert response.status_code == 403
    # Creating a session in Apricot's page but naming Blueberry as its event.
    new = reverse("manage:sessions_new", args=["apricot"])
    data = form_data(client, new)
    data.update({**hostile, "event": str(blue.event.pk), "title": "Smuggled"})
    response = client.post(new, data)
    assert response.status_code == 200 and "event" in response.context["form"].errors
    blue.session.refresh_from_db()
    blue.speaker.refresh_from_db()
    assert blue.session.title == "Talk Blueberry" and blue.speaker.name == "Speaker Blueberry"
    assert not Track.objects.filter(name="Hijacked").exists()
    assert not Room.objects.filter(name="Hijacked").exists()
    assert not Exhibitor.objects.filter(name="Hijacked").exists()
    assert not Session.objects.filter(title="Smuggled").exists()
    assert AuditEntry.objects.count() == logged


# --- speakers, rooms, tracks, types, exhibitors ------------------------------------------------


def test_a_speaker_profile_is_checked_and_its_bio_shown_sanitised(client, world):
    client.force_login(world.user("sub_organiser"))
    speaker = world.apricot.speaker
    url = reverse("manage:speakers_edit", args=["apricot", speaker.uuid])
    data = form_data(client, url)
    data.update(
        {
            "picture_url": "javascript:alert(1)",
            "links": "Blog | https://example.org\nEvil | javascript:alert(1)",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "picture_url" in errors and errors["links"][0].startswith("Line 2:")
    data.update(
        {
            "picture_url": "https://example.org/me.png",
            "links": "Blog | https://example.org\nmailto:apricot@example.org",
            "bio": "Hi <script>alert(1)</script> **bold**",
            "email": "apricot@example.org",
        }
    )
    assert client.post(url, data).status_code == 302
    speaker.refresh_from_db()
    assert speaker.links == [
        {"title": "Blog", "url": "https://example.org"},
        {"title": "", "url": "mailto:apricot@example.org"},
    ]
    page = client.get(url).content.decode()
    assert "<strong>bold</strong>" in page and "<script>alert" not in page
    [entry] = entries("speaker.changed", speaker)
    assert entry.before["picture_url"] == "" and entry.after["picture_url"].endswith("me.png")


def test_rooms_tracks_types_and_exhibitors_are_created_checked_and_audited(client, world):
    organiser = world.user("umbrella_organiser")
    client.force_login(organiser)
    # A track with a colour that is not #rrggbb: the error is beside the colour.
    new_track = reverse("manage:tracks_new", args=["apricot"])
    data = form_data(client, new_track)
    data.update({"name": "Track Quince", "colour": "red"})
    response = client.post(new_track, data)
    assert "is not a colour written as #rrggbb" in response.context["form"].errors["colour"][0]
    data["colour"] = "#aa3300"
    assert client.post(new_track, data).status_code == 302
    track = Track.objects.get(name="Track Quince")
    assert track.event == world.apricot.event
    assert entries("track.created", track)[0].after["colour"] == "#aa3300"

    new_type = reverse("manage:session_types_new", args=["apricot"])
    data = form_data(client, new_type)
    data.update(
        {"name": "Type Lightning", "default_duration": "5", "required_features": "projector"}
    )
    assert client.post(new_type, data).status_code == 302
    session_type = world.apricot.event.session_types.get(name="Type Lightning")
    assert session_type.required_features == ["projector"]
    assert entries("session_type.created", session_type)

    room_url = reverse("manage:rooms_edit", args=["alpha", world.alpha_room.uuid])
    data = form_data(client, room_url)
    data.update({"capacity": "-3"})
    response = client.post(room_url, data)
    assert "capacity" in response.context["form"].errors
    data.update({"capacity": "250", "features": ["projector", "recorded"]})
    assert client.post(room_url, data).status_code == 302
    world.alpha_room.refresh_from_db()
    assert world.alpha_room.capacity == 250
    [entry] = entries("room.changed", world.alpha_room)
    assert (entry.before["capacity"], entry.after["capacity"]) == (100, 250)
    assert entry.after["features"] == ["projector", "recorded"]

    exhibitor_url = reverse("manage:exhibitors_new", args=["alpha"])
    data = form_data(client, exhibitor_url)
    data.update({"name": "Exhibitor Yak", "category": "project", "url": "ftp://example.org"})
    response = client.post(exhibitor_url, data)
    assert "url" in response.context["form"].errors
    data.update({"url": "https://example.org"})
    assert client.post(exhibitor_url, data).status_code == 302
    exhibitor = Exhibitor.objects.get(name="Exhibitor Yak")
    assert exhibitor.event == world.alpha and entries("exhibitor.created", exhibitor)


def test_the_nav_links_the_content_pages_and_the_import_page(client, world):
    client.force_login(world.user("umbrella_organiser"))
    page = client.get(reverse("manage:dashboard", args=["alpha"])).content.decode()
    for name in ["sessions", "speakers", "rooms", "tracks", "session_types", "exhibitors"]:
        assert f'href="{reverse(f"manage:{name}", args=["alpha"])}"' in page
    assert f'href="{reverse("import")}?event=alpha"' in page
    client.force_login(world.user("sub_organiser"))
    page = client.get(reverse("manage:dashboard", args=["apricot"])).content.decode()
    assert reverse("manage:sessions", args=["apricot"]) in page
    assert reverse("manage:rooms", args=["apricot"]) not in page
    assert reverse("import") not in page


def test_the_dashboard_and_every_content_page_speak_the_event_zone_and_show_the_freeze(
    client, world
):
    in_los_angeles(world)
    organiser = world.user("umbrella_organiser")
    client.force_login(organiser)
    release = latest_release(world.alpha)
    with timezone.override(world.alpha.tz):
        local = dateformat.format(timezone.localtime(release.released_at), "D j M Y, H:i")
    page = client.get(reverse("manage:dashboard", args=["alpha"])).content.decode()
    assert f"{local}." in page and "Times are in America/Los_Angeles." in page
    freeze_schedule(world.alpha, by=organiser)
    page = client.get(reverse("manage:sessions", args=["alpha"])).content.decode()
    assert "The schedule is frozen by orgalpha" in page


def test_the_admin_lets_an_organiser_without_superuser_rights_attach_a_speaker(client, world):
    """The issue: the admin's session form had no speakers for such an organiser at all."""
    client.force_login(world.user("umbrella_organiser"))
    session = world.apricot.session
    url = reverse("admin:program_session_change", args=[session.pk])
    page = client.get(url).content.decode()
    assert 'name="speaker_links-0-speaker"' in page
    data = form_data(client, url)
    data.update(
        {
            "speaker_links-TOTAL_FORMS": "2",
            "speaker_links-1-speaker": str(world.blueberry.speaker.pk),
            "speaker_links-1-position": "1",
            "speaker_links-1-session": str(session.pk),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert session.ordered_speakers() == [world.apricot.speaker, world.blueberry.speaker]
