"""Forms of the 练兵档案 page. They only parse input; every rule is in ``services.progress``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from lianbing.accounts.request_limits import max_request_bytes
from lianbing.accounts.text_limits import free_text
from lianbing.engine import taxonomy

from ..models import Milestone
from ..services.progress import (
    ACCEPT,
    ASSESSMENT_REMARK_MAX,
    COMMENT_MAX,
    attachment_max_bytes,
    attachments_max,
)

_TEXT = {"class": "form-control"}
_DATE = {"class": "form-control", "type": "date"}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.Field):
    """Several files under one name; the service checks each one."""

    widget = MultipleFileInput

    def to_python(self, data: Any) -> list[UploadedFile]:
        if not data:
            return []
        if isinstance(data, (list, tuple)):
            return [item for item in data if item]
        return [data]


class _DatedForm(forms.Form):
    def limit_dates(self, start: datetime.date, today: datetime.date) -> None:
        """Let the date picker offer only the days the service accepts."""
        attrs = self.fields["on"].widget.attrs
        attrs["min"] = start.isoformat()
        attrs["max"] = today.isoformat()


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
        error_messages={"invalid": _("请填写正确的日期，如 2026-05-15。")},
    )


class LogForm(_DatedForm):
    """A work log (练兵日志) with optional attachments."""

    on = _date_field(_("日期"))
    work = free_text(_("工作内容"), widget=forms.Textarea(attrs={**_TEXT, "rows": 3}))
    results = free_text(
        _("工作成效"),
        widget=forms.Textarea(attrs={**_TEXT, "rows": 2}),
        help_text=_("尽量用数字说明，如“走访农户 23 户，收集意见 12 条”。"),
    )
    attachments = MultipleFileField(
        label=_("附件（可选）"),
        required=False,
        widget=MultipleFileInput(attrs={"class": "form-control", "accept": ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "log_%s")
        super().__init__(*args, **kwargs)
        help_text = _(
            "PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx），每个不超过 %(mb)d MB，最多 %(count)d 个。"
        ) % {"mb": attachment_max_bytes() // 1048576, "count": attachments_max()}
        # The whole request is capped too (accounts.request_limits): say so when it binds first.
        total = max_request_bytes() // 1048576 - 1
        if total < attachment_max_bytes() * attachments_max() // 1048576:
            help_text += _("一次提交合计不超过 %(total)d MB。") % {"total": total}
        self.fields["attachments"].help_text = help_text


class MilestoneUpdateForm(_DatedForm):
    """The trainee's progress on one milestone of the approved plan."""

    # Any milestone id is read; the service accepts only one of the approved plan.
    milestone = forms.IntegerField(
        label=_("节点"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("请选择一个节点。"), "invalid": _("请选择一个节点。")},
    )
    on = _date_field(_("日期"))
    note = free_text(
        _("进展"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={**_TEXT, "rows": 2})
    )
    done = forms.BooleanField(
        label=_("该节点已完成"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "milestone_%s")
        super().__init__(*args, **kwargs)

    def offer(self, milestones: Iterable[Milestone]) -> None:
        """The milestones the select lists (those of the approved plan not yet done)."""
        widget = self.fields["milestone"].widget
        widget.choices = [(m.pk, f"{m.due_on:%Y-%m-%d} {m.title}") for m in milestones]


class CommentForm(forms.Form):
    """A comment on a work log."""

    text = free_text(
        _("点评"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 2, "placeholder": _("点评这篇日志")}),
    )


def score_field_name(code: str) -> str:
    return f"score_{code}"


class AssessmentForm(forms.Form):
    """The mentor's monthly assessment: the seven abilities and one sentence.

    Scores are read as text so the service can explain any value out of scale.
    """

    remark = free_text(
        _("本月评价（一句话）"),
        max_length=ASSESSMENT_REMARK_MAX,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 2}),
    )

    def __init__(self, *args: Any, scale: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "assessment_%s")
        super().__init__(*args, **kwargs)
        self.scale = scale
        for term in taxonomy.ABILITIES:
            self.fields[score_field_name(term.code)] = forms.CharField(
                label=term.label,
                required=False,
                widget=forms.NumberInput(
                    attrs={
                        "class": "form-control",
                        "min": 1,
                        "max": scale,
                        "step": 1,
                        "placeholder": f"1–{scale}",
                        "inputmode": "numeric",
                    }
                ),
            )
        self.order_fields([*(score_field_name(t.code) for t in taxonomy.ABILITIES), "remark"])

    def scores(self) -> dict[str, str]:
        return {
            term.code: self.cleaned_data.get(score_field_name(term.code), "")
            for term in taxonomy.ABILITIES
        }

    def score_fields(self) -> list[Any]:
        return [self[score_field_name(term.code)] for term in taxonomy.ABILITIES]
