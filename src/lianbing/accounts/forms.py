"""Forms of the account pages (labels and errors in Chinese)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from lianbing.people.models import Cadre, Mentor, Unit

from .models import AuditAction, AuditResult, Role
from .selectors import AuditFilter


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("账号"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AuditAction.choices]
    )
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=100)
    result = forms.ChoiceField(
        label=_("结果"), required=False, choices=[("", _("全部")), *AuditResult.choices]
    )
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filters(self) -> AuditFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return AuditFilter(
            username=data.get("username", ""),
            action=data.get("action", ""),
            object_type=data.get("object_type", ""),
            result=data.get("result", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("6 位验证码"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class CadreByCodeField(forms.CharField):
    """A cadre named by its 编号: the page never lists the cadres' names.

    The security administrator may not read cadre profiles; a drop-down of
    every cadre would show them the whole register's names anyway.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=32, **kwargs)

    def clean(self, value: Any) -> Cadre | None:
        code = super().clean(value).strip()
        if not code:
            return None
        cadre = Cadre.objects.filter(code=code).first()
        if cadre is None:
            raise forms.ValidationError(
                _("找不到编号为“%(code)s”的干部：请向干部科核对编号。"), params={"code": code}
            )
        return cadre


class RoleGrantForm(forms.Form):
    user = forms.ModelChoiceField(label=_("账号"), queryset=get_user_model().objects.none())
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    unit = forms.ModelChoiceField(
        label=_("所属单位（用人单位联系人）"), queryset=Unit.objects.all(), required=False
    )
    mentor = forms.ModelChoiceField(
        label=_("导师（练兵导师）"), queryset=Mentor.objects.all(), required=False
    )
    cadre = CadreByCodeField(label=_("干部编号（练兵干部）"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Superusers are outside the role scheme; the security admin cannot touch them.
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            get_user_model().objects.filter(is_superuser=False).order_by("username")
        )
