"""Which role a user acts in. Superusers act as department staff."""

from __future__ import annotations

from typing import Any

from .models import Profile, Role


def role_of(user: Any) -> str | None:
    """The user's role code, or None for an anonymous user or an account without a role."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        profile: Profile = user.profile
    except Profile.DoesNotExist:
        return Role.STAFF.value if user.is_superuser else None
    return profile.role


def has_role(user: Any, *roles: str) -> bool:
    return role_of(user) in roles
