"""One demo account per role, so that every part of the program can be tried.

The administrator alone cannot show what a host-unit contact, a mentor or the
auditor sees. ``lianbing demo`` creates these accounts once, beside the demo
programs, each acting for a real record (the contact for 曹桥街道, which has
trainees in the earlier program; the trainee 孙杰, placed at 新仓镇 in the
earlier program, and his mentor 李俊, as in the article). They share one
generated password, printed once; they are local to the embedded demo database.

The earlier program's records were written by accounts without a role
(:mod:`.earlier_load`): ganbuke, daoshi and xueyuan take over those of the
department, of 李俊 and of 孙杰, so that they are the authors of their own
plans, logs, comments and assessments. kaocha takes over the inspector
account of the earlier program's mid-term inspection (:mod:`.evaluation_load`),
so that it has a team and ratings to show.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from lianbing.accounts import services as account_services
from lianbing.accounts.models import Profile, Role
from lianbing.people.models import Cadre, Mentor, Unit
from lianbing.training.models import Secondment

from .earlier import FEATURED_TRAINEE
from .earlier_load import STAFF_USERNAME, person_username
from .evaluation_load import INSPECTOR_USERNAME

HOST_UNIT = "曹桥街道"
TRAINEE_CODE = FEATURED_TRAINEE


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    acts_for: str  # the unit, mentor or cadre, "" when the role needs none
    created: bool  # made by this call, so its password is the one returned

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass(frozen=True)
class DemoAccounts:
    accounts: tuple[DemoAccount, ...]
    password: str | None  # of the accounts created now; None when none was


#: username, role, the record it acts for, the unnamed account it takes over ("" for none).
_Planned = tuple[str, str, dict[str, object], str]


def _trainee_mentor(cadre: Cadre | None) -> Mentor | None:
    """The confirmed mentor of the trainee's current secondment, newest program first."""
    secondment = (
        Secondment.objects.filter(
            cadre=cadre, mentor_confirmed_at__isnull=False, superseded_at__isnull=True
        )
        .select_related("mentor")
        .order_by("-program__started_on")
        .first()
    )
    return secondment.mentor if secondment else None


def _plan() -> list[_Planned]:
    unit = Unit.objects.filter(name=HOST_UNIT).first()
    cadre = Cadre.objects.filter(code=TRAINEE_CODE).first()
    mentor = _trainee_mentor(cadre) if cadre else None
    if mentor is None and unit is not None:
        mentor = Mentor.objects.filter(unit=unit).order_by("code").first()
    plan: list[_Planned] = [
        ("ganbuke", Role.STAFF, {}, STAFF_USERNAME),
        ("kaocha", Role.INSPECTOR, {}, INSPECTOR_USERNAME),
        ("shenji", Role.AUDITOR, {}, ""),
        ("anquan", Role.SECURITY_ADMIN, {}, ""),
        ("xitong", Role.SYSTEM_ADMIN, {}, ""),
    ]
    if unit is not None:
        plan.insert(1, ("caoqiao", Role.HOST_CONTACT, {"unit": unit}, ""))
    if mentor is not None:
        plan.insert(2, ("daoshi", Role.MENTOR, {"mentor": mentor}, person_username(mentor.code)))
    if cadre is not None:
        plan.append(("xueyuan", Role.TRAINEE, {"cadre": cadre}, person_username(cadre.code)))
    return plan


def _acts_for(profile: Profile) -> str:
    for record in (profile.unit, profile.mentor, profile.cadre):
        if record is not None:
            return str(getattr(record, "name", record))
    return ""


@transaction.atomic
def demo_accounts_ensure() -> DemoAccounts:
    """Create the role accounts unless they exist; list them either way.

    Each account may sign in at once (no forced password change): they exist
    to be tried, in a database that only the demo uses. An account that
    authored records of the earlier program and has no role yet is taken over
    (renamed, given the password and the role) rather than a new one made.
    """
    user_model = get_user_model()
    plan = _plan()
    names = [username for username, _role, _links, _adopt in plan]
    existing = set(user_model.objects.filter(username__in=names).values_list("username", flat=True))
    password = secrets.token_urlsafe(9) if len(existing) < len(names) else None
    for username, role, links, adopt in plan:
        if username in existing:
            continue
        assert password is not None
        acts_for = next((str(getattr(r, "name", r)) for r in links.values()), "")
        name = f"{acts_for}{Role(role).label}"  # the name the pages show
        user = (
            user_model.objects.filter(username=adopt, profile__isnull=True).first()
            if adopt
            else None
        )
        if user is None:
            user = user_model.objects.create_user(
                username=username, password=password, first_name=name
            )
        else:
            user.username = username
            user.first_name = name
            user.set_password(password)
            user.save()
        profile = account_services.role_grant(user=user, role=role, **links)  # type: ignore[arg-type]
        profile.must_change_password = False
        profile.save(update_fields=["must_change_password"])
    profiles = Profile.objects.filter(user__username__in=names).select_related(
        "user", "unit", "mentor", "cadre"
    )
    by_name = {p.user.username: p for p in profiles}
    accounts = tuple(
        DemoAccount(
            username=name,
            role=by_name[name].role,
            acts_for=_acts_for(by_name[name]),
            created=name not in existing,
        )
        for name in names
        if name in by_name
    )
    return DemoAccounts(accounts=accounts, password=password)
