"""Many first searches at once after a change (PostgreSQL: SQLite has one writer at a time).

The index is refreshed by whichever search comes first after the change, under a row lock;
the others wait for it and find it done, so every one gets the new answer and the index holds
each object once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from factories import make_world
from hallway.search.models import Entry
from hallway.search.services import search_programme

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks and one writer at a time; the race needs PostgreSQL",
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_searches_racing_after_an_edit_all_see_it_and_index_it_once():
    world = make_world()
    search_programme(world.alpha, "talk")  # an index exists, at the old generation
    talk = world.blueberry.session
    talk.title = "Elderberry wine making"
    talk.save()
    barrier = threading.Barrier(6)
    outcomes: list[object] = [None] * 6

    def run(i: int) -> None:
        try:
            barrier.wait()
            found = search_programme(world.alpha, "elderberry")
            outcomes[i] = [hit.session.title for hit in found.sessions]
        except Exception as exc:  # noqa: BLE001 - the test inspects whatever happened
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == [["Elderberry wine making"]] * 6
    sessions = Entry.objects.filter(umbrella=world.alpha, kind=Entry.SESSION)
    assert sorted(sessions.values_list("title", flat=True)) == [
        "Elderberry wine making",
        "Talk Apricot",
    ]
