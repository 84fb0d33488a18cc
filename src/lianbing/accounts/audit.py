"""Recording the audit trail (审计日志).

What is recorded:
- every create, update and delete of a tracked model, through signals; an
  update names the fields it changed (names only: some hold personal data). The
  tracked models are ``settings.LIANBING_AUDITED_MODELS`` (``"app_label.Model"``)
  plus any an app adds with :func:`register` in its ``AppConfig.ready``;
- every view of an object page decorated with :func:`audited_view`;
- every export: any response that is a file download (see the middleware);
- sign-ins, failed sign-ins, sign-outs, role grants and refused pages.

Who and from where come from the request being served (a context variable set
by :class:`~lianbing.accounts.middleware.AuditContextMiddleware`); work done for
a user outside a request (a background import) names them with
:func:`actor_context`; commands run outside a request are recorded without a user.
"""

from __future__ import annotations

import contextvars
import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import Http404

from .addresses import client_ip
from .models import AuditAction, AuditEvent, AuditResult
from .roles import role_of

logger = logging.getLogger(__name__)
V = TypeVar("V", bound=Callable[..., Any])

_current_request: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "lianbing_audit_request", default=None
)
_registered: set[type[models.Model]] = set()


@contextmanager
def request_context(request: Any) -> Iterator[None]:
    """Attribute everything recorded inside the block to ``request``'s user and address."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


@dataclass(frozen=True)
class _Actor:
    """Who background work is done for, and the page it belongs to; there is no address."""

    user: Any
    path: str


@contextmanager
def actor_context(user: Any, *, path: str = "") -> Iterator[None]:
    """Attribute everything recorded inside the block to ``user``, outside any request.

    ``path`` is recorded as the page the work belongs to (a job's page, say).
    """
    with request_context(_Actor(user=user, path=path)):
        yield


def _clip(text: object, length: int) -> str:
    return str(text)[:length]


def record(
    *,
    action: str,
    result: str = AuditResult.SUCCESS,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: object = "",
    object_repr: str = "",
    detail: str = "",
    request: Any = None,
    user: Any = None,
) -> AuditEvent:
    """Append one event to the audit trail."""
    request = request if request is not None else _current_request.get()
    path = ""
    if isinstance(request, _Actor):
        user = user if user is not None else request.user
        path, request = request.path, None
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if request is not None:
        path = request.get_full_path()
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    authenticated = bool(getattr(user, "is_authenticated", False))
    return AuditEvent.objects.create(
        user_id=user.pk if authenticated else None,
        username=_clip(user.get_username(), 150) if authenticated else "",
        role=(role_of(user) or "") if authenticated else "",
        action=action,
        result=result,
        object_type=_clip(object_type, 100),
        object_id=_clip(object_id if object_id is not None else "", 64),
        object_repr=_clip(object_repr, 200),
        address=client_ip(request) if request is not None else None,
        path=_clip(path, 300),
        detail=_clip(detail, 500),
    )


def record_many(
    *, action: str, objects: Iterable[models.Model], detail_of: Callable[[Any], str] | None = None
) -> int:
    """One event per object, as the signals would write them, chained in one bulk insert.

    For writes made with ``bulk_create``/``bulk_update`` (which send no signals):
    an import of 10,000 cadres keeps a line per cadre created or changed
    without 10,000 chained inserts. ``detail_of`` gives each object's detail.
    Returns how many events were written.
    """
    request = _current_request.get()
    user: Any = None
    path, address = "", None
    if isinstance(request, _Actor):
        user, path = request.user, request.path
    elif request is not None:
        user, path = getattr(request, "user", None), request.get_full_path()
        address = client_ip(request)
    authenticated = bool(getattr(user, "is_authenticated", False))
    who = {
        "user_id": user.pk if authenticated else None,
        "username": _clip(user.get_username(), 150) if authenticated else "",
        "role": (role_of(user) or "") if authenticated else "",
        "address": address,
        "path": _clip(path, 300),
    }
    return AuditEvent.append_many(
        [
            {
                **who,
                "action": action,
                "result": AuditResult.SUCCESS,
                "object_type": _clip(obj._meta.label, 100),
                "object_id": _clip(obj.pk if obj.pk is not None else "", 64),
                "object_repr": _clip(obj, 200),
                "detail": _clip(detail_of(obj), 500) if detail_of is not None else "",
            }
            for obj in objects
        ]
    )


#: Attribute on a saved instance: the fields its update changed (set before the save).
_CHANGED = "_lianbing_audit_changed"


def _on_pre_save(sender: type[models.Model], instance: models.Model, **kw: Any) -> None:
    """Note which fields an update changes, so its audit row can name them."""
    if kw.get("raw") or instance._state.adding or instance.pk is None:
        return
    fields = [f for f in sender._meta.concrete_fields if not f.primary_key]
    update_fields = kw.get("update_fields")
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
    old = (
        sender._base_manager.using(kw.get("using"))
        .filter(pk=instance.pk)
        .values(*[f.attname for f in fields])
        .first()
    )
    if old is None:
        return
    changed = [
        str(f.verbose_name) for f in fields if old[f.attname] != getattr(instance, f.attname)
    ]
    setattr(instance, _CHANGED, changed)


def _on_save(sender: type[models.Model], instance: models.Model, created: bool, **kw: Any) -> None:
    if kw.get("raw"):
        return  # fixtures loaded with loaddata are not user actions
    if created:
        record(action=AuditAction.CREATE, obj=instance)
        return
    # Names only, never values: some fields hold encrypted personal data.
    changed = instance.__dict__.pop(_CHANGED, None)
    detail = (
        "" if changed is None else ("修改字段：" + "、".join(changed) if changed else "未改动字段")
    )
    record(action=AuditAction.UPDATE, obj=instance, detail=detail)


def _on_delete(sender: type[models.Model], instance: models.Model, **kw: Any) -> None:
    record(action=AuditAction.DELETE, obj=instance)


def register(model: type[models.Model]) -> None:
    """Track creates, updates and deletes of ``model`` in the audit trail (idempotent)."""
    if model in _registered:
        return
    uid = f"lianbing-audit-{model._meta.label}"
    pre_save.connect(_on_pre_save, sender=model, dispatch_uid=uid + "-pre-save", weak=False)
    post_save.connect(_on_save, sender=model, dispatch_uid=uid + "-save", weak=False)
    post_delete.connect(_on_delete, sender=model, dispatch_uid=uid + "-delete", weak=False)
    _registered.add(model)


def registered_models() -> frozenset[type[models.Model]]:
    return frozenset(_registered)


def register_from_settings() -> list[str]:
    """Register every model named in ``LIANBING_AUDITED_MODELS``; return the unknown labels."""
    unknown: list[str] = []
    for label in getattr(settings, "LIANBING_AUDITED_MODELS", ()):
        try:
            register(apps.get_model(label))
        except (LookupError, ValueError):
            unknown.append(label)
    return unknown


def audited_view(model_label: str, id_kwarg: str) -> Callable[[V], V]:
    """Record every opening of an object page: success, or denied when it is refused."""

    def decorate(view: V) -> V:
        @functools.wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            object_id = kwargs.get(id_kwarg, "")
            try:
                response = view(request, *args, **kwargs)
            except (Http404, PermissionDenied):
                record(
                    action=AuditAction.VIEW,
                    result=AuditResult.DENIED,
                    object_type=model_label,
                    object_id=object_id,
                    request=request,
                )
                raise
            if response.status_code == 200:
                obj = apps.get_model(model_label).objects.filter(pk=object_id).first()
                record(
                    action=AuditAction.VIEW,
                    object_type=model_label,
                    object_id=object_id,
                    object_repr=str(obj) if obj is not None else "",
                    request=request,
                )
            return response

        return wrapper  # type: ignore[return-value]

    return decorate
