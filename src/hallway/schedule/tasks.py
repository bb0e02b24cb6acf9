"""Background work of the schedule: the solver's proposals for the editor (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_proposal_task(proposal_id: int) -> str:
    from hallway.schedule.proposals import run_proposal

    return run_proposal(proposal_id)
