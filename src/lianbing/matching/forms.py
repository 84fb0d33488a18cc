"""Forms of the matching pages: input only; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianbing.accounts.text_limits import REASON_MAX, free_text
from lianbing.demand.models import Post, Program
from lianbing.engine import pipeline, scoring, taxonomy
from lianbing.people.models import Cadre

from .models import MIN_PER_POST, DecisionKind, MatchRun, Objective
from .services.runs import RunSettings

#: The form starts from the engine's scoring defaults.
_WEIGHTS = scoring.Weights()
#: The run's counts are PositiveSmallIntegerFields: the form refuses what the
#: column cannot hold instead of letting the model's validation fail later.
COUNT_MAX = 32767
#: Weights are relative and scores run 0-100: larger values mean nothing more.
WEIGHT_MAX = 100
_SCORE_OPTIONS = scoring.ScoreOptions()

SCOPE_CHOICES = [("all", _("本批次全部")), ("selected", _("只用下面选定的"))]


class MatchRunForm(forms.Form):
    program = forms.ModelChoiceField(
        Program.objects.order_by("-started_on"), label=_("练兵批次"), empty_label=None
    )
    title = forms.CharField(label=_("方案名称"), max_length=100, required=False)
    post_scope = forms.ChoiceField(
        label=_("岗位范围"), choices=SCOPE_CHOICES, initial="all", widget=forms.RadioSelect
    )
    posts = forms.ModelMultipleChoiceField(
        Post.objects.select_related("unit").order_by("code"),
        label=_("选定岗位"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    cadre_scope = forms.ChoiceField(
        label=_("干部范围"), choices=SCOPE_CHOICES, initial="all", widget=forms.RadioSelect
    )
    cadres = forms.ModelMultipleChoiceField(
        Cadre.objects.order_by("code"),
        label=_("选定干部"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    per_post = forms.IntegerField(
        label=_("每个名额的候选人数"),
        initial=MIN_PER_POST,
        min_value=MIN_PER_POST,
        max_value=COUNT_MAX,
        help_text=_("不低于 2（1:2）"),
    )
    max_per_cadre = forms.IntegerField(
        label=_("每名干部最多上榜岗位数"),
        initial=pipeline.DEFAULT_MAX_PER_CADRE,
        required=False,
        min_value=1,
        max_value=COUNT_MAX,
        help_text=_("留空为不限"),
    )
    max_per_origin_unit = forms.IntegerField(
        label=_("同一派出单位最多选派人数"),
        required=False,
        min_value=1,
        max_value=COUNT_MAX,
        help_text=_("留空为不限"),
    )
    weight_fit = forms.FloatField(
        label=_("专长匹配权重"), initial=_WEIGHTS.fit, min_value=0, max_value=WEIGHT_MAX
    )
    weight_development = forms.FloatField(
        label=_("短板提升权重"), initial=_WEIGHTS.development, min_value=0, max_value=WEIGHT_MAX
    )
    weight_complement = forms.FloatField(
        label=_("岗位互补权重"), initial=_WEIGHTS.complement, min_value=0, max_value=WEIGHT_MAX
    )
    fit_floor = forms.FloatField(
        label=_("专长匹配下限"), initial=_SCORE_OPTIONS.fit_floor, min_value=0, max_value=100
    )
    preference_bonus = forms.FloatField(
        label=_("志愿岗位加分"),
        initial=_SCORE_OPTIONS.preference_bonus,
        min_value=0,
        max_value=WEIGHT_MAX,
    )
    objective = forms.ChoiceField(
        label=_("配置目标"),
        choices=Objective.choices,
        initial=Objective.TOTAL,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "总分最优：全体得分之和最大。稳定优先：先保证没有“互为首选却未配在一起”的人岗"
            "（干部和岗位都更合适对方，却被拆开），再求总分最大；"
            "选它时不能限制同一派出单位最多选派人数和各类别最少选派人数。"
        ),
    )
    supersedes = forms.ModelChoiceField(
        MatchRun.objects.filter(finalised_at__isnull=False, superseded_at__isnull=True),
        label=_("取代已定案的方案"),
        required=False,
        empty_label=_("（不取代）"),
    )
    supersede_reason = free_text(
        _("取代理由"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for term in taxonomy.CATEGORIES:
            self.fields[f"min_{term.code}"] = forms.IntegerField(
                label=term.label, required=False, min_value=0, max_value=COUNT_MAX
            )
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def category_fields(self) -> list[forms.BoundField]:
        return [self[f"min_{t.code}"] for t in taxonomy.CATEGORIES]

    def run_settings(self) -> RunSettings:
        data = self.cleaned_data
        return RunSettings(
            per_post=data["per_post"],
            max_per_cadre=data["max_per_cadre"],
            max_per_origin_unit=data["max_per_origin_unit"],
            min_per_category={
                t.code: data[f"min_{t.code}"]
                for t in taxonomy.CATEGORIES
                if data.get(f"min_{t.code}")
            },
            weight_fit=data["weight_fit"],
            weight_development=data["weight_development"],
            weight_complement=data["weight_complement"],
            fit_floor=data["fit_floor"],
            preference_bonus=data["preference_bonus"],
            objective=data.get("objective") or Objective.TOTAL,
        )

    def chosen_posts(self) -> list[Post] | None:
        return (
            list(self.cleaned_data["posts"])
            if self.cleaned_data["post_scope"] == "selected"
            else None
        )

    def chosen_cadres(self) -> list[Cadre] | None:
        if self.cleaned_data["cadre_scope"] == "selected":
            return list(self.cleaned_data["cadres"])
        return None


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(choices=DecisionKind.choices)
    cadre = forms.IntegerField()
    post = forms.IntegerField(required=False)
    reason = free_text(
        _("理由"), max_length=REASON_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionWithdrawForm(forms.Form):
    # Blank is let through so the service answers with its message.
    reason = free_text(_("撤销的理由"), max_length=REASON_MAX, required=False)
    #: The post of the pair panel the request comes from; absent from the run page.
    return_post = forms.IntegerField(required=False)


class FinaliseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("我已核对配置方案，确认定案（定案后不能修改，只能由新方案取代）"),
        required=True,
        error_messages={"required": _("请勾选确认后再定案。")},
    )
