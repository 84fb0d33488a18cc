"""Forms of the series and activity pages; the services check the rules again."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianbing.demand.models import Program
from lianbing.engine import taxonomy
from lianbing.training.models import Secondment

from .models import ActivityKind, PairRuleKind
from .selectors import series as selectors

_ANCHOR_LINE = re.compile(r"^\s*(\d+)\s*[:：=、.．]\s*(.+?)\s*$")


class SecondmentChoice(forms.ModelMultipleChoiceField[Any]):
    def label_from_instance(self, obj: Secondment) -> str:
        return f"{obj.cadre.name}（{obj.post.unit.name}）"


class SecondmentOne(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Secondment) -> str:
        return f"{obj.cadre.name}（{obj.post.unit.name}）"


class AssessorChoice(forms.ModelMultipleChoiceField[Any]):
    def label_from_instance(self, obj: User) -> str:
        return selectors.assessor_label(obj)


def _checkboxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class SeriesForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("系列名称"),
        max_length=60,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    description = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    organisers = SecondmentChoice(
        label=gettext_lazy("轮流组织成员"),
        queryset=Secondment.objects.none(),
        required=False,
        widget=_checkboxes(),
        help_text=gettext_lazy("择优挑选、轮流组织本系列活动的练兵干部"),
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisers"].queryset = selectors.current_secondments(program)  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("活动类型"),
        choices=ActivityKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    title = forms.CharField(
        label=gettext_lazy("活动名称"),
        max_length=80,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    topic = forms.CharField(
        label=gettext_lazy("题目"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=gettext_lazy("组织出题：本场活动讨论或攻坚的题目"),
    )
    held_on = forms.DateField(
        label=gettext_lazy("活动日期"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    place = forms.CharField(
        label=gettext_lazy("地点"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    abilities = forms.MultipleChoiceField(
        label=gettext_lazy("考验能力"),
        choices=taxonomy.choices(taxonomy.ABILITIES),
        widget=_checkboxes(),
    )
    all_participants = forms.BooleanField(
        label=gettext_lazy("全部在岗练兵干部参加"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    participants = SecondmentChoice(
        label=gettext_lazy("参加成员"),
        queryset=Secondment.objects.none(),
        required=False,
        widget=_checkboxes(),
    )
    assessors = AssessorChoice(
        label=gettext_lazy("评分人"),
        queryset=User.objects.none(),
        required=False,
        widget=_checkboxes(),
    )
    group_size = forms.IntegerField(
        label=gettext_lazy("每组人数"),
        min_value=2,
        max_value=30,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    scale_min = forms.IntegerField(
        label=gettext_lazy("最低分"),
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    scale_max = forms.IntegerField(
        label=gettext_lazy("最高分"),
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    anchors = forms.CharField(
        label=gettext_lazy("行为锚定"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text=gettext_lazy("每行一个等级，如“5：见解深刻、统筹有力”；留空则按默认锚定"),
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program_secondments = selectors.current_secondments(program)
        self.fields["participants"].queryset = self.program_secondments  # type: ignore[attr-defined]
        self.fields["assessors"].queryset = selectors.assessor_choices()  # type: ignore[attr-defined]

    def clean_anchors(self) -> dict[str, str] | None:
        anchors: dict[str, str] = {}
        for line in self.cleaned_data["anchors"].splitlines():
            if not line.strip():
                continue
            match = _ANCHOR_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    _("“%(line)s”看不懂：每行写“分值：描述”。") % {"line": line.strip()}
                )
            anchors[match.group(1)] = match.group(2)
        return anchors or None

    def chosen_participants(self) -> list[Secondment]:
        """Every current secondment of the program when “全部” is ticked, else those ticked."""
        if self.cleaned_data.get("all_participants"):
            return list(self.program_secondments)
        return list(self.cleaned_data.get("participants") or [])


def anchors_text(anchors: dict[str, str]) -> str:
    return "\n".join(f"{level}：{text}" for level, text in anchors.items())


class PairRuleForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("规则"),
        choices=PairRuleKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    first = SecondmentOne(
        label=gettext_lazy("成员甲"),
        queryset=Secondment.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    second = SecondmentOne(
        label=gettext_lazy("成员乙"),
        queryset=Secondment.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=gettext_lazy("原因"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = selectors.current_secondments(program)
        self.fields["first"].queryset = people  # type: ignore[attr-defined]
        self.fields["second"].queryset = people  # type: ignore[attr-defined]


def form_errors(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
