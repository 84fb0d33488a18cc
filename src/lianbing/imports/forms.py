"""The upload form: it only parses; the rules live in :mod:`.job` and :mod:`.check`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianbing.demand.models import Program

from .check import NewProgram

NEW_PROGRAM_FIELDS = ("new_program_name", "new_program_started_on", "new_program_ended_on")


class DateInput(forms.DateInput):
    input_type = "date"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        help_text=_("含“干部”“岗位”“导师”工作表中的一个或几个；用导入模板填写。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    program = forms.ModelChoiceField(
        label=_("导入到批次"),
        queryset=Program.objects.all(),
        required=False,
        empty_label=_("（新建批次，见下方）"),
    )
    new_program_name = forms.CharField(label=_("新建批次名称"), max_length=100, required=False)
    new_program_started_on = forms.DateField(
        label=_("开始日期"), required=False, widget=DateInput()
    )
    new_program_ended_on = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())

    def __init__(self, *args: Any, current: Program | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if current is not None:
            self.fields["program"].initial = current.pk
        for name, field in self.fields.items():
            css = "form-select" if name == "program" else "form-control"
            field.widget.attrs.setdefault("class", css)

    def new_program_fields(self) -> list[forms.BoundField]:
        """The fields of the "new program" box, by name."""
        return [self[name] for name in NEW_PROGRAM_FIELDS]

    def new_program(self) -> NewProgram | None:
        """The program to create, when its name is filled in (dates checked by the service)."""
        data = self.cleaned_data
        name = (data.get("new_program_name") or "").strip()
        if not name:
            return None
        started, ended = data.get("new_program_started_on"), data.get("new_program_ended_on")
        if started is None or ended is None:
            self.add_error("new_program_ended_on", _("新建批次需要填写开始日期和结束日期。"))
            return None
        return NewProgram(name=name, started_on=started, ended_on=ended)
