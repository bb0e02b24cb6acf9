"""Notes, going-or-not marks, the watch-later list and the recap, the way an attendee uses
them: forms posted without JavaScript, htmx requests, the Markdown download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hallway.attendees import personal
from hallway.attendees.models import Attendee, Favourite, Note, WatchLater
from hallway.programme.models import Resource

from .conftest import move, post_star

pytestmark = pytest.mark.django_db

NOTE = "### Take-aways\n\n- *profile* first\n- [the repo](https://example.org/repo)\n"


def note_url(session, name="note"):
    return reverse(f"attendees:{name}", args=["alpha", session.slug])


def attendee_of(client, world) -> Attendee:
    return Attendee.objects.get(token=client.cookies[f"hallway_agenda_{world.alpha.pk}"].value)


def mark(client, session, what, **extra):
    return client.post(
        reverse("attendees:mark", args=["alpha", session.slug]),
        {"mark": what, "next": "/alpha/agenda/", **extra},
    )


def test_a_note_without_javascript_is_saved_rendered_safely_and_private(client, world):
    page = client.get(note_url(world.cherry))
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    hostile = NOTE + '\n<script>alert("x")</script> <a href="javascript:alert(1)">click</a>\n'
    response = client.post(note_url(world.cherry), {"text": hostile, "next": "/alpha/agenda/"})
    # The first note starts an agenda on this device, like the first star.
    assert response.status_code == 302 and response["Location"] == "/alpha/agenda/#my-notes"
    assert response.cookies[f"hallway_agenda_{world.alpha.pk}"]
    assert Note.objects.get().text == hostile.strip()
    body = client.get(note_url(world.cherry, "note_form")).content.decode()
    assert "<h3>Take-aways</h3>" in body and "<em>profile</em>" in body
    assert "<script>" not in body and "javascript:" not in body.split("<textarea")[0]
    # Another device sees an empty form.
    assert "Take-aways" not in Client().get(note_url(world.cherry, "note_form")).content.decode()


def test_a_note_with_htmx_swaps_in_place_and_an_empty_one_is_deleted(client, world):
    post_star(client, world.cherry, "star")
    headers = {"HX-Request": "true"}
    response = client.post(note_url(world.cherry), {"text": "First!"}, headers=headers)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith('<section class="my-notes" id="my-notes"')
    assert "Note saved." in body and "<p>First!</p>" in body
    client.post(note_url(world.cherry), {"text": "Second"}, headers=headers)
    assert list(Note.objects.values_list("text", flat=True)) == ["Second"]
    client.post(note_url(world.cherry), {"text": "   "}, headers=headers)
    assert not Note.objects.exists()


def test_a_note_too_long_is_refused_with_the_text_kept(client, world):
    post_star(client, world.cherry, "star")
    personal.save_note(attendee_of(client, world), world.cherry, "kept")
    text = "x" * (Note.MAX_LENGTH + 1)
    response = client.post(note_url(world.cherry), {"text": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "at most 20,000 characters" in body and "nothing was saved" in body
    assert text in body  # what was typed is not lost
    assert Note.objects.get().text == "kept"
    replayed = client.post(
        note_url(world.cherry), {"text": text}, headers={"Accept": "application/json"}
    )
    assert replayed.status_code == 400 and "at most" in replayed.json()["error"]


def test_a_note_on_a_session_not_on_the_programme_is_a_404(client, world):
    hidden = world.base.apricot.hidden
    assert client.get(note_url(hidden)).status_code == 404
    assert client.post(note_url(hidden), {"text": "x"}).status_code == 404
    assert not Note.objects.exists()


def test_the_session_page_loads_the_notes_block_and_stays_public(client, world):
    url = reverse("agenda:session", args=["alpha", world.cherry.slug])
    anonymous = Client().get(url)
    post_star(client, world.cherry, "star")
    client.post(note_url(world.cherry), {"text": "secret words"})
    mine = client.get(url)
    assert mine.content == anonymous.content
    assert mine["Cache-Control"] == "public, max-age=0, must-revalidate"
    body = mine.content.decode()
    assert f'hx-get="{note_url(world.cherry, "note_form")}"' in body
    assert f'href="{note_url(world.cherry)}"' in body  # the no-JavaScript way
    assert "secret words" not in body


def test_picking_one_of_a_clash_puts_the_other_on_watch_later_with_its_recording(client, world):
    for session in (world.apricot, world.cherry, world.blueberry):
        post_star(client, session, "star")
    # Apricot (09:00) and Cherry (09:15, recorded) clash: go to Apricot.
    response = mark(client, world.apricot, "pick")
    assert response.status_code == 302
    me = attendee_of(client, world)
    assert dict(me.favourites.values_list("session__title", "attendance")) == {
        "Talk Apricot": "",
        "Talk Cherry": "skipped",
        "Talk Blueberry": "",
    }
    page = client.get("/alpha/agenda/").content.decode()
    section = page.split('id="watch-later"')[1]
    assert "Talk Cherry" in section and "Talk Blueberry" not in section
    assert "you went to another session at the same time" in section
    assert 'href="https://video.example/cherry"' in section and "Watch the recording" in section
    # Going after all takes it off again.
    mark(client, world.cherry, "going")
    assert personal.watch_later_of(me, world.alpha) == []


def test_missed_and_marked_sessions_light_up_when_the_recording_is_published(client, world):
    post_star(client, world.blueberry, "star")
    mark(client, world.blueberry, "missed")
    # Marked without a star (from the session page's notes block).
    marked = mark(client, world.walnut, "watch", fragment="note", next="/x/")
    assert marked.status_code == 302
    page = client.get(reverse("attendees:watch_later", args=["alpha"]))
    assert page["Cache-Control"] == "private, no-store"
    body = page.content.decode()
    assert "Talk Blueberry" in body and "you missed it" in body
    assert "Workshop Walnut" in body and "you marked it" in body
    assert body.count("No recording published yet.") == 2
    Resource.objects.create(
        session=world.blueberry, kind=Resource.VIDEO, url="https://video.example/blueberry"
    )
    Resource.objects.create(session=world.walnut, kind=Resource.SLIDES, url="https://s.example/")
    body = client.get(reverse("attendees:watch_later", args=["alpha"])).content.decode()
    assert body.count("No recording published yet.") == 1  # slides are not a recording
    assert 'href="https://video.example/blueberry"' in body
    # Missing a session one never starred is refused; taking a mark off is idempotent.
    assert mark(client, world.cherry, "missed").status_code == 400
    assert mark(client, world.walnut, "unwatch").status_code == 302
    assert mark(client, world.walnut, "unwatch").status_code == 302
    assert not WatchLater.objects.exists()
    assert mark(client, world.walnut, "nonsense").status_code == 400


def test_the_recap_lists_attended_sessions_with_notes_and_links(client, world):
    past = timezone.now().replace(microsecond=0) - dt.timedelta(days=2)
    move(world.cherry, past)
    move(world.blueberry, past + dt.timedelta(hours=2), version="3.1")
    Resource.objects.create(
        session=world.cherry, kind=Resource.SLIDES, title="Deck", url="https://s.example/c"
    )
    for session in (world.cherry, world.blueberry, world.apricot):
        post_star(client, session, "star")
    client.post(note_url(world.cherry), {"text": NOTE})
    mark(client, world.blueberry, "missed")
    page = client.get(reverse("attendees:recap", args=["alpha"]))
    assert page["Cache-Control"] == "private, no-store"
    body = page.content.decode()
    # Cherry was attended; Blueberry was missed; Apricot (2030) is not over yet.
    assert 'id="recap-talk-cherry"' in body
    assert "Talk Blueberry" not in body and "Talk Apricot" not in body
    assert "<h3>Take-aways</h3>" in body
    assert 'href="https://video.example/cherry"' in body and "Slides: Deck" in body
    assert "attendees.css" in body  # the print style sheet
    download = client.get(reverse("attendees:recap_markdown", args=["alpha"]))
    assert download["Content-Type"] == "text/markdown; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="alpha-recap.md"'
    assert download["Cache-Control"] == "private, no-store"
    text = download.content.decode()
    assert text.startswith("# My recap of Alpha Umbrella\n")
    assert "## [Talk Cherry](http://testserver/alpha/sessions/talk-cherry/)" in text
    assert "- [Recording](https://video.example/cherry)" in text
    assert "- [Slides: Deck](https://s.example/c)" in text
    assert NOTE.strip() in text
    assert "Blueberry" not in text and "Apricot" not in text
    assert Client().get(reverse("attendees:recap_markdown", args=["alpha"])).content.decode() == (
        "# My recap of Alpha Umbrella\n\nNo session attended yet.\n"
    )


def test_merging_agendas_keeps_notes_and_watch_later(world):
    phone = Attendee.objects.create(event=world.alpha)
    laptop = Attendee.objects.create(event=world.alpha)
    personal.save_note(phone, world.cherry, "from the phone")
    personal.save_note(laptop, world.cherry, "from the laptop")
    personal.save_note(phone, world.apricot, "only on the phone")
    personal.mark_watch_later(phone, world.walnut, True)
    Favourite.objects.create(attendee=phone, session=world.blueberry, attendance="missed")
    from hallway.attendees.services import merge_agendas

    merge_agendas(phone, laptop)
    notes = dict(laptop.notes.values_list("session__title", "text"))
    assert notes == {
        "Talk Cherry": "from the laptop\n\nfrom the phone",
        "Talk Apricot": "only on the phone",
    }
    titles = {item.session.title for item in personal.watch_later_of(laptop, world.alpha)}
    assert titles == {"Workshop Walnut", "Talk Blueberry"}
