"""Two releases of one umbrella at the same moment (issue #12, item 6).

Releases are serialised by a row lock on the umbrella; a clash on the version name is the
ordinary "exists already" message, never a database error.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from factories import make_world
from hallway.schedule.models import Schedule
from hallway.schedule.services import release_schedule

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks and one writer at a time; the race needs PostgreSQL",
)


def _release_together(umbrella, versions: list[str]) -> list[object]:
    """Release ``versions`` from one thread each, all starting at once; each thread's
    outcome (a Schedule or the exception raised) in order."""
    barrier = threading.Barrier(len(versions))
    outcomes: list[object] = [None] * len(versions)

    def run(i: int, version: str) -> None:
        try:
            barrier.wait()
            outcomes[i] = release_schedule(umbrella, version)
        except Exception as exc:  # noqa: BLE001 - the test inspects whatever happened
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, v)) for i, v in enumerate(versions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_releases_with_one_name_at_once_give_one_release_and_the_usual_message():
    world = make_world()
    outcomes = _release_together(world.alpha, ["2.0", "2.0"])
    released = [o for o in outcomes if isinstance(o, Schedule)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(released) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert refused[0].messages == ["Release '2.0' exists already: choose a new version name."]
    assert Schedule.objects.filter(event=world.alpha, version="2.0").count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_releases_whose_names_share_a_slug_both_succeed_at_once():
    """'3.0' and '3-0' both want the slug 3-0: one after the other, the second gets 3-0-2."""
    world = make_world()
    outcomes = _release_together(world.alpha, ["3.0", "3-0"])
    assert all(isinstance(o, Schedule) for o in outcomes), outcomes
    slugs = set(Schedule.objects.filter(event=world.alpha).values_list("slug", flat=True))
    assert {"3-0", "3-0-2"} <= slugs


@pytest.mark.django_db
def test_a_version_name_used_before_is_the_usual_message_on_every_database():
    world = make_world()
    with pytest.raises(ValidationError) as caught:
        release_schedule(world.alpha, "1.0")
    assert caught.value.messages == ["Release '1.0' exists already: choose a new version name."]
    assert Schedule.objects.filter(event=world.alpha).count() == 2  # the WIP and 1.0
