"""The training plan's edit form: duties, and rows of goals and milestones added and removed.

The forms only parse input; every rule (a goal tied to an ability or a key
task, due dates within the secondment) is in :mod:`.services.plans`, which
reports all problems at once. Adding or removing a row re-renders the bound
form without saving (with htmx, just the fields; without JavaScript, the
page), so nothing typed is lost until 保存.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from lianbing.accounts.text_limits import REASON_MAX, TEXT_MAX, first_error, free_text
from lianbing.engine import taxonomy

from .models import TrainingPlan
from .selectors.plans import key_tasks
from .services.plans import (
    GOAL_MEASURE_MAX,
    GOAL_TASK_MAX,
    MILESTONE_TITLE_MAX,
    GoalInput,
    MilestoneInput,
)

_TEXT = {"class": "form-control"}
GOALS = "goal"
MILESTONES = "milestone"
#: Values of the ``action`` button: add a row, or ``remove-<prefix>-<index>``.
ADD_GOAL = "add-goal"
ADD_MILESTONE = "add-milestone"
SAVE = "save"


class PlanForm(forms.Form):
    duties = free_text(
        _("岗位职责"), required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 5})
    )
    summary = free_text(
        _("练兵目标概述"), required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 2})
    )


class GoalForm(forms.Form):
    ability = forms.CharField(
        label=_("对应能力"),
        required=False,
        widget=forms.Select(
            choices=[("", _("（不限）")), *taxonomy.choices(taxonomy.ABILITIES)],
            attrs={"class": "form-select"},
        ),
    )
    key_task = forms.CharField(label=_("对应重点任务"), required=False, max_length=GOAL_TASK_MAX)
    goal = free_text(_("目标"), required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 2}))
    measure = forms.CharField(
        label=_("衡量标准"),
        required=False,
        max_length=GOAL_MEASURE_MAX,
        widget=forms.TextInput(attrs={**_TEXT, "placeholder": _("如：走访农户不少于 50 户")}),
    )

    def __init__(self, *args: Any, tasks: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tasks = list(tasks or [])
        current = str(self["key_task"].value() or "")
        if current and current not in tasks:
            tasks.append(current)
        self.fields["key_task"].widget = forms.Select(
            choices=[("", _("（不限）")), *[(t, t) for t in tasks]],
            attrs={"class": "form-select"},
        )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(str(data.get(name) or "").strip() for name in self.fields)

    def to_input(self) -> GoalInput:
        data = self.cleaned_data
        return GoalInput(
            goal=data.get("goal") or "",
            ability=data.get("ability") or "",
            key_task=data.get("key_task") or "",
            measure=data.get("measure") or "",
        )


class MilestoneForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("节点"),
        required=False,
        max_length=MILESTONE_TITLE_MAX,
        widget=forms.TextInput(attrs=_TEXT),
    )
    due_on = forms.DateField(
        label=_("完成时限"),
        required=False,
        widget=forms.DateInput(attrs={**_TEXT, "type": "date"}, format="%Y-%m-%d"),
    )
    detail = free_text(
        _("内容"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 1}),
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(n) for n in ("title", "due_on", "detail"))

    def to_input(self) -> MilestoneInput:
        data = self.cleaned_data
        return MilestoneInput(
            title=data.get("title") or "",
            due_on=data.get("due_on"),
            detail=data.get("detail") or "",
            id=data.get("id"),
        )


GoalFormSet = forms.formset_factory(GoalForm, extra=0)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=0)


def _rows(data: QueryDict, prefix: str, fields: list[str]) -> list[dict[str, str]]:
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", "0")), 1000)
    except ValueError:
        total = 0
    return [{f: data.get(f"{prefix}-{k}-{f}", "") for f in fields} for k in range(total)]


def _write_rows(data: QueryDict, prefix: str, rows: list[dict[str, str]]) -> None:
    for key in [k for k in data if k.startswith(f"{prefix}-")]:
        del data[key]
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = "0"
    for k, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{k}-{name}"] = value


class PlanEditor:
    """The three parts of the edit form, bound to the request or filled from the draft."""

    def __init__(self, plan: TrainingPlan, data: QueryDict | None = None) -> None:
        self.plan = plan
        self.action = SAVE
        #: The service's messages when it refused the posted plan.
        self.problems: list[str] = []
        tasks = key_tasks(plan.secondment.post)
        if data is None:
            goals = [
                {
                    "ability": g.ability,
                    "key_task": g.key_task,
                    "goal": g.goal,
                    "measure": g.measure,
                }
                for g in plan.goals.all()
            ]
            milestones = [
                {"id": m.pk, "title": m.title, "due_on": m.due_on, "detail": m.detail}
                for m in plan.milestones.all()
            ]
            self.form = PlanForm(initial={"duties": plan.duties, "summary": plan.summary})
            self.goals = GoalFormSet(prefix=GOALS, initial=goals, form_kwargs={"tasks": tasks})
            self.milestones = MilestoneFormSet(prefix=MILESTONES, initial=milestones)
            return
        data = data.copy()
        self.action = str(data.pop("action", [SAVE])[-1])
        self._apply(data)
        self.form = PlanForm(data)
        self.goals = GoalFormSet(data, prefix=GOALS, form_kwargs={"tasks": tasks})
        self.milestones = MilestoneFormSet(data, prefix=MILESTONES)

    def _apply(self, data: QueryDict) -> None:
        """Add or remove a row in the posted data (before the forms read it)."""
        for prefix, form in ((GOALS, GoalForm), (MILESTONES, MilestoneForm)):
            fields = list(form.base_fields)
            rows = _rows(data, prefix, fields)
            if self.action == f"add-{prefix}":
                rows.append(dict.fromkeys(fields, ""))
            elif self.action.startswith(f"remove-{prefix}-"):
                index = self.action.removeprefix(f"remove-{prefix}-")
                if index.isdigit() and int(index) < len(rows):
                    del rows[int(index)]
            _write_rows(data, prefix, rows)

    @property
    def saving(self) -> bool:
        return self.action == SAVE

    def is_valid(self) -> bool:
        return all(f.is_valid() for f in (self.form, self.goals, self.milestones))

    def inputs(self) -> dict[str, Any]:
        """The service's keyword arguments (after :meth:`is_valid`); blank rows are left out."""
        return {
            "duties": self.form.cleaned_data.get("duties") or "",
            "summary": self.form.cleaned_data.get("summary") or "",
            "goals": [f.to_input() for f in self.goals if not f.is_blank()],
            "milestones": [f.to_input() for f in self.milestones if not f.is_blank()],
        }


class ReturnForm(forms.Form):
    """The department's reason for returning a version (the service requires it)."""

    reason = free_text(_("退回理由"), max_length=REASON_MAX, required=False)


class CommentForm(forms.Form):
    text = free_text(_("意见"), required=False)


def text_of(form: ReturnForm | CommentForm, name: str) -> tuple[str, str]:
    """The posted text and the form's error for it ("" when none)."""
    if form.is_valid():
        return str(form.cleaned_data.get(name) or ""), ""
    return "", first_error(form, name)
