"""The client's address, trusting ``X-Forwarded-For`` only from configured proxies."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: Any) -> str | None:
    """The address the request came from.

    ``REMOTE_ADDR`` unless it is one of ``LIANBING_TRUSTED_PROXIES``; then the
    right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy
    (the left-most entries are whatever the client chose to send).
    """
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    trusted = set(getattr(settings, "LIANBING_TRUSTED_PROXIES", ()))
    if remote is None or remote not in trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _valid(hop)
        if address is None:
            return remote
        if address not in trusted:
            return address
    return remote


def axes_client_ip(request: Any) -> str:
    """django-axes wants a string; an unknown address locks as one bucket."""
    return client_ip(request) or "0.0.0.0"
