"""Everything one account's home page (工作台) shows, read in one call.

The lines of 我的待办 come, in this order, from the program's next steps
(:mod:`.next_steps`, department staff and host-unit contacts), the training
period, on-site inspection and the activities; the three administrators get
their own lines (:mod:`.admin_home`) and never the program's figures (三员分立).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lianbing.accounts.models import Role
from lianbing.accounts.roles import ADMIN_ROLES, roles_of
from lianbing.activities.selectors import due as activities_due
from lianbing.demand import selectors as demand_selectors
from lianbing.demand.models import Program
from lianbing.evaluation.selectors import due as evaluation_due
from lianbing.training.selectors import home as home_selectors

from . import admin_home, next_steps

#: The roles that take part in the program (the others are the three administrators).
PROGRAM_ROLES = frozenset(
    {
        Role.STAFF.value,
        Role.HOST_CONTACT.value,
        Role.MENTOR.value,
        Role.INSPECTOR.value,
        Role.TRAINEE.value,
    }
)


#: The roles whose home page shows the current program's figures and charts.
FIGURE_ROLES = frozenset({Role.STAFF.value, Role.HOST_CONTACT.value})


@dataclass(frozen=True)
class Home:
    """The home page of one account."""

    program: Program | None
    #: The program's figures; None for an administrator (三员 see no program data).
    summary: Any
    due_items: list[Any]
    placements: list[Any]
    trainees: list[Any]
    records: list[Any]
    admin: admin_home.AdminHome | None


def home_for(user: Any) -> Home:
    """What ``user``'s home page shows, in every role they act in."""
    roles = roles_of(user)
    admin = admin_home.admin_home(user) if roles & ADMIN_ROLES else None
    if not roles & PROGRAM_ROLES:
        return Home(
            program=None,
            summary=None,
            due_items=list(admin.steps) if admin else [],
            placements=[],
            trainees=[],
            records=[],
            admin=admin,
        )
    program = demand_selectors.current_program()
    # The program's figures serve those who plan its posts; a trainee, a mentor
    # or an inspector sees their own work (their program is on their placement).
    summary = demand_selectors.dashboard_summary(program=program) if roles & FIGURE_ROLES else None
    training = home_selectors.due_items(user)
    due: list[Any] = list(admin.steps) if admin else []
    if Role.STAFF in roles:
        due += next_steps.staff_steps(program=program, summary=summary, training=training)
    else:
        due += [*next_steps.contact_steps(user), *training]
    due += [
        *evaluation_due.rater_due(user),
        *activities_due.assessor_due(user),
        *activities_due.participant_due(user),
    ]
    return Home(
        program=program,
        summary=summary,
        due_items=due,
        placements=home_selectors.my_placements(user),
        trainees=home_selectors.my_trainees(user),
        records=evaluation_due.released_records(user),
        admin=admin,
    )
