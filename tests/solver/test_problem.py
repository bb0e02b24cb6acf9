"""Reading problem files: every mistake is a ProblemError naming what and where."""

from __future__ import annotations

import copy
import json

import pytest

from hallway.solver import ProblemError, Weights, load_problem, load_solution

from .conftest import small_problem


@pytest.fixture
def problem() -> dict:
    return small_problem(1)


def test_a_valid_problem_loads(problem: dict) -> None:
    assert load_problem(copy.deepcopy(problem)) == problem


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("rooms"), "problem: missing key 'rooms'"),
        (lambda d: d.update(format="other/1"), "'format' must be"),
        (
            lambda d: d["sessions"][0]["speakers"].append("nobody"),
            "sessions[0] (s000): unknown speaker 'nobody'",
        ),
        (
            lambda d: d["sessions"][0].update(fixed={"period": "d9p9", "room": "r0"}),
            "sessions[0] (s000).fixed: unknown period 'd9p9'",
        ),
        (
            lambda d: d["rooms"][0]["unavailable"].append("x"),
            "rooms[0] (r0).unavailable: unknown period 'x'",
        ),
        (lambda d: d["attendees"].append(["s999"]), "unknown session 's999'"),
        (lambda d: d["sessions"][0].update(length=0), "sessions[0] (s000).length"),
        (lambda d: d["rooms"][0].update(capacity="big"), "rooms[0] (r0).capacity: expected"),
        (lambda d: d["sessions"].append(dict(d["sessions"][0])), "duplicate id 's000'"),
        (lambda d: d.update(show_up=3), "problem.show_up"),
    ],
)
def test_mistakes_are_named(problem: dict, mutate, message: str) -> None:
    mutate(problem)
    with pytest.raises(
        ProblemError,
        match=message.replace("(", r"\(")
        .replace(")", r"\)")
        .replace("[", r"\[")
        .replace("]", r"\]"),
    ):
        load_problem(problem)


def test_unreadable_files_are_problem_errors(tmp_path) -> None:
    with pytest.raises(ProblemError, match="cannot read file"):
        load_problem(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ProblemError, match="not valid JSON"):
        load_problem(bad)


def test_previous_solution_is_checked(tmp_path) -> None:
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps(
            {"format": "hallway-scheduling-solution/1", "assignments": {"s1": {"period": "d0p0"}}}
        )
    )
    with pytest.raises(ProblemError, match=r"assignments\['s1'\] needs string 'period' and 'room'"):
        load_solution(path)


def test_weights_parse() -> None:
    assert Weights.parse("missed=2, track=0") == Weights(missed=2, track=0)
    for bad in ("missed", "speed=1", "overflow=lots", "track=-1"):
        with pytest.raises(ValueError, match="bad weight"):
            Weights.parse(bad)
