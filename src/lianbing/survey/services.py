"""Writes of the demand survey: rounds, filing, review and conversion into posts.

Every rule a demand must obey is checked here, before anything is written, and
a broken rule raises :class:`DemandError` with a Chinese sentence that says
what to do; the views show that sentence and nothing changes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lianbing.demand import services as demand_services
from lianbing.demand.models import Post, Program
from lianbing.engine import taxonomy
from lianbing.people import versioning
from lianbing.people.models import Unit

from . import adapters, selectors
from .models import Demand, DemandAbility, DemandStatus, Priority, SurveyRound, split_tags

EDITABLE = (DemandStatus.DRAFT, DemandStatus.RETURNED)


class DemandError(Exception):
    """A demand or survey request that breaks a rule; the message is Chinese and says what to do."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class DemandInput:
    """What a host-unit contact fills in. ``category`` and abilities accept codes or labels."""

    title: str
    key_task: str
    category: str
    seats: int
    duration_months: int
    duties: str = ""
    expertise_needed: str = ""
    tags: str = ""
    abilities: tuple[tuple[str, float], ...] = ()
    priority: int = Priority.NORMAL
    current_staffing: int = 0


def _deadline_text(survey_round: SurveyRound) -> str:
    local = timezone.localtime(survey_round.deadline_at)
    return date_format(local, "Y年n月j日 H:i")


def _check_open(survey_round: SurveyRound, now: datetime.datetime | None) -> None:
    if (now or timezone.now()) > survey_round.deadline_at:
        raise DemandError(
            _(
                "“%(name)s”的填报已于 %(deadline)s 截止，不能再填报或修改需求。如确需补报，请联系组织部干部科。"
            )
            % {"name": survey_round.name, "deadline": _deadline_text(survey_round)}
        )


def _validated(data: DemandInput) -> dict[str, Any]:
    """The model fields of a demand from the contact's input, or DemandError."""
    if not data.title.strip():
        raise DemandError(_("请填写岗位名称。"), "title")
    if not data.key_task.strip():
        raise DemandError(_("请填写重点任务：说明这个岗位要完成的主要工作。"), "key_task")
    try:
        category = taxonomy.category(data.category).code
    except taxonomy.UnknownTermError:
        raise DemandError(
            _("类别“%(value)s”不是五大类别之一，请从%(labels)s中选择。")
            % {"value": data.category, "labels": "、".join(taxonomy.CATEGORY_LABELS)},
            "category",
        ) from None
    if data.seats < 1:
        raise DemandError(_("名额至少为 1 人，请修改名额。"), "seats")
    low, high = taxonomy.DURATION_MIN_MONTHS, taxonomy.DURATION_MAX_MONTHS
    if not low <= data.duration_months <= high:
        raise DemandError(
            _("练兵期限须在 %(low)s 到 %(high)s 个月之间，请修改练兵期限。")
            % {"low": low, "high": high},
            "duration_months",
        )
    if data.current_staffing < 0:
        raise DemandError(_("现有人数不能为负数。"), "current_staffing")
    if data.priority not in Priority.values:
        raise DemandError(_("请选择紧迫程度。"), "priority")
    return {
        "title": data.title.strip(),
        "key_task": data.key_task.strip(),
        "duties": data.duties.strip(),
        "expertise_needed": data.expertise_needed.strip(),
        "tags": "、".join(split_tags(data.tags)),
        "category": category,
        "seats": data.seats,
        "duration_months": data.duration_months,
        "priority": data.priority,
        "current_staffing": data.current_staffing,
    }


def _abilities(data: DemandInput) -> dict[str, Decimal]:
    weights: dict[str, Decimal] = {}
    for key, weight in data.abilities:
        try:
            code = taxonomy.ability(key).code
        except taxonomy.UnknownTermError:
            raise DemandError(
                _("能力“%(value)s”不是七种能力之一。") % {"value": key}, "abilities"
            ) from None
        if not weight > 0:
            raise DemandError(_("核心能力的权重必须大于 0。"), "abilities")
        weights[code] = Decimal(str(round(weight, 1)))
    return weights


def _save(demand: Demand) -> None:
    """Every change of a demand takes a new version, so an edit form loaded before it is stale."""
    if demand.pk is not None:
        demand.version += 1
    demand.full_clean()
    demand.save()


def _write(demand: Demand, fields: dict[str, Any], abilities: dict[str, Decimal]) -> None:
    for name, value in fields.items():
        setattr(demand, name, value)
    demand.full_clean()
    demand.save()
    demand.abilities.all().delete()
    for code, weight in abilities.items():
        row = DemandAbility(demand=demand, ability=code, weight=weight)
        row.full_clean()
        row.save()


