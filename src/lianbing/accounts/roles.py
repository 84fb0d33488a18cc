"""Which roles a user acts in.

One role per account (``Profile.role``). Two kinds of accounts have no profile:
superusers, who act as system administrator and department staff (the demo's
``admin``), and accounts flagged ``is_staff`` by a superuser (``createsuperuser``
style bootstrapping), who act as department staff. Only a superuser can set
``is_staff`` (see ``admin.py``), so the security administrator stays the one
who grants roles.
"""

from __future__ import annotations

from typing import Any

from .models import Profile, Role

#: The three administrators of 三员分立; they may protect their login with TOTP.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN.value, Role.SECURITY_ADMIN.value, Role.AUDITOR.value})


def roles_of(user: Any) -> frozenset[str]:
    """Every role the user acts in; empty for an anonymous user or an account without a role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    try:
        profile: Profile = user.profile
    except Profile.DoesNotExist:
        profile = None  # type: ignore[assignment]
    own = {profile.role} if profile is not None else set()
    if user.is_superuser:
        own |= {Role.STAFF.value, Role.SYSTEM_ADMIN.value}
    elif profile is None and user.is_staff:
        own.add(Role.STAFF.value)
    return frozenset(own)


def profile_of(user: Any) -> Profile | None:
    """The account's profile (its role and whom it acts for); None for an account without one."""
    try:
        return user.profile  # type: ignore[no-any-return]
    except (Profile.DoesNotExist, AttributeError):
        return None


def is_department(user: Any) -> bool:
    """Whether the user acts as department staff (组织部干部科)."""
    return Role.STAFF.value in roles_of(user)


def reads_everything(user: Any) -> bool:
    """Department staff and the auditor read every record of the program."""
    return bool({Role.STAFF.value, Role.AUDITOR.value} & roles_of(user))


def role_of(user: Any) -> str | None:
    """The user's main role code, or None for an anonymous user or an account without a role."""
    roles = roles_of(user)
    if not roles:
        return None
    if Role.STAFF.value in roles:
        return Role.STAFF.value
    return sorted(roles)[0]


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_admin(user: Any) -> bool:
    """Whether the user is one of the three administrators (or a superuser)."""
    return bool(roles_of(user) & ADMIN_ROLES)
