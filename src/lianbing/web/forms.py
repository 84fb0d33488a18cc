"""Forms of the foundation's pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianbing.engine import taxonomy


class UnitForm(forms.Form):
    """A unit the department adds by hand (a town before its mentors are imported)."""

    name = forms.CharField(label=_("单位名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=50, required=False)
    kind = forms.ChoiceField(
        label=_("单位类型"), choices=[(t.code, t.label) for t in taxonomy.UNIT_KINDS]
    )
