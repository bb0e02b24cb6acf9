"""What `solve` returns and raises: the schedule's objective, the moves of a re-plan, the result
with its timings, lower bound and gap, and the error that explains an infeasible problem."""

from __future__ import annotations

from dataclasses import dataclass, field


class InfeasibleError(Exception):
    """No valid schedule exists (or none was found); `reasons` says which constraints conflict."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons or [
            "no valid schedule was found within the time limit, and no conflict could be proven"
        ]
        super().__init__("; ".join(self.reasons))


@dataclass(frozen=True)
class Objective:
    """The schedule's quality as the referee measures it (exact missed favourites)."""

    missed_favourites: int
    favourites: int
    overflow_seats: float  # unsplit: show_up × interested vs capacity
    track_clashes: int
    cost: float  # weighted sum the search minimised (with the search's missed proxy)

    @property
    def missed_pct(self) -> float:
        return 100 * self.missed_favourites / self.favourites if self.favourites else 0.0


@dataclass(frozen=True)
class Move:
    """A session whose place differs from the previous schedule, and why."""

    session: str
    before: str | None  # "d1p3/r05", None for a new session
    after: str | None  # None for a withdrawn session
    reason: str

    def __str__(self) -> str:
        if self.after is None:
            return f"{self.session} removed (was {self.before}): {self.reason}"
        if self.before is None:
            return f"{self.session} placed at {self.after}: {self.reason}"
        return f"{self.session} moved {self.before} → {self.after}: {self.reason}"


@dataclass
class SolveResult:
    """What `solve` returns: the schedule, how good it is, what moved, and how long it took."""

    solution: dict  # hallway-scheduling-solution/1
    objective: Objective
    moves: list[Move] = field(default_factory=list)
    first_valid_seconds: float = 0.0
    seconds: float = 0.0
    method: str = ""  # how the first valid schedule was found
    # a proven lower bound on missed favourites for every valid schedule (0: none found), so the
    # schedule is at most `missed_gap` missed favourites from the best possible
    missed_bound: int = 0
    optimal: bool = False  # proven optimal: missed favourites first, then the other terms
    best_found_seconds: float = 0.0  # when the returned schedule was found

    @property
    def missed_gap(self) -> int:
        return self.objective.missed_favourites - self.missed_bound

    def gap_text(self) -> str:
        """One line for people: how far from the best possible this schedule can be."""
        missed = self.objective.missed_favourites
        if self.optimal or self.missed_gap == 0:
            return f"{missed} missed favourites: proven the fewest possible"
        if self.missed_bound <= 0:
            return f"{missed} missed favourites; no positive lower bound was found"
        return (
            f"{missed} missed favourites, at most {self.missed_gap} above the best possible "
            f"(at least {self.missed_bound} must be missed)"
        )
