"""One demo account per role, so that every part of the program can be tried.

The administrator alone cannot show what a host-unit contact, a mentor or the
auditor sees. ``lianbing demo`` creates these accounts once, beside the demo
program, each acting for a real record of it (the contact for 曹桥街道, the
mentor and trainee of the article's cases...). They share one generated
password, printed once; they are local to the embedded demo database.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from lianbing.accounts import services as account_services
from lianbing.accounts.models import Profile, Role
from lianbing.people.models import Cadre, Mentor, Unit

HOST_UNIT = "曹桥街道"
TRAINEE_CODE = "C001"


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


def _plan() -> list[tuple[str, str, dict[str, object]]]:
    unit = Unit.objects.filter(name=HOST_UNIT).first()
    mentor = Mentor.objects.filter(unit=unit).order_by("code").first() if unit else None
    cadre = Cadre.objects.filter(code=TRAINEE_CODE).first()
    plan: list[tuple[str, str, dict[str, object]]] = [
        ("ganbuke", Role.STAFF, {}),
        ("kaocha", Role.INSPECTOR, {}),
        ("shenji", Role.AUDITOR, {}),
        ("anquan", Role.SECURITY_ADMIN, {}),
        ("xitong", Role.SYSTEM_ADMIN, {}),
    ]
    if unit is not None:
        plan.insert(1, ("caoqiao", Role.HOST_CONTACT, {"unit": unit}))
    if mentor is not None:
        plan.insert(2, ("daoshi", Role.MENTOR, {"mentor": mentor}))
    if cadre is not None:
        plan.append(("xueyuan", Role.TRAINEE, {"cadre": cadre}))
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
    to be tried, in a database that only the demo uses.
    """
    user_model = get_user_model()
    plan = _plan()
    names = [username for username, _role, _links in plan]
    existing = set(user_model.objects.filter(username__in=names).values_list("username", flat=True))
    password = secrets.token_urlsafe(9) if len(existing) < len(names) else None
    for username, role, links in plan:
        if username in existing:
            continue
        assert password is not None
        acts_for = next((str(getattr(r, "name", r)) for r in links.values()), "")
        user = user_model.objects.create_user(
            username=username,
            password=password,
            first_name=f"{acts_for}{Role(role).label}",  # the name the pages show
        )
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