@transaction.atomic
def survey_round_create(
    *,
    name: str,
    deadline_at: datetime.datetime,
    program: Program | None = None,
    note: str = "",
) -> SurveyRound:
    """Open a survey round with its filing deadline."""
    if not name.strip():
        raise DemandError(_("请填写调研名称。"), "name")
    if SurveyRound.objects.filter(name=name.strip()).exists():
        raise DemandError(_("已有同名的需求调研，请换一个名称。"), "name")
    survey_round = SurveyRound(
        name=name.strip(), deadline_at=deadline_at, program=program, note=note.strip()
    )
    survey_round.full_clean()
    survey_round.save()
    return survey_round


@transaction.atomic
def demand_create(
    *,
    survey_round: SurveyRound,
    unit: Unit,
    filed_by: Any,
    data: DemandInput,
    submit: bool = False,
    now: datetime.datetime | None = None,
) -> Demand:
    """File a demand of ``unit`` in an open round, as a draft or submitted at once."""
    _check_open(survey_round, now)
    if not unit.is_host:
        raise DemandError(_("只有镇街道和市级平台可以填报人才需求。"))
    fields = _validated(data)
    abilities = _abilities(data)
    demand = Demand(survey_round=survey_round, unit=unit, filed_by=filed_by)
    if submit:
        fields |= {"status": DemandStatus.SUBMITTED, "submitted_at": now or timezone.now()}
    _write(demand, fields, abilities)
    return demand


def _locked(demand: Demand) -> Demand:
    return (
        Demand.objects.select_for_update(of=("self",))
        .select_related("survey_round", "unit")
        .get(pk=demand.pk)
    )


@transaction.atomic
def demand_update(
    *,
    demand: Demand,
    data: DemandInput,
    version: int | None = None,
    token: str = "",
    submit: bool = False,
    now: datetime.datetime | None = None,
) -> Demand:
    """Change a draft or returned demand; ``submit`` hands it to the department.

    ``version`` and ``token`` are those the edit form was loaded with: if
    someone saved the demand since, :class:`versioning.RecordChangedError`
    says what they changed and nothing is written. Without a ``version``
    (a caller that read the demand in this transaction) the save just takes
    the next version.
    """
    current = _locked(demand)
    versioning.version_claim(
        instance=current,
        version=current.version if version is None else version,
        token=token,
        values_of=selectors.demand_edit_values,
    )
    if current.status not in EDITABLE:
        raise DemandError(
            _("该需求%(status)s，不能再修改。如需修改，请联系组织部干部科退回。")
            % {"status": current.get_status_display()}
        )
    _check_open(current.survey_round, now)
    fields = _validated(data)
    abilities = _abilities(data)
    if submit:
        fields |= {"status": DemandStatus.SUBMITTED, "submitted_at": now or timezone.now()}
    _write(current, fields, abilities)
    return current


@transaction.atomic
def demand_submit(*, demand: Demand, now: datetime.datetime | None = None) -> Demand:
    """Hand a draft or returned demand to the department; it is final until returned."""
    current = _locked(demand)
    if current.status not in EDITABLE:
        raise DemandError(
            _("该需求%(status)s，不能重复提交。") % {"status": current.get_status_display()}
        )
    _check_open(current.survey_round, now)
    current.status = DemandStatus.SUBMITTED
    current.submitted_at = now or timezone.now()
    _save(current)
    return current


@transaction.atomic
def demand_return(*, demand: Demand, comment: str, now: datetime.datetime | None = None) -> Demand:
    """Send a submitted demand back to its unit with a comment saying what to change."""
    current = _locked(demand)
    if current.status not in (DemandStatus.SUBMITTED, DemandStatus.ACCEPTED):
        raise DemandError(
            _("只能退回已提交或已采纳的需求，该需求%(status)s。")
            % {"status": current.get_status_display()}
        )
    if not comment.strip():
        raise DemandError(_("请填写退回意见，告诉用人单位需要修改什么。"), "comment")
    current.status = DemandStatus.RETURNED
    current.return_comment = comment.strip()
    current.reviewed_at = now or timezone.now()
    _save(current)
    return current


@transaction.atomic
def demand_accept(*, demand: Demand, now: datetime.datetime | None = None) -> Demand:
    """Accept a submitted demand, ready to become a post."""
    current = _locked(demand)
    if current.status != DemandStatus.SUBMITTED:
        raise DemandError(
            _("只能采纳已提交的需求，该需求%(status)s。") % {"status": current.get_status_display()}
        )
    current.status = DemandStatus.ACCEPTED
    current.return_comment = ""
    current.reviewed_at = now or timezone.now()
    _save(current)
    return current


