"""Optimistic locking of the records people edit through forms (cadres, posts, demands).

Two people open the same record, both save: without a lock the second save
silently undoes the first. Each edited model has a ``version`` integer; an edit
form carries the version it was loaded with and a fingerprint of the values it
showed. A save is an ``UPDATE … WHERE version = <loaded>`` that bumps it, inside
the service's transaction: on PostgreSQL the second writer waits on the row and
then matches nothing; on SQLite writers are serialised. The refused saver is
told which fields changed since they loaded the form, with the new values, and
keeps their input.

It lives in ``people`` because that is the lowest app holding an edited record;
``demand`` and ``survey`` build on it (the import-linter layers forbid the
other direction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .crypto import EncryptedCharField

_SALT = "lianbing.people.versioning"


@dataclass(frozen=True)
class FieldValue:
    """One field of an edit form as the record holds it: ``raw`` is compared, ``shown`` displayed."""

    label: str
    raw: str
    shown: str


@dataclass(frozen=True)
class FieldChange:
    """A field someone else changed since the form was loaded, with its new value as shown."""

    label: str
    value: str


Values = Mapping[str, FieldValue]


class RecordChangedError(Exception):
    """The record was saved by someone else after this form was loaded; nothing was written.

    ``version`` and ``token`` are the record's current ones: a form re-bound
    with them (and the user's input) can be submitted again.
    """

    def __init__(self, *, version: int, token: str, changes: tuple[FieldChange, ...]) -> None:
        self.version = version
        self.token = token
        self.changes = changes
        self.message = _(
            "您打开此页后，该记录已被他人修改并保存，您的修改没有保存。"
            "下面列出对方改动的内容；您填写的内容仍保留在表单中，请核对后再次保存。"
        )
        super().__init__(self.message)

    def change_lines(self) -> list[str]:
        if not self.changes:
            return [_("改动在附属信息中（如能力、工作经历），请核对后再次保存。")]
        return [
            _("%(label)s：现为“%(value)s”") % {"label": c.label, "value": c.value}
            for c in self.changes
        ]


def _digest(raw: str) -> str:
    # Keyed, so the fingerprint in the page does not reveal a phone or ID number.
    return salted_hmac(_SALT, raw).hexdigest()[:16]


def fingerprint(values: Values) -> str:
    """A signed token of what the form shows, to tell later which fields changed."""
    return signing.dumps({name: _digest(v.raw) for name, v in values.items()}, salt=_SALT)


def changes_since(token: str, values: Values) -> tuple[FieldChange, ...]:
    """The fields whose value differs from the fingerprint; every field if the token is unreadable."""
    try:
        loaded = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        loaded = {}
    if not isinstance(loaded, dict):
        loaded = {}
    return tuple(
        FieldChange(v.label, v.shown)
        for name, v in values.items()
        if loaded.get(name) != _digest(v.raw)
    )


M = TypeVar("M", bound=models.Model)


def version_claim(
    *, instance: M, version: int | None, token: str, values_of: Callable[[M], Values]
) -> None:
    """Take the next version of ``instance`` if the stored one is still ``version``.

    Call inside the service's transaction, before writing: the conditional
    UPDATE holds the row until commit. Sets ``instance.version`` so the save
    that follows keeps it; raises :class:`RecordChangedError` otherwise.
    """
    manager = type(instance)._default_manager
    if version is not None and manager.filter(pk=instance.pk, version=version).update(
        version=version + 1
    ):
        instance.version = version + 1  # type: ignore[attr-defined]
        return
    current = manager.get(pk=instance.pk)
    values = values_of(current)
    raise RecordChangedError(
        version=current.version,  # type: ignore[attr-defined]
        token=fingerprint(values),
        changes=changes_since(token, values),
    )


def versioned_save(
    *, instance: M, version: int | None, token: str, values_of: Callable[[M], Values]
) -> M:
    """Save an edited ``instance`` (a new one is simply saved) under the optimistic lock."""
    if instance.pk is not None:
        version_claim(instance=instance, version=version, token=token, values_of=values_of)
    instance.full_clean()
    instance.save()
    return instance


# --------------------------------------------------------------------------- admin forms


def _shown(instance: models.Model, field: models.Field[Any, Any]) -> tuple[str, str]:
    if isinstance(field, EncryptedCharField):
        raw = str(field.value_from_object(instance) or "")
        return raw, _("（已修改，敏感信息不在此显示）")
    if isinstance(field, models.ManyToManyField):
        related = sorted(str(obj) for obj in getattr(instance, field.name).all())
        return "\n".join(related), "、".join(related) or "—"
    if isinstance(field, models.ForeignKey):
        target = getattr(instance, field.name)
        return str(field.value_from_object(instance)), str(target) if target else "—"
    value = field.value_from_object(instance)
    if field.choices:
        shown = getattr(instance, f"get_{field.name}_display")()
    else:
        shown = "" if value is None else str(value)
    return str(value), shown or "—"


def model_values(instance: models.Model, names: Iterable[str]) -> dict[str, FieldValue]:
    """The model fields ``names`` of ``instance`` (non-model names skipped), for a fingerprint."""
    values: dict[str, FieldValue] = {}
    for name in names:
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:  # a form field that is not a model field
            continue
        if not isinstance(field, models.Field) or not field.editable:
            continue
        raw, shown = _shown(instance, field)
        values[name] = FieldValue(str(field.verbose_name), raw, shown)
    return values


class VersionedModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """An admin edit form that carries the version and the values it was loaded with.

    ``clean`` refuses a stale form with the changed fields listed and re-arms
    it with the current version, so that saving again (the user's input kept)
    is a deliberate overwrite of what they have now seen. The save itself is
    conditional again (``versioned_save``) in case another save slipped in.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    loaded_values = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["loaded_version"] = self.instance.version
            self.initial["loaded_values"] = fingerprint(self.record_values(self.instance))

    def record_values(self, instance: models.Model) -> dict[str, FieldValue]:
        return model_values(instance, self.fields)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is None:
            return cleaned
        model = type(self.instance)
        # Locked until the admin's transaction ends, after the save.
        current = model._default_manager.select_for_update().get(pk=self.instance.pk)
        if current.version != cleaned.get("loaded_version"):
            values = self.record_values(current)
            error = RecordChangedError(
                version=current.version,
                token=fingerprint(values),
                changes=changes_since(cleaned.get("loaded_values") or "", values),
            )
            self.rearm(error)
            raise ValidationError([error.message, *error.change_lines()])
        return cleaned

    def rearm(self, error: RecordChangedError) -> None:
        """Put the record's current version into the bound data, keeping the user's input."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        data[self.add_prefix("loaded_version")] = str(error.version)
        data[self.add_prefix("loaded_values")] = error.token
        self.data = data
