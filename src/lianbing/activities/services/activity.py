"""Writes of activities: creating and editing one, and moving it through its statuses.

Rules:

- Only the department writes activities. Participants are current secondments
  of the series' program; assessors are accounts acting as department staff,
  mentor or inspection-team member (:data:`access.ASSESSOR_ROLES`); the
  organiser is one of the series' organisers.
- An activity tests at least one of the seven abilities; its scale runs from
  ``scale_min`` to ``scale_max`` and its behavioural anchors sit on that scale.
- Participants, abilities and scale change only while the activity is 筹备中;
  once a score exists the abilities and scale are locked for good, so that
  every assessor scores on the same terms. A participant already placed in a
  group stays a participant until the groups are remade or they are moved out.
  A finished activity is not edited.
- 筹备中 → 评分中 (needs participants and at least one assessor) → 已结束
  (results become visible to trainees, mentors and host units). Each change is
  recorded in the audit trail.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lianbing.accounts import audit
from lianbing.accounts.models import AuditAction
from lianbing.accounts.roles import roles_of
from lianbing.engine import taxonomy
from lianbing.training.models import Secondment

from ..access import ASSESSOR_ROLES
from ..models import Activity, ActivityKind, ActivitySeries, ActivityStatus
from .series import ActivityError, check_current, clean_save, names, require_department

#: Behavioural anchors a new activity on the usual 1-5 scale starts with, by level.
DEFAULT_ANCHORS: dict[str, str] = {
    "1": "明显不足：难以完成本场任务，观点缺乏依据",
    "2": "有所欠缺：参与不够主动，分析不够深入",
    "3": "基本胜任：能完成任务，观点较为合理",
    "4": "表现良好：思路清晰，能带动小组推进",
    "5": "突出，可为表率：见解深刻、统筹有力，成果可直接转化",
}

#: Allowed status changes: target -> the status it comes from.
_TRANSITIONS = {
    ActivityStatus.SCORING: ActivityStatus.PLANNED,
    ActivityStatus.FINISHED: ActivityStatus.SCORING,
}


def default_anchors(scale_min: int, scale_max: int) -> dict[str, str]:
    """The anchors a new activity starts with: one per level on 1-5, else the two ends and the middle."""
    if (scale_min, scale_max) == (1, 5):
        return dict(DEFAULT_ANCHORS)
    middle = (scale_min + scale_max) // 2
    return {
        str(scale_min): DEFAULT_ANCHORS["1"],
        str(middle): DEFAULT_ANCHORS["3"],
        str(scale_max): DEFAULT_ANCHORS["5"],
    }


def _lock(activity: Activity) -> Activity:
    # Edits, status changes and scores of one activity do not interleave.
    return (
        Activity.objects.select_for_update().select_related("series__program").get(pk=activity.pk)
    )


def _clean_abilities(abilities: Iterable[str]) -> list[str]:
    chosen = set(abilities)
    unknown = chosen - set(taxonomy.ABILITY_CODES)
    if unknown:
        raise ActivityError(
            _("无法识别的能力：%(codes)s。") % {"codes": "、".join(sorted(unknown))}
        )
    if not chosen:
        raise ActivityError(_("请至少选择一项本场活动考验的能力。"))
    # Kept in the order of the seven abilities, whatever order they were ticked in.
    return [code for code in taxonomy.ABILITY_CODES if code in chosen]


def _clean_anchors(anchors: Mapping[str, str], scale_min: int, scale_max: int) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for level, text in anchors.items():
        text = text.strip()
        if not text:
            continue
        try:
            value = int(level)
        except ValueError as error:
            raise ActivityError(
                _("行为锚定的分值“%(level)s”不是整数。") % {"level": level}
            ) from error
        if not scale_min <= value <= scale_max:
            raise ActivityError(
                _("行为锚定的分值 %(level)s 超出了量表 %(low)s–%(high)s，请修改。")
                % {"level": value, "low": scale_min, "high": scale_max}
            )
        cleaned[str(value)] = text
    return dict(sorted(cleaned.items(), key=lambda pair: int(pair[0])))


def _check_scale(scale_min: int, scale_max: int) -> None:
    if scale_max <= scale_min:
        raise ActivityError(_("最高分必须大于最低分。"))


def _check_assessors(assessors: list[Any]) -> None:
    strays = [u for u in assessors if not set(ASSESSOR_ROLES) & roles_of(u)]
    if strays:
        raise ActivityError(
            _("%(names)s不是干部科、练兵导师或考察组成员的账号，不能担任评分人。")
            % {"names": "、".join(u.get_username() for u in strays)}
        )


def _check_participants(series: ActivitySeries, participants: list[Secondment]) -> None:
    check_current(series.program, participants, _("参加成员"))
    if len(participants) < 2:
        raise ActivityError(_("请至少选择两名参加成员。"))


def _check_organiser(series: ActivitySeries, organiser: Secondment | None) -> None:
    if organiser is not None and not series.organisers.filter(pk=organiser.pk).exists():
        raise ActivityError(
            _("%(name)s不是本系列的轮流组织成员，请先在系列中选定。")
            % {"name": organiser.cadre.name}
        )


def _audit_people(activity: Activity, before: Mapping[str, set[int]], by: Any) -> None:
    # Participants and assessors are many-to-many relations, which the model audit does not see.
    parts = []
    now_participants = set(activity.participants.values_list("pk", flat=True))
    added = now_participants - before["participants"]
    removed = before["participants"] - now_participants
    if added:
        parts.append(
            _("加入参加成员：%(names)s")
            % {"names": names(Secondment.objects.filter(pk__in=added).select_related("cadre"))}
        )
    if removed:
        parts.append(
            _("移出参加成员：%(names)s")
            % {"names": names(Secondment.objects.filter(pk__in=removed).select_related("cadre"))}
        )
    now_assessors = set(activity.assessors.values_list("pk", flat=True))
    if now_assessors != before["assessors"]:
        parts.append(_("评分人调整为 %(n)d 人") % {"n": len(now_assessors)})
    if parts:
        audit.record(action=AuditAction.UPDATE, obj=activity, detail="；".join(parts), user=by)


@transaction.atomic
def activity_create(
    *,
    series: ActivitySeries,
    kind: str,
    title: str,
    topic: str,
    held_on: datetime.date,
    abilities: Iterable[str],
    participants: Iterable[Secondment],
    assessors: Iterable[Any] = (),
    place: str = "",
    group_size: int = 6,
    scale_min: int = 1,
    scale_max: int = 5,
    anchors: Mapping[str, str] | None = None,
    organiser: Secondment | None = None,
    by: Any,
) -> Activity:
    """A new activity of ``series`` in 筹备中; ``anchors`` None takes :func:`default_anchors`."""
    require_department(by)
    if kind not in ActivityKind.values:
        raise ActivityError(_("请选择活动类型。"))
    chosen = list(participants)
    raters = list(assessors)
    _check_participants(series, chosen)
    _check_assessors(raters)
    _check_organiser(series, organiser)
    _check_scale(scale_min, scale_max)
    activity = Activity(
        series=series,
        kind=kind,
        title=title.strip(),
        topic=topic.strip(),
        held_on=held_on,
        place=place.strip(),
        abilities=_clean_abilities(abilities),
        organiser=organiser,
        group_size=group_size,
        scale_min=scale_min,
        scale_max=scale_max,
        anchors=_clean_anchors(
            default_anchors(scale_min, scale_max) if anchors is None else anchors,
            scale_min,
            scale_max,
        ),
    )
    clean_save(activity)
    audit.record(action=AuditAction.CREATE, obj=activity, user=by)
    activity.participants.set(chosen)
    activity.assessors.set(raters)
    _audit_people(activity, {"participants": set(), "assessors": set()}, by)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    kind: str,
    title: str,
    topic: str,
    held_on: datetime.date,
    place: str,
    abilities: Iterable[str],
    participants: Iterable[Secondment],
    assessors: Iterable[Any],
    group_size: int,
    scale_min: int,
    scale_max: int,
    anchors: Mapping[str, str],
    by: Any,
) -> Activity:
    """Edit ``activity`` within what its status and its scores allow (see the module's rules)."""
    require_department(by)
    activity = _lock(activity)
    if activity.status == ActivityStatus.FINISHED:
        raise ActivityError(_("活动已结束，不能再修改。"))
    if kind not in ActivityKind.values:
        raise ActivityError(_("请选择活动类型。"))
    chosen = list(participants)
    raters = list(assessors)
    new_abilities = _clean_abilities(abilities)
    _check_scale(scale_min, scale_max)
    _check_assessors(raters)
    before = {
        "participants": set(activity.participants.values_list("pk", flat=True)),
        "assessors": set(activity.assessors.values_list("pk", flat=True)),
    }
    scale_changed = (
        new_abilities != activity.abilities
        or scale_min != activity.scale_min
        or scale_max != activity.scale_max
    )
    if scale_changed and activity.scores.exists():
        raise ActivityError(
            _("本场活动已有评分，考验能力和分值量表已锁定，不能再修改，以保证评分口径一致。")
        )
    if activity.status != ActivityStatus.PLANNED:
        if scale_changed:
            raise ActivityError(_("活动已开始评分，考验能力和分值量表只能在筹备中修改。"))
        if {s.pk for s in chosen} != before["participants"]:
            raise ActivityError(_("活动已开始评分，参加成员只能在筹备中调整。"))
    _check_participants(activity.series, chosen)
    grouped = (
        activity.group_members.exclude(secondment__in=chosen)
        .select_related("secondment__cadre", "group")
        .order_by("group__number", "pk")
    )
    if grouped:
        member = grouped[0]
        raise ActivityError(
            _("%(name)s已分入%(group)s，请先在分组页把其移出或重新分组，再从参加成员中移除。")
            % {"name": member.secondment.cadre.name, "group": member.group}
        )
    activity.kind = kind
    activity.title = title.strip()
    activity.topic = topic.strip()
    activity.held_on = held_on
    activity.place = place.strip()
    activity.abilities = new_abilities
    activity.group_size = group_size
    activity.scale_min = scale_min
    activity.scale_max = scale_max
    activity.anchors = _clean_anchors(anchors, scale_min, scale_max)
    clean_save(activity)
    audit.record(action=AuditAction.UPDATE, obj=activity, detail=_("修改活动信息"), user=by)
    activity.participants.set(chosen)
    activity.assessors.set(raters)
    _audit_people(activity, before, by)
    return activity


def status_problems(activity: Activity) -> list[str]:
    """What keeps ``activity`` from moving on from its status (empty: nothing)."""
    if activity.status == ActivityStatus.PLANNED:
        problems = []
        if not activity.participants.exists():
            problems.append(_("还没有参加成员。"))
        if not activity.assessors.exists():
            problems.append(_("还没有评分人。"))
        return problems
    return []


@transaction.atomic
def activity_status_set(*, activity: Activity, to: str, by: Any) -> Activity:
    """Move ``activity`` to 评分中 or 已结束 from the status before it; audited."""
    require_department(by)
    activity = _lock(activity)
    target = ActivityStatus(to) if to in ActivityStatus.values else None
    if target is None or target not in _TRANSITIONS:
        raise ActivityError(_("无法识别的状态变更。"))
    if activity.status != _TRANSITIONS[target]:
        raise ActivityError(
            _("本场活动当前为“%(now)s”，不能改为“%(to)s”。")
            % {"now": activity.get_status_display(), "to": target.label}
        )
    problems = status_problems(activity)
    if problems:
        raise ActivityError(_("还不能开始评分：") + "".join(problems))
    before = activity.get_status_display()
    activity.status = target
    activity.save(update_fields=["status"])
    audit.record(
        action=AuditAction.UPDATE,
        obj=activity,
        detail=_("状态：%(before)s → %(after)s") % {"before": before, "after": target.label},
        user=by,
    )
    return activity
