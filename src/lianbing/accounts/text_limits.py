"""Length limits of free-text form fields, with the message a user sees when over.

Without a limit a 200,000-character "reason" goes into the database, the
audit trail's neighbours and every page that shows it. A reason or comment
is a sentence or two; a task description a few paragraphs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

#: A decision's reason, a withdrawal's or a return's comment.
REASON_MAX = 500
#: A task description, duties, a note: a few paragraphs.
TEXT_MAX = 2000


def too_long_messages() -> dict[str, Any]:
    return {
        "max_length": _("最多 %(limit_value)d 个字（现有 %(show_value)d 个），请精简后再提交。")
    }


def free_text(label: Any, *, max_length: int = TEXT_MAX, **kwargs: Any) -> forms.CharField:
    """A free-text form field with a length limit and the Chinese message for it."""
    return forms.CharField(
        label=label, max_length=max_length, error_messages=too_long_messages(), **kwargs
    )


def first_error(form: forms.Form, field: str) -> str:
    """The first error of ``field``, or "" (for views that answer with one message)."""
    errors = form.errors.get(field)
    return str(errors[0]) if errors else ""
