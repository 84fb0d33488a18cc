"""Sign-in lockout: django-axes' per-account lock, plus a cap per address.

Axes locks an account at an address after ``AXES_FAILURE_LIMIT`` failures
(``AXES_LOCKOUT_PARAMETERS``), so another account can still sign in from the
same office. That alone lets one address try a few passwords on every account
(password spraying); the cap locks the address itself once its failures across
all accounts reach ``LIANBING_ADDRESS_FAILURE_LIMIT`` within the cool-off.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from .addresses import axes_client_ip


def address_failures(address: str) -> int:
    """Failed sign-ins from ``address``, over every account, within the cool-off period."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return int(total or 0)


class AddressCapHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler, also refusing an address over its cap."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return _over_cap(request)

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if _over_cap(request):
            # Answered like an account lock (HTTP 429, the lockout page), and recorded.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=axes_client_ip(request),
            )


def _over_cap(request: Any) -> bool:
    limit = getattr(settings, "LIANBING_ADDRESS_FAILURE_LIMIT", 0)
    return bool(limit) and address_failures(axes_client_ip(request)) >= limit
