"""Who may open which page: a declared policy for every view, enforced centrally.

A view declares its policy with one decorator::

    @require_roles(Role.STAFF, Role.HOST_CONTACT)
    def post_list(request): ...

``@public_view`` opens a view to anonymous visitors; ``@any_account`` to any
signed-in account, whatever its role. Views we do not write (Django's login and
admin) get their policy from :data:`URL_POLICIES` and :data:`NAMESPACE_POLICIES`.
:class:`~lianbing.accounts.middleware.RolePolicyMiddleware` refuses a view that
has no policy at all, and ``tests/functional/test_role_matrix.py`` walks every
URL pattern to prove each policy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.urls import ResolverMatch

from .models import Role
from .roles import roles_of

V = TypeVar("V", bound=Callable[..., Any])

POLICY_ATTRIBUTE = "lianbing_policy"


@dataclass(frozen=True)
class Policy:
    """The roles allowed to open a view; ``public`` admits anonymous visitors."""

    roles: frozenset[str] = frozenset()
    public: bool = False
    any_account: bool = False

    def permits(self, user: Any) -> bool:
        if self.public:
            return True
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if self.any_account:
            return True
        return bool(roles_of(user) & self.roles)


PUBLIC = Policy(public=True)
ANY_ACCOUNT = Policy(any_account=True)
ADMIN_SITE = Policy(roles=frozenset({Role.SYSTEM_ADMIN.value}))


def _declare(view: V, policy: Policy) -> V:
    @functools.wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        # Enforced here as well as in the middleware, so a view stays closed
        # even where the middleware is absent (RequestFactory tests, embedding).
        if not policy.permits(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    setattr(wrapper, POLICY_ATTRIBUTE, policy)
    return wrapper  # type: ignore[return-value]


def require_roles(*roles: str) -> Callable[[V], V]:
    """Open the view to accounts acting in one of ``roles`` (superusers act as staff and system admin)."""
    if not roles:
        raise ValueError("require_roles needs at least one role")
    policy = Policy(roles=frozenset(str(r) for r in roles))
    return lambda view: _declare(view, policy)


def public_view(view: V) -> V:
    """Open the view to anonymous visitors (login page, one-time rating links)."""
    return login_not_required(_declare(view, PUBLIC))


def any_account(view: V) -> V:
    """Open the view to every signed-in account (password change, two-step set-up, logout)."""
    return _declare(view, ANY_ACCOUNT)


#: Views we do not write, by URL name.
URL_POLICIES: dict[str, Policy] = {
    "login": PUBLIC,
    "logout": ANY_ACCOUNT,
    "admin:login": PUBLIC,
    "admin:logout": ANY_ACCOUNT,
    "javascript-catalog": PUBLIC,
}

#: Whole URL namespaces we do not write.
NAMESPACE_POLICIES: dict[str, Policy] = {"admin": ADMIN_SITE}


def policy_of(view: Any, match: ResolverMatch | None) -> Policy | None:
    """The declared policy of a resolved view, or None when it declares none."""
    policy = getattr(view, POLICY_ATTRIBUTE, None)
    if policy is not None:
        return policy  # type: ignore[no-any-return]
    if match is None:
        return None
    if match.view_name in URL_POLICIES:
        return URL_POLICIES[match.view_name]
    for namespace in match.namespaces:
        if namespace in NAMESPACE_POLICIES:
            return NAMESPACE_POLICIES[namespace]
    return None


def url_name_permitted(url_name: str, user: Any) -> bool:
    """Whether ``user`` may open the page named ``url_name`` (for menus)."""
    from django.urls import NoReverseMatch, resolve, reverse

    try:
        match = resolve(reverse(url_name))
    except NoReverseMatch:
        return False
    policy = policy_of(match.func, match)
    return policy is not None and policy.permits(user)
