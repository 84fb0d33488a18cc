"""Start-up checks: the XML parser openpyxl uses is defused; the security middleware is in place."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.module_loading import import_string


def defusedxml_active() -> bool:
    """Whether openpyxl will parse workbooks through defusedxml."""
    try:
        import defusedxml  # noqa: F401
        from openpyxl.xml import DEFUSEDXML
    except ImportError:
        return False
    return bool(DEFUSEDXML)


@register(Tags.security)
def check_defusedxml(app_configs: Any, **kwargs: Any) -> list[Error]:
    if defusedxml_active():
        return []
    return [
        Error(
            "defusedxml is not active: openpyxl would parse uploads with the plain XML parser.",
            hint="pip install defusedxml (a dependency of lianbing) and restart.",
            id="lianbing.E001",
        )
    ]


REQUIRED_MIDDLEWARE = (
    "lianbing.accounts.middleware.AuditContextMiddleware",
    "lianbing.accounts.middleware.IdleTimeoutMiddleware",
    "lianbing.accounts.middleware.RolePolicyMiddleware",
    "lianbing.accounts.middleware.AccountGateMiddleware",
    "lianbing.accounts.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
)


@register(Tags.security)
def check_middleware(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = [
        Error(f"{name} is missing from MIDDLEWARE.", id="lianbing.E002")
        for name in REQUIRED_MIDDLEWARE
        if name not in settings.MIDDLEWARE
    ]
    csrf = [m for m in settings.MIDDLEWARE if _is_csrf(m)]
    if not csrf:
        errors.append(Error("No CSRF middleware in MIDDLEWARE.", id="lianbing.E003"))
    return errors


def _is_csrf(path: str) -> bool:
    try:
        cls = import_string(path)
    except ImportError:
        return False
    return isinstance(cls, type) and issubclass(cls, CsrfViewMiddleware)


@register(Tags.security, deploy=True)
def check_csrf_cookie(app_configs: Any, **kwargs: Any) -> list[Warning]:
    # Django skips its own W016 when its CSRF middleware is not named exactly.
    if settings.CSRF_COOKIE_SECURE:
        return []
    return [Warning("CSRF_COOKIE_SECURE is not True.", id="lianbing.W016")]


@register(Tags.security)
def check_field_key(app_configs: Any, **kwargs: Any) -> list[Error]:
    if getattr(settings, "LIANBING_FIELD_KEY", ""):
        return []
    return [
        Error(
            "LIANBING_FIELD_KEY is empty: personal fields cannot be encrypted.",
            hint="Set the LIANBING_FIELD_KEY environment variable.",
            id="lianbing.E004",
        )
    ]
