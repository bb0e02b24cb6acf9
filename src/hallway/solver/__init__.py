"""hallway's scheduler: a pure function from a problem description to a valid schedule.

Imports nothing from Django; the schedule app translates its models to the problem format
(`hallway-scheduling-problem/1`, see `../shared/scheduling/FORMAT.md`) and back.

    from hallway.solver import solve
    result = solve(problem_dict, time_limit=60, seed=0)
    result.solution      # hallway-scheduling-solution/1
    result.objective     # missed favourites, overflow seats, same-track clashes
    result.moves         # when re-planning with keep=previous_solution: what moved and why
    result.missed_bound  # no valid schedule misses fewer favourites (result.gap_text() says it)
"""

from .api import InfeasibleError, Move, Objective, SolveResult, solve
from .check import check_solution
from .explain import explain_infeasibility
from .problem import ProblemError, load_problem, load_solution, validate_problem
from .state import Weights

__all__ = [
    "InfeasibleError",
    "Move",
    "Objective",
    "ProblemError",
    "SolveResult",
    "Weights",
    "check_solution",
    "explain_infeasibility",
    "load_problem",
    "load_solution",
    "solve",
    "validate_problem",
]