def _post_code(program: Program) -> str:
    """The next post code of the program in its own series (P001, P002, ... P101)."""
    numbers = [
        int(code[1:])
        for code in Post.objects.filter(program=program, code__regex=r"^P[0-9]+$").values_list(
            "code", flat=True
        )
    ]
    return f"P{max(numbers, default=0) + 1:03d}"


def _convert_one(demand: Demand, program: Program) -> Post:
    if demand.status == DemandStatus.CONVERTED:
        where = f"（{demand.post.code}）" if demand.post else ""
        raise DemandError(
            _("需求“%(title)s”已转为岗位%(where)s，不能重复转换。")
            % {"title": demand.title, "where": where}
        )
    if demand.status != DemandStatus.ACCEPTED:
        raise DemandError(
            _("需求“%(title)s”%(status)s，只有已采纳的需求才能转为岗位。")
            % {"title": demand.title, "status": demand.get_status_display()}
        )
    code = _post_code(program)
    if Post.objects.filter(program=program, code=code).exists():
        raise DemandError(
            _("批次“%(program)s”中已有编号为 %(code)s 的岗位，请先核对该岗位。")
            % {"program": program.name, "code": code}
        )
    post = demand_services.post_create(
        program=program, profile=adapters.post_profile(demand, code=code), unit=demand.unit
    )
    demand.post = post
    demand.status = DemandStatus.CONVERTED
    _save(demand)
    return post


def _program_for(survey_round: SurveyRound, program: Program | None) -> Program:
    target = program or survey_round.program
    if target is None:
        raise DemandError(_("请先选择要转入的练兵批次。"), "program")
    return target


@transaction.atomic
def demand_link_post(*, demand: Demand, post: Post, now: datetime.datetime | None = None) -> Demand:
    """Record that an accepted demand is met by a post that already exists.

    For posts set up before the survey or imported from the department's
    spreadsheets: the post then shows the demand it answers, as a converted one.
    """
    current = _locked(demand)
    if current.status != DemandStatus.ACCEPTED:
        raise DemandError(
            _("只能为已采纳的需求关联岗位，该需求%(status)s。")
            % {"status": current.get_status_display()}
        )
    if post.unit_id != current.unit_id:
        raise DemandError(_("岗位与需求不属于同一单位，不能关联。"))
    if Demand.objects.filter(post=post).exclude(pk=current.pk).exists():
        raise DemandError(_("该岗位已关联其他需求。"))
    current.status = DemandStatus.CONVERTED
    current.post = post
    current.reviewed_at = current.reviewed_at or now or timezone.now()
    _save(current)
    return current


@transaction.atomic
def demand_convert(*, demand: Demand, program: Program | None = None) -> Post:
    """Turn one accepted demand into a post of the program (default: the round's program)."""
    current = (
        Demand.objects.select_for_update(of=("self",))
        .select_related("survey_round__program", "unit", "post")
        .prefetch_related("abilities")
        .get(pk=demand.pk)
    )
    return _convert_one(current, _program_for(current.survey_round, program))


@transaction.atomic
def demands_convert(
    *, survey_round: SurveyRound, demand_ids: Sequence[int], program: Program | None = None
) -> list[Post]:
    """Turn several accepted demands of a round into posts, all or none.

    Raises :class:`DemandError` naming the first demand that cannot be
    converted (not accepted, already converted, not in this round); then no
    post is created.
    """
    target = _program_for(survey_round, program)
    if not demand_ids:
        raise DemandError(_("请先勾选要转为岗位的需求。"))
    demands = list(
        Demand.objects.select_for_update(of=("self",))
        .filter(survey_round=survey_round, pk__in=list(demand_ids))
        .select_related("unit", "post", "survey_round")
        .prefetch_related("abilities")
        .order_by("unit__name", "id")
    )
    if len(demands) != len(set(demand_ids)):
        raise DemandError(_("所选需求中有不属于本次调研的，请刷新页面后重新勾选。"))
    return [_convert_one(demand, target) for demand in demands]


@transaction.atomic
def demand_save(
    *,
    demand: Demand,
    version: int | None,
    token: str,
    values_of: Callable[[Demand], versioning.Values],
) -> Demand:
    """Save a demand edited in the admin form loaded at ``version``; refused if someone saved since."""
    return versioning.versioned_save(
        instance=demand, version=version, token=token, values_of=values_of
    )
