"""Writes of evaluation rounds: the form, the status, the inspection teams and account ratings.

Rules:

- A round is created with the default form (:data:`DEFAULT_FORM`): the seven
  abilities, 现实表现 and 岗位适应 on 1-5 with behavioural anchors.
- The form is edited only while the round is 准备中 and has no rating; a round
  with ratings keeps its form.
- 准备中 → 评价中 needs a team covering at least one trainee with at least one
  member; then 评价中 → 已结束 → 已发布 (trainees see their records).
- Teams are built while the round is 准备中 or 评价中. A declared conflict
  (回避) keeps the member away from the trainee; adding a member or covering a
  trainee reports the conflicts it meets, and a conflict the same person
  declared in another team is carried over. A mentor is never in conflict with
  their own trainee: they are expected to rate them.
- A rating is one per rater and trainee (database constraint). The round's
  status and the rater's conflicts are checked again when it is submitted.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.accounts import audit
from lianbing.accounts.models import AuditAction, Profile, Role
from lianbing.accounts.roles import roles_of
from lianbing.demand.models import Program
from lianbing.engine import taxonomy
from lianbing.people.models import Mentor
from lianbing.training.models import Secondment

from ..access import is_department, memberships, rateable_secondments
from ..models import (
    Conflict,
    ConflictKind,
    EvaluationRound,
    FormItem,
    InspectionTeam,
    ItemKind,
    RaterKind,
    Rating,
    RoundStatus,
    TeamMember,
)
from ..selectors.rounds import open_problems


class RoundError(Exception):
    """A request the rules refuse; ``message`` says what to do, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AlreadyRated(RoundError):
    """The rater has rated this trainee already; the first rating stands."""


@dataclass(frozen=True)
class ItemSpec:
    code: str
    label: str
    kind: str
    anchors: Mapping[str, str]


#: Behavioural anchors of the default form for levels 1, 3 and 5, by item code.
_ANCHORS: dict[str, dict[str, str]] = {
    "political": {
        "1": "政治站位不够高，对上级决策部署理解不深、执行打折扣",
        "3": "能对标对表上级决策部署，政治纪律和政治规矩意识较强",
        "5": "政治判断力、领悟力、执行力强，在急难险重任务中敢于担当",
    },
    "research": {
        "1": "很少深入基层，情况掌握不全，提出的问题流于表面",
        "3": "能按要求开展调研，掌握基本情况，调研报告有一定参考价值",
        "5": "经常蹲点走访，摸清一线实情，调研成果转化为工作举措",
    },
    "decision": {
        "1": "遇事拿不定主意，或决定考虑不周、需要反复返工",
        "3": "能按程序收集意见、比较方案，作出较为合理的决定",
        "5": "统筹兼顾、权衡利弊，决定科学合理，执行效果好",
    },
    "reform": {
        "1": "安于现状，遇到难题绕着走，缺少改进办法",
        "3": "能落实改革任务，对分管工作提出一些改进办法",
        "5": "敢啃硬骨头，主动破解难题，推动的改革事项见到实效",
    },
    "emergency": {
        "1": "遇突发情况慌乱，处置不及时，需要他人兜底",
        "3": "能按预案处置一般突发事件，及时报告、配合到位",
        "5": "临危不乱、靠前指挥，处置果断稳妥，事后总结到位",
    },
    "mass_work": {
        "1": "与群众接触少，说话办事群众不认可，矛盾容易激化",
        "3": "能听取群众意见，办理群众诉求，群众基本满意",
        "5": "能主动走访群众、化解矛盾，群众认可度高",
    },
    "execution": {
        "1": "工作拖拉，交办事项经常逾期或需反复催办",
        "3": "能按时完成交办任务，质量基本达到要求",
        "5": "雷厉风行、一抓到底，任务完成质量高、有亮点",
    },
    "performance": {
        "1": "工作态度一般，纪律作风有明显不足，同事群众有意见",
        "3": "履职尽责，遵规守纪，工作表现良好",
        "5": "实绩突出、作风过硬，在单位和群众中口碑好，可为表率",
    },
    "adaptation": {
        "1": "对新岗位职责不熟悉，难以独立开展工作",
        "3": "基本熟悉岗位职责，能在指导下独立开展工作",
        "5": "很快进入角色，能独当一面，承担岗位重点任务",
    },
}

