"""The empty entry of every drop-down reads （请选择）, not Django's "---------".

Django spells the empty choice in two places: ``BLANK_CHOICE_DASH`` (choices
of model fields, in our forms and in /admin/) and the default ``empty_label``
of ``ModelChoiceField`` (foreign-key selects). Both are replaced once at
start-up, so no form has to remember it; a form that names its own empty
label (（新建批次，见下方）) keeps it.
"""

from __future__ import annotations

from django import forms
from django.db.models import fields
from django.utils.translation import gettext_lazy as _

EMPTY_CHOICE = _("（请选择）")


def empty_choice_install() -> None:
    # Changed in place: Field.get_choices holds this very list as its default.
    fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_CHOICE)]  # type: ignore[list-item]
    defaults = forms.ModelChoiceField.__init__.__kwdefaults__
    if defaults is not None:
        defaults["empty_label"] = EMPTY_CHOICE
