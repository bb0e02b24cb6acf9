"""Placing the demo's programme: the organisers' pinned sessions and the lunch breaks go in by
hand, everything else is placed by hallway's scheduler through the planning service, exactly
as `hallway schedule optimize` would place it (same problem, same writing back).

Only the scheduler's construction phase runs (seeded greedy placement, then the exact room
choice per period): both are deterministic, so the demo is the same on every machine and on
every run, where ``solve``'s search anneals for wall-clock time and so is not.  The search would
miss fewer favourites; the demo only needs a valid, plausible programme, quickly.
"""

from __future__ import annotations

import datetime as dt
import time

from hallway.events.models import Event, Room
from hallway.schedule.models import Slot
from hallway.schedule.planning import apply_solution, build_problem
from hallway.schedule.services import wip_schedule
from hallway.solver.anneal import reassign_rooms
from hallway.solver.api import verify
from hallway.solver.construct import greedy
from hallway.solver.problem import compile_problem, load_problem
from hallway.solver.state import Weights

from .base import DAYS, at
from .programme import Pinned

#: The programme's period grid: talk slots with a break after each and lunch from 12:30,
#: then the evening's BoFs and meetups.  (It must be the grid `build_problem` reads back off
#: the placed programme, so `hallway schedule optimize` sees the same periods.)
GRID = ["10:45", "11:45", "13:30", "14:30", "15:30", "16:30", "18:30", "19:30", "20:30"]
PERIOD_STARTS = [dt.time(*map(int, hhmm.split(":"))) for hhmm in GRID]
SEED = 2027
#: Greedy only looks at its deadline after a failed round; a generous one keeps it seeded.
DEADLINE_SECONDS = 60


def place_programme(umbrella: Event, rooms: list[Room], pinned: list[Pinned]) -> int:
    """Pin ``pinned``, add the lunch breaks, and let the scheduler place the rest into the
    work in progress; returns how many session parts it placed."""
    wip = wip_schedule(umbrella)
    by_name = {r.name: r for r in rooms}
    slots = [
        Slot(
            schedule=wip,
            session=p.session,
            room=by_name[p.room],
            start=at(p.day, p.start),
            end=at(p.day, p.start) + dt.timedelta(minutes=p.session.duration),
            pinned=True,
        )
        for p in pinned
    ]
    slots += [
        Slot(schedule=wip, label="Lunch", start=at(day, "12:30"), end=at(day, "13:30"))
        for day in range(DAYS)
    ]
    Slot.objects.bulk_create(slots)
    planning = build_problem(umbrella, grid=PERIOD_STARTS)
    # The problem lists sessions in the database's order of titles, which differs between
    # SQLite and PostgreSQL collations: order them by their stable UUIDs instead.
    planning.problem["sessions"].sort(key=lambda s: str(planning.sessions[s["id"]][0].uuid))
    return apply_solution(planning, construct(planning.problem), umbrella)


def construct(problem: dict) -> dict:
    """The scheduler's first valid schedule for ``problem``, as a solution: the same for the
    same problem, however busy the machine."""
    inst = compile_problem(load_problem(problem))
    state = greedy(inst, Weights(), SEED, time.monotonic() + DEADLINE_SECONDS)
    if state is None:
        raise RuntimeError("the scheduler found no valid placement for the demo programme")
    reassign_rooms(state)
    verify(inst, state)
    return state.solution("hallway-demo", 0.0)
