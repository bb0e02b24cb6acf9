"""`hallway solve` exit codes and files: 0 solved, 2 bad input, 3 infeasible."""

from __future__ import annotations

import json

import pytest

from hallway.solver.cli import main

from .conftest import referee, small_problem


@pytest.mark.shared
def test_solves_and_writes_a_valid_schedule(bench_py, tmp_path, capsys) -> None:
    problem = small_problem(7)
    (tmp_path / "p.json").write_text(json.dumps(problem))
    out = tmp_path / "s.json"
    assert (
        main(
            [
                str(tmp_path / "p.json"),
                "-o",
                str(out),
                "--time-limit",
                "0.5",
                "--weights",
                "overflow=1",
            ]
        )
        == 0
    )
    solution = json.loads(out.read_text())
    assert referee(bench_py, tmp_path, problem, solution)["hard_violations"] == 0
    assert "missed favourites" in capsys.readouterr().out

    again = tmp_path / "again.json"
    assert (
        main(
            [str(tmp_path / "p.json"), "-o", str(again), "--time-limit", "0.5", "--keep", str(out)]
        )
        == 0
    )
    assert json.loads(again.read_text())["assignments"] == solution["assignments"]


def test_missing_file_is_exit_2(tmp_path, capsys) -> None:
    assert main([str(tmp_path / "nope.json"), "-o", str(tmp_path / "s.json")]) == 2
    err = capsys.readouterr().err
    assert "nope.json: no such file" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{oops", "not valid JSON"),
        (
            json.dumps({"format": "hallway-scheduling-problem/1", "periods": [], "rooms": []}),
            "missing key 'sessions'",
        ),
    ],
)
def test_bad_file_is_exit_2(tmp_path, capsys, content: str, message: str) -> None:
    (tmp_path / "p.json").write_text(content)
    assert main([str(tmp_path / "p.json"), "-o", str(tmp_path / "s.json")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "s.json").exists()


def test_bad_weights_is_exit_2(tmp_path, capsys) -> None:
    (tmp_path / "p.json").write_text(json.dumps(small_problem(3)))
    assert (
        main([str(tmp_path / "p.json"), "-o", str(tmp_path / "s.json"), "--weights", "speed=3"])
        == 2
    )
    assert "bad weight" in capsys.readouterr().err


def test_infeasible_is_exit_3_with_the_reason(tmp_path, capsys) -> None:
    problem = small_problem(3)
    problem["rooms"] = [dict(r, features=[]) for r in problem["rooms"]]
    problem["sessions"][0]["requires"] = ["stage"]
    (tmp_path / "p.json").write_text(json.dumps(problem))
    assert main([str(tmp_path / "p.json"), "-o", str(tmp_path / "s.json")]) == 3
    assert (
        f"session {problem['sessions'][0]['id']} requires feature 'stage' that no room has"
        in capsys.readouterr().err
    )


def test_allow_moves_needs_keep(tmp_path, capsys) -> None:
    (tmp_path / "p.json").write_text(json.dumps(small_problem(3)))
    assert main([str(tmp_path / "p.json"), "-o", str(tmp_path / "s.json"), "--allow-moves"]) == 2
    assert "--allow-moves needs --keep" in capsys.readouterr().err
    assert not (tmp_path / "s.json").exists()
