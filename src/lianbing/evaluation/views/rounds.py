"""考察轮次: rounds, their form and status, inspection teams, and rating with an account."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles
from lianbing.accounts.query_params import id_param, positive_id

from .. import access
from ..models import ConflictKind, FormItem, ItemKind, RaterKind, RoundStatus
from ..selectors import rounds as selectors
from ..services import rounds as services

#: Roles that see the round list: the department, the auditor and account raters.
LIST_ROLES = (Role.STAFF, Role.AUDITOR, *access.RATERS)

_ANCHOR_LINE = re.compile(r"^\s*(\d+)\s*[:：=、.．]\s*(.+?)\s*$")


class RoundCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("考察名称"), max_length=60)
    closes_on = forms.DateField(
        label=gettext_lazy("评价截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ItemForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("评价项目"),
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=ItemKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
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
        max_value=10,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    anchors = forms.CharField(
        label=gettext_lazy("行为锚定"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=gettext_lazy("每行一个等级，如“5：能主动走访群众、化解矛盾”"),
    )

    def clean_anchors(self) -> dict[str, str]:
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
        return anchors


def anchors_text(item: FormItem) -> str:
    return "\n".join(f"{level}：{text}" for level, text in item.anchors.items())


def _detail(round_id: int, anchor: str = "") -> HttpResponse:
    url = reverse("evaluation:round_detail", args=[round_id])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _team(round_id: int, team_id: int) -> HttpResponse:
    return redirect(reverse("evaluation:round_team", args=[round_id, team_id]))


@require_roles(*LIST_ROLES)
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    data = selectors.round_list(request.user)
    return render(
        request,
        "evaluation/rounds_list.html",
        {
            "data": data,
            "form": RoundCreateForm(),
            "can_manage": access.is_department(request.user),
        },
    )


@require_roles(Role.STAFF)
@require_POST
def round_create(request: HttpRequest) -> HttpResponse:
    program = selectors.program_of(id_param(request, "program", post_too=True))
    form = RoundCreateForm(request.POST)
    if program is None or not form.is_valid():
        messages.error(request, _("请选择练兵批次并填写考察名称和评价截止日期。"))
        return redirect("evaluation:round_list")
    try:
        round_ = services.round_create(program=program, by=request.user, **form.cleaned_data)
    except services.RoundError as error:
        messages.error(request, error.message)
        return redirect("evaluation:round_list")
    messages.success(
        request,
        _("已创建“%(name)s”，评价表已按默认项目生成，可在开始前修改。") % {"name": round_.name},
    )
    return _detail(round_.pk)


@require_roles(Role.STAFF, Role.AUDITOR)
@require_GET
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    page = selectors.round_page(access.access_round(request.user, round_id))
    items = [
        (item, ItemForm(initial=_item_initial(item), prefix=f"i{item.pk}")) for item in page.items
    ]
    return render(
        request,
        "evaluation/rounds_detail.html",
        {
            "page": page,
            "items": items,
            "new_item": ItemForm(initial={"scale_min": 1, "scale_max": 5}, prefix="new"),
            "can_manage": access.is_department(request.user),
            "statuses": RoundStatus,
        },
    )


def _item_initial(item: FormItem) -> dict[str, Any]:
    return {
        "label": item.label,
        "kind": item.kind,
        "scale_min": item.scale_min,
        "scale_max": item.scale_max,
        "anchors": anchors_text(item),
    }


@require_roles(Role.STAFF)
@require_POST
def round_status(request: HttpRequest, round_id: int) -> HttpResponse:
    """The first POST shows what the change means; the POST from that page makes it."""
    round_ = access.access_round(request.user, round_id)
    to = request.POST.get("to", "")
    if request.POST.get("confirm") != "1":
        if to not in (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.RELEASED):
            messages.error(request, _("无法识别的状态变更。"))
            return _detail(round_.pk)
        return render(
            request,
            "evaluation/rounds_confirm.html",
            {"round": round_, "to": RoundStatus(to), "statuses": RoundStatus},
        )
    try:
        round_ = services.round_transition(round_=round_, to=to, by=request.user)
    except services.RoundError as error:
        messages.error(request, error.message)
        return _detail(round_.pk)
    messages.success(
        request,
        _("“%(name)s”已改为“%(status)s”。")
        % {"name": round_.name, "status": round_.get_status_display()},
    )
    return _detail(round_.pk)


@require_roles(Role.STAFF)
@require_POST
def item_save(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    item_id = id_param(request, "item", post_too=True)
    item = selectors.item_of(round_, item_id) if item_id else None
    form = ItemForm(request.POST, prefix=f"i{item.pk}" if item else "new")
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, _("评价项目未保存：") + " ".join(errors))
        return _detail(round_.pk, "form")
    try:
        saved = services.form_item_save(
            round_=round_, item=item, by=request.user, **form.cleaned_data
        )
    except services.RoundError as error:
        messages.error(request, error.message)
        return _detail(round_.pk, "form")
    messages.success(request, _("已保存评价项目“%(label)s”。") % {"label": saved.label})
    return _detail(round_.pk, "form")


@require_roles(Role.STAFF)
@require_POST
def item_remove(request: HttpRequest, round_id: int, item_id: int) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    item = selectors.item_of(round_, item_id)
    try:
        services.form_item_remove(round_=round_, item=item, by=request.user)
    except services.RoundError as error:
        messages.error(request, error.message)
        return _detail(round_.pk, "form")
    messages.success(request, _("已删除评价项目“%(label)s”。") % {"label": item.label})
    return _detail(round_.pk, "form")


@require_roles(Role.STAFF)
@require_POST
def team_create(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    name = request.POST.get("name", "").strip()
    if not name:
        messages.error(request, _("请填写考察组名称。"))
        return _detail(round_.pk, "teams")
    try:
        team = services.team_create(round_=round_, name=name, by=request.user)
    except services.RoundError as error:
        messages.error(request, error.message)
        return _detail(round_.pk, "teams")
    messages.success(request, _("已建立%(name)s，请添加考察对象和成员。") % {"name": team.name})
    return _team(round_.pk, team.pk)


@require_roles(Role.STAFF, Role.AUDITOR)
@require_GET
def round_team(request: HttpRequest, round_id: int, team_id: int) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    page = selectors.team_page(round_, selectors.team_of(round_, team_id))
    return render(
        request,
        "evaluation/rounds_team.html",
        {
            "page": page,
            "can_manage": access.is_department(request.user) and page.editable,
            "kinds": RaterKind,
            "conflict_kinds": ConflictKind.choices,
        },
    )


@require_roles(Role.STAFF)
@require_POST
def team_cover(request: HttpRequest, round_id: int, team_id: int) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    team = selectors.team_of(round_, team_id)
    secondment = selectors.current_secondment(
        round_, id_param(request, "secondment", post_too=True)
    )
    if secondment is None:
        messages.error(request, _("请选择本批次当前在岗练兵的干部。"))
        return _team(round_.pk, team.pk)
    try:
        if request.POST.get("action") == "remove":
            services.team_uncover(team=team, secondment=secondment, by=request.user)
            messages.success(
                request, _("已将%(name)s移出本组考察范围。") % {"name": secondment.cadre.name}
            )
        else:
            warnings = services.team_cover(team=team, secondment=secondment, by=request.user)
            messages.success(request, _("本组已覆盖%(name)s。") % {"name": secondment.cadre.name})
            for warning in warnings:
                messages.warning(request, warning)
    except services.RoundError as error:
        messages.error(request, error.message)
    return _team(round_.pk, team.pk)


@require_roles(Role.STAFF)
@require_POST
def member_add(request: HttpRequest, round_id: int, team_id: int) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    team = selectors.team_of(round_, team_id)
    kind = request.POST.get("kind", "")
    try:
        added = services.member_add(
            team=team,
            kind=kind,
            by=request.user,
            mentor=selectors.mentor_choice(positive_id(request.POST.get("mentor"))),
            user=selectors.inspector_choice(positive_id(request.POST.get("account"))),
            name=request.POST.get("name", ""),
            unit=request.POST.get("unit", ""),
        )
    except services.RoundError as error:
        messages.error(request, error.message)
        return _team(round_.pk, team.pk)
    messages.success(request, _("已添加成员%(name)s。") % {"name": added.member})
    for warning in added.warnings:
        messages.warning(request, warning)
    return _team(round_.pk, team.pk)


@require_roles(Role.STAFF)
@require_POST
def member_remove(
    request: HttpRequest, round_id: int, team_id: int, member_id: int
) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    team = selectors.team_of(round_, team_id)
    member = selectors.member_of(team, member_id)
    try:
        services.member_remove(member=member, by=request.user)
    except services.RoundError as error:
        messages.error(request, error.message)
        return _team(round_.pk, team.pk)
    messages.success(request, _("已将%(name)s移出考察组。") % {"name": member.name})
    return _team(round_.pk, team.pk)


@require_roles(Role.STAFF)
@require_POST
def conflict_declare(request: HttpRequest, round_id: int, team_id: int) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    team = selectors.team_of(round_, team_id)
    member_id = id_param(request, "member", post_too=True)
    secondment = selectors.current_secondment(
        round_, id_param(request, "secondment", post_too=True)
    )
    if member_id is None or secondment is None:
        messages.error(request, _("请选择申报回避的成员和干部。"))
        return _team(round_.pk, team.pk)
    member = selectors.member_of(team, member_id)
    try:
        conflict = services.conflict_declare(
            member=member,
            secondment=secondment,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
            by=request.user,
        )
    except services.RoundError as error:
        messages.error(request, error.message)
        return _team(round_.pk, team.pk)
    messages.success(
        request,
        _("已登记回避：%(member)s不评价%(cadre)s。")
        % {"member": member.name, "cadre": conflict.secondment.cadre.name},
    )
    return _team(round_.pk, team.pk)


@require_roles(Role.STAFF)
@require_POST
def conflict_withdraw(
    request: HttpRequest, round_id: int, team_id: int, conflict_id: int
) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    team = selectors.team_of(round_, team_id)
    conflict = selectors.conflict_of(team, conflict_id)
    services.conflict_withdraw(conflict=conflict, by=request.user)
    messages.success(request, _("已撤销该回避申报。"))
    return _team(round_.pk, team.pk)


@require_roles(*access.RATERS)
@require_GET
def rate(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    rows = selectors.rate_list(request.user, round_)
    return render(request, "evaluation/rounds_rate_list.html", {"round": round_, "rows": rows})


@require_roles(*access.RATERS)
@require_http_methods(["GET", "POST"])
def rate_trainee(request: HttpRequest, round_id: int, secondment_id: int) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    page = selectors.rate_form(request.user, round_, secondment_id)
    chosen: dict[str, str] = {}
    comment = ""
    if request.method == "GET" and page.mine is not None:
        messages.info(request, _("您已评价过该干部。"))
        return redirect("evaluation:rate", round_.pk)
    if request.method == "GET" and not page.rateable:
        messages.error(request, _("本轮考察不在评价期内，或您已申报回避，不能评价这名干部。"))
        return redirect("evaluation:rate", round_.pk)
    if request.method == "POST":
        chosen = {item.code: request.POST.get(item.code, "") for item in page.items}
        comment = request.POST.get("comment", "")[:2000]
        scores = {code: int(v) for code, v in chosen.items() if v.isascii() and v.isdigit()}
        try:
            services.rating_submit(
                round_=round_,
                secondment=page.secondment,
                scores=scores,
                comment=comment,
                by=request.user,
            )
        except services.AlreadyRated as error:
            messages.error(request, error.message)
            return redirect("evaluation:rate", round_.pk)
        except services.RoundError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("已提交对%(name)s的评价，谢谢。") % {"name": page.secondment.cadre.name}
            )
            return redirect("evaluation:rate", round_.pk)
    rows = [
        (
            item,
            [
                (level, item.anchors.get(str(level), ""), chosen.get(item.code) == str(level))
                for level in range(item.scale_min, item.scale_max + 1)
            ],
        )
        for item in page.items
    ]
    return render(
        request,
        "evaluation/rounds_rate_form.html",
        {"page": page, "rows": rows, "comment": comment},
    )


urlpatterns = [
    path("", round_list, name="round_list"),
    path("create/", round_create, name="round_create"),
    path("<int:round_id>/", round_detail, name="round_detail"),
    path("<int:round_id>/status/", round_status, name="round_status"),
    path("<int:round_id>/items/", item_save, name="item_save"),
    path("<int:round_id>/items/<int:item_id>/remove/", item_remove, name="item_remove"),
    path("<int:round_id>/teams/", team_create, name="team_create"),
    path("<int:round_id>/teams/<int:team_id>/", round_team, name="round_team"),
    path("<int:round_id>/teams/<int:team_id>/cover/", team_cover, name="team_cover"),
    path("<int:round_id>/teams/<int:team_id>/members/", member_add, name="member_add"),
    path(
        "<int:round_id>/teams/<int:team_id>/members/<int:member_id>/remove/",
        member_remove,
        name="member_remove",
    ),
    path(
        "<int:round_id>/teams/<int:team_id>/conflicts/", conflict_declare, name="conflict_declare"
    ),
    path(
        "<int:round_id>/teams/<int:team_id>/conflicts/<int:conflict_id>/withdraw/",
        conflict_withdraw,
        name="conflict_withdraw",
    ),
    path("<int:round_id>/rate/", rate, name="rate"),
    path("<int:round_id>/rate/<int:secondment_id>/", rate_trainee, name="rate_trainee"),
]