#: The default form of a new round.
DEFAULT_FORM: tuple[ItemSpec, ...] = (
    *(
        ItemSpec(term.code, term.label, ItemKind.ABILITY, _ANCHORS[term.code])
        for term in taxonomy.ABILITIES
    ),
    ItemSpec("performance", "现实表现", ItemKind.PERFORMANCE, _ANCHORS["performance"]),
    ItemSpec("adaptation", "岗位适应", ItemKind.ADAPTATION, _ANCHORS["adaptation"]),
)

#: Allowed transitions: target status -> the status it comes from.
_TRANSITIONS = {
    RoundStatus.OPEN: RoundStatus.DRAFT,
    RoundStatus.CLOSED: RoundStatus.OPEN,
    RoundStatus.RELEASED: RoundStatus.CLOSED,
}


def _require_department(user: Any) -> None:
    if not is_department(user):
        raise PermissionDenied(_("只有组织部干部科可以管理考察轮次和考察组。"))


def _clean_save(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise RoundError("；".join(error.messages)) from error
    obj.save()


def _lock(round_: EvaluationRound) -> EvaluationRound:
    # Status changes, form edits and ratings of one round do not interleave.
    return EvaluationRound.objects.select_for_update().get(pk=round_.pk)


# --- Rounds and the form -------------------------------------------------


@transaction.atomic
def round_create(
    *, program: Program, name: str, closes_on: datetime.date, by: Any
) -> EvaluationRound:
    """A new round of ``program`` in 准备中 with the default form."""
    _require_department(by)
    name = name.strip()
    if EvaluationRound.objects.filter(program=program, name=name).exists():
        raise RoundError(_("本批次已有名为“%(name)s”的考察，请换一个名称。") % {"name": name})
    round_ = EvaluationRound(program=program, name=name, closes_on=closes_on, created_by=by)
    _clean_save(round_)
    # One save per item (not bulk_create) so that each lands in the audit trail.
    for k, spec in enumerate(DEFAULT_FORM):
        FormItem.objects.create(
            round=round_,
            code=spec.code,
            label=spec.label,
            kind=spec.kind,
            anchors=dict(spec.anchors),
            position=k,
        )
    return round_


def _check_form_editable(round_: EvaluationRound) -> None:
    if round_.ratings.exists():
        raise RoundError(_("本轮考察已有评价，评价表不能再修改，以保证前后评价口径一致。"))
    if round_.status != RoundStatus.DRAFT:
        raise RoundError(_("评价表只能在考察开始前（准备中）修改。"))


def _clean_anchors(anchors: Mapping[str, str], scale_min: int, scale_max: int) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for level, text in anchors.items():
        text = text.strip()
        if not text:
            continue
        try:
            value = int(level)
        except ValueError as error:
            raise RoundError(_("行为锚定的分值“%(level)s”不是整数。") % {"level": level}) from error
        if not scale_min <= value <= scale_max:
            raise RoundError(
                _("行为锚定的分值 %(level)s 超出了量表 %(low)s–%(high)s，请修改。")
                % {"level": value, "low": scale_min, "high": scale_max}
            )
        cleaned[str(value)] = text
    return dict(sorted(cleaned.items(), key=lambda pair: int(pair[0])))


@transaction.atomic
def form_item_save(
    *,
    round_: EvaluationRound,
    item: FormItem | None,
    label: str,
    kind: str,
    scale_min: int,
    scale_max: int,
    anchors: Mapping[str, str],
    by: Any,
) -> FormItem:
    """Edit ``item`` of the form of ``round_``, or add a new item when ``item`` is None."""
    _require_department(by)
    round_ = _lock(round_)
    _check_form_editable(round_)
    if scale_max <= scale_min:
        raise RoundError(_("最高分必须大于最低分。"))
    if item is None:
        taken = set(round_.items.values_list("code", flat=True))
        n = 1
        while f"item{n}" in taken:
            n += 1
        last = round_.items.order_by("-position").values_list("position", flat=True).first()
        item = FormItem(round=round_, code=f"item{n}", position=(last or 0) + 1)
    elif item.round_id != round_.pk:
        raise RoundError(_("该评价项目不属于本轮考察。"))
    item.label = label.strip()
    item.kind = kind
    item.scale_min = scale_min
    item.scale_max = scale_max
    item.anchors = _clean_anchors(anchors, scale_min, scale_max)
    _clean_save(item)
    return item


@transaction.atomic
def form_item_remove(*, round_: EvaluationRound, item: FormItem, by: Any) -> None:
    _require_department(by)
    round_ = _lock(round_)
    _check_form_editable(round_)
    if item.round_id != round_.pk:
        raise RoundError(_("该评价项目不属于本轮考察。"))
    if round_.items.count() <= 1:
        raise RoundError(_("评价表至少要保留一个评价项目。"))
    item.delete()


@transaction.atomic
def round_transition(*, round_: EvaluationRound, to: str, by: Any) -> EvaluationRound:
    """Move ``round_`` to status ``to`` (评价中, 已结束 or 已发布) from the status before it."""
    _require_department(by)
    round_ = _lock(round_)
    target = RoundStatus(to) if to in RoundStatus.values else None
    if target is None or target not in _TRANSITIONS:
        raise RoundError(_("无法识别的状态变更。"))
    if round_.status != _TRANSITIONS[target]:
        raise RoundError(
            _("本轮考察当前为“%(now)s”，不能改为“%(to)s”。")
            % {"now": round_.get_status_display(), "to": target.label}
        )
    if target == RoundStatus.OPEN:
        problems = open_problems(round_)
        if problems:
            raise RoundError(_("还不能开始评价：") + "".join(problems))
    now = timezone.now()
    round_.status = target
    stamp = {
        RoundStatus.OPEN: "opened_at",
        RoundStatus.CLOSED: "closed_at",
        RoundStatus.RELEASED: "released_at",
    }[target]
    setattr(round_, stamp, now)
    round_.save(update_fields=["status", stamp])
    return round_


# --- Teams ---------------------------------------------------------------


def _check_teams_editable(round_: EvaluationRound) -> None:
    if round_.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        raise RoundError(_("本轮考察已结束，考察组不能再调整。"))


@transaction.atomic
def team_create(*, round_: EvaluationRound, name: str, by: Any) -> InspectionTeam:
    _require_department(by)
    round_ = _lock(round_)
    _check_teams_editable(round_)
    name = name.strip()
    if round_.teams.filter(name=name).exists():
        raise RoundError(_("本轮已有名为“%(name)s”的考察组。") % {"name": name})
    team = InspectionTeam(round=round_, name=name)
    _clean_save(team)
    return team


def _own_trainee(member: TeamMember, secondment: Secondment) -> bool:
    """A mentor member rating their own trainee: never a conflict."""
    if member.kind != RaterKind.MENTOR or secondment.mentor_id is None or member.user_id is None:
        return False
    return Profile.objects.filter(user_id=member.user_id, mentor_id=secondment.mentor_id).exists()


def _same_person(member: TeamMember) -> Q:
    if member.user_id is not None:
        return Q(member__user_id=member.user_id)
    return Q(member__user__isnull=True, member__name=member.name, member__unit=member.unit)


def _carry_conflicts(member: TeamMember, secondments: list[Secondment]) -> list[Conflict]:
    """Conflicts the same person declared in other teams, copied to ``member``; then all of
    ``member``'s conflicts with ``secondments``."""
    ids = [s.pk for s in secondments]
    declared = (
        Conflict.objects.filter(_same_person(member), secondment_id__in=ids)
        .exclude(member=member)
        .order_by("pk")
    )
    for conflict in declared:
        secondment = next(s for s in secondments if s.pk == conflict.secondment_id)
        if _own_trainee(member, secondment):
            continue
        Conflict.objects.get_or_create(
            member=member,
            secondment=secondment,
            defaults={"kind": conflict.kind, "note": conflict.note},
        )
    return list(
        Conflict.objects.filter(member=member, secondment_id__in=ids).select_related(
            "member", "secondment__cadre"
        )
    )


def _conflict_warning(conflict: Conflict) -> str:
    return _("%(member)s与%(cadre)s存在回避情形（%(kind)s），该成员不会评价这名干部。") % {
        "member": conflict.member.name,
        "cadre": conflict.secondment.cadre.name,
        "kind": conflict.get_kind_display(),
    }


def _audit_coverage(team: InspectionTeam, detail: str, by: Any) -> None:
    # The covered trainees are a many-to-many relation, which the model audit does not see.
    audit.record(action=AuditAction.UPDATE, obj=team, detail=detail, user=by)


@transaction.atomic
def team_cover(*, team: InspectionTeam, secondment: Secondment, by: Any) -> list[str]:
    """Add ``secondment`` to the trainees ``team`` covers; returns conflict warnings."""
    _require_department(by)
    round_ = _lock(team.round)
    _check_teams_editable(round_)
    if secondment.program_id != round_.program_id or secondment.superseded_at is not None:
        raise RoundError(_("只能选择本批次当前在岗练兵的干部。"))
    team.secondments.add(secondment)
    _audit_coverage(team, _("加入考察对象：%(name)s") % {"name": secondment.cadre.name}, by)
    warnings = []
    for member in team.members.all():
        warnings += [_conflict_warning(c) for c in _carry_conflicts(member, [secondment])]
    return warnings


@transaction.atomic
def team_uncover(*, team: InspectionTeam, secondment: Secondment, by: Any) -> None:
    _require_department(by)
    round_ = _lock(team.round)
    _check_teams_editable(round_)
    if Rating.objects.filter(member__team=team, secondment=secondment).exists():
        raise RoundError(_("本组成员已评价过这名干部，不能再移出考察范围。"))
    team.secondments.remove(secondment)
    _audit_coverage(team, _("移出考察对象：%(name)s") % {"name": secondment.cadre.name}, by)


@dataclass(frozen=True)
class MemberAdded:
    member: TeamMember
    warnings: list[str]


@transaction.atomic
def member_add(
    *,
    team: InspectionTeam,
    kind: str,
    by: Any,
    mentor: Mentor | None = None,
    user: Any = None,
    name: str = "",
    unit: str = "",
) -> MemberAdded:
    """Add a rater to ``team``: a mentor with an account, a host-unit cadre with an
    inspector account, or a public representative (name and village, no account)."""
    _require_department(by)
    round_ = _lock(team.round)
    _check_teams_editable(round_)
    if kind == RaterKind.MENTOR:
        account = Profile.objects.filter(mentor=mentor).select_related("user").first()
        if mentor is None or account is None:
            raise RoundError(_("这位导师还没有账号，请先为其开通导师账号。"))
        user = account.user
        name, unit = mentor.name, mentor.unit.name
    elif kind == RaterKind.HOST_CADRE:
        if user is None or Role.INSPECTOR not in roles_of(user):
            raise RoundError(_("单位干部须选择一个“考察组成员”角色的账号。"))
        name = name.strip() or user.get_full_name() or user.username
    elif kind == RaterKind.PUBLIC:
        user = None
        if not name.strip() or not unit.strip():
            raise RoundError(_("请填写群众代表的姓名和所在村（社区）。"))
    else:
        raise RoundError(_("请选择成员身份。"))
    if user is not None and team.members.filter(user=user).exists():
        raise RoundError(_("%(name)s已是本组成员。") % {"name": name})
    member = TeamMember(team=team, kind=kind, name=name.strip(), unit=unit.strip(), user=user)
    _clean_save(member)
    conflicts = _carry_conflicts(member, list(team.secondments.all()))
    return MemberAdded(member=member, warnings=[_conflict_warning(c) for c in conflicts])


@transaction.atomic
def member_remove(*, member: TeamMember, by: Any) -> None:
    _require_department(by)
    _lock(member.team.round)
    _check_teams_editable(member.team.round)
    if member.ratings.exists() or member.tokens.exists():
        raise RoundError(_("%(name)s已有评价或评价链接，不能移出考察组。") % {"name": member.name})
    member.delete()


@transaction.atomic
def conflict_declare(
    *, member: TeamMember, secondment: Secondment, kind: str, note: str, by: Any
) -> Conflict:
    """Declare that ``member`` must not rate ``secondment`` (an existing rating is kept)."""
    _require_department(by)
    _lock(member.team.round)
    if kind not in ConflictKind.values:
        raise RoundError(_("请选择回避情形。"))
    if not member.team.secondments.filter(pk=secondment.pk).exists():
        raise RoundError(_("这名干部不在本组考察范围内。"))
    if _own_trainee(member, secondment):
        raise RoundError(_("导师评价本人所带学员不属于回避情形：导师应当参加评价。"))
    if Conflict.objects.filter(member=member, secondment=secondment).exists():
        raise RoundError(_("已申报过该回避情形。"))
    conflict = Conflict(member=member, secondment=secondment, kind=kind, note=note.strip())
    _clean_save(conflict)
    return conflict


@transaction.atomic
def conflict_withdraw(*, conflict: Conflict, by: Any) -> None:
    _require_department(by)
    conflict.delete()


# --- Account ratings -----------------------------------------------------


@transaction.atomic
def rating_submit(
    *,
    round_: EvaluationRound,
    secondment: Secondment,
    scores: Mapping[str, int],
    comment: str,
    by: Any,
) -> Rating:
    """One rating of ``secondment`` by ``by`` (a mentor or an inspector) in an open round."""
    round_ = EvaluationRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != RoundStatus.OPEN:
        raise RoundError(_("本轮考察不在评价期内，不能提交评价。"))
    if not rateable_secondments(by, round_).filter(pk=secondment.pk).exists():
        raise RoundError(_("您不在这名干部的考察范围内，或已申报回避，不能评价。"))
    mine = memberships(by, round_).filter(team__secondments=secondment)
    if Rating.objects.filter(member__in=mine, secondment=secondment).exists():
        raise AlreadyRated(_("您已评价过该干部，每人只能评价一次，以第一次提交为准。"))
    member = (
        mine.exclude(pk__in=Conflict.objects.filter(secondment=secondment).values("member"))
        .order_by("pk")
        .first()
    )
    if member is None:
        raise RoundError(_("您已申报回避，不能评价这名干部。"))
    clean: dict[str, int] = {}
    for item in round_.items.all():
        value = scores.get(item.code)
        if value is None or not item.scale_min <= value <= item.scale_max:
            raise RoundError(
                _("请为“%(label)s”选择 %(low)s–%(high)s 分。")
                % {"label": item.label, "low": item.scale_min, "high": item.scale_max}
            )
        clean[item.code] = value
    rating = Rating(
        round=round_, secondment=secondment, member=member, scores=clean, comment=comment.strip()
    )
    rating.full_clean(exclude=["member", "secondment"])
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as error:
        raise AlreadyRated(_("您已评价过该干部，每人只能评价一次，以第一次提交为准。")) from error
    return rating
