"""Forms of the survey pages. They only parse input; every rule is in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from lianbing.accounts.text_limits import REASON_MAX, free_text
from lianbing.demand.models import Program
from lianbing.engine import taxonomy
from lianbing.people.versioning import RecordChangedError

from .models import Priority
from .services import DemandInput

_TEXT = {"class": "form-control"}
_NUMBER = {"class": "form-control", "inputmode": "numeric"}

ABILITY_WEIGHT_CHOICES = [(0, "—"), (1, "1"), (2, "2"), (3, "3")]


def ability_field_name(code: str) -> str:
    return f"ability_{code}"


class DemandForm(forms.Form):
    """A host unit's demand. Blank or out-of-range values reach the service, which explains them."""

    title = forms.CharField(
        label=_("岗位名称"), max_length=100, required=False, widget=forms.TextInput(attrs=_TEXT)
    )
    key_task = free_text(
        _("重点任务"), required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 3})
    )
    duties = free_text(
        _("岗位职责"), required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 2})
    )
    expertise_needed = free_text(
        _("所需专长"), max_length=REASON_MAX, required=False, widget=forms.TextInput(attrs=_TEXT)
    )
    tags = forms.CharField(
        label=_("专长标签"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_TEXT),
        help_text=_("多个标签用、分隔；缺口分析按标签匹配干部专长"),
    )
    # A plain text field with a select widget: an unknown category reaches the
    # service, which names the five.
    category = forms.CharField(
        label=_("类别"),
        required=False,
        widget=forms.Select(
            choices=[("", _("请选择")), *taxonomy.choices(taxonomy.CATEGORIES)],
            attrs={"class": "form-select"},
        ),
    )
    seats = forms.IntegerField(label=_("名额"), initial=1, widget=forms.NumberInput(attrs=_NUMBER))
    duration_months = forms.IntegerField(
        label=_("练兵期限（月）"),
        initial=taxonomy.DURATION_MAX_MONTHS,
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    priority = forms.TypedChoiceField(
        label=_("紧迫程度"),
        choices=Priority.choices,
        coerce=int,
        initial=Priority.NORMAL,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    current_staffing = forms.IntegerField(
        label=_("本单位该领域现有人数"),
        initial=0,
        min_value=0,
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    # An edit carries the version it was loaded with and a fingerprint of what
    # it showed (lianbing.people.versioning); blank on a new demand.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    loaded = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for term in taxonomy.ABILITIES:
            self.fields[ability_field_name(term.code)] = forms.TypedChoiceField(
                label=term.label,
                choices=ABILITY_WEIGHT_CHOICES,
                coerce=int,
                initial=0,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def rearmed(self, error: RecordChangedError) -> DemandForm:
        """This form's input with the record's current version, to save again knowingly."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        data["version"] = str(error.version)
        data["loaded"] = error.token
        form = DemandForm(data)
        form.is_valid()
        return form

    def ability_fields(self) -> list[forms.BoundField]:
        return [self[ability_field_name(t.code)] for t in taxonomy.ABILITIES]

    def to_input(self) -> DemandInput:
        data = self.cleaned_data
        return DemandInput(
            title=data["title"],
            key_task=data["key_task"],
            duties=data["duties"],
            expertise_needed=data["expertise_needed"],
            tags=data["tags"],
            category=data["category"],
            seats=data["seats"],
            duration_months=data["duration_months"],
            priority=data["priority"],
            current_staffing=data["current_staffing"],
            abilities=tuple(
                (t.code, float(data[ability_field_name(t.code)] or 0))
                for t in taxonomy.ABILITIES
                if int(data.get(ability_field_name(t.code)) or 0)
            ),
        )


class ReturnForm(forms.Form):
    comment = free_text(
        _("退回意见"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 2}),
    )


class RoundForm(forms.Form):
    name = forms.CharField(label=_("调研名称"), max_length=100, widget=forms.TextInput(attrs=_TEXT))
    deadline_at = forms.DateTimeField(
        label=_("填报截止时间"),
        widget=forms.DateTimeInput(
            attrs={**_TEXT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    program: forms.ModelChoiceField[Program] = forms.ModelChoiceField(
        label=_("对应练兵批次"),
        queryset=None,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = free_text(
        _("填报说明"), required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 2})
    )

    def __init__(self, *args: Any, programs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]


class ConvertForm(forms.Form):
    program: forms.ModelChoiceField[Program] = forms.ModelChoiceField(
        label=_("转入练兵批次"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, programs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
