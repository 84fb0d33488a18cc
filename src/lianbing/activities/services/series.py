"""Writes of activity series: the series itself, its organisers and its pair rules.

Rules:

- Only the department (组织部干部科) writes series, organisers and rules.
- A series' name is unique within its program.
- Organisers (择优挑选、轮流组织) and the two members of a pair rule are current
  secondments of the series' program.
- A member who already organises an activity of the series stays an organiser
  until the rotation plan gives that activity to someone else.
- A pair of members has one rule in a series, whichever way round it is named:
  they cannot be both kept apart and kept together.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lianbing.accounts import audit
from lianbing.accounts.models import AuditAction
from lianbing.demand.models import Program
from lianbing.training.models import Secondment

from ..access import is_department
from ..models import ActivitySeries, PairRule, PairRuleKind


class ActivityError(Exception):
    """A request the rules refuse; ``message`` says what to do, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def require_department(user: Any) -> None:
    if not is_department(user):
        raise PermissionDenied(_("只有组织部干部科可以管理赋能活动。"))


def clean_save(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ActivityError("；".join(error.messages)) from error
    obj.save()


def names(secondments: Iterable[Secondment]) -> str:
    return "、".join(s.cadre.name for s in secondments) or _("无")


def check_current(program: Program, secondments: Iterable[Secondment], what: str) -> None:
    """Refuse any of ``secondments`` that is not a current secondment of ``program``."""
    strays = [s for s in secondments if s.program_id != program.pk or s.superseded_at is not None]
    if strays:
        raise ActivityError(
            _("%(names)s不是本批次当前在岗练兵的干部，不能作为%(what)s。")
            % {"names": names(strays), "what": what}
        )


def _lock(series: ActivitySeries) -> ActivitySeries:
    # Organiser changes, rule changes and the rotation of one series do not interleave.
    return ActivitySeries.objects.select_for_update().select_related("program").get(pk=series.pk)


def _check_name(program: Program, name: str, series: ActivitySeries | None = None) -> str:
    name = name.strip()
    if not name:
        raise ActivityError(_("请填写系列名称。"))
    clash = ActivitySeries.objects.filter(program=program, name=name)
    if series is not None:
        clash = clash.exclude(pk=series.pk)
    if clash.exists():
        raise ActivityError(
            _("本批次已有名为“%(name)s”的活动系列，请换一个名称。") % {"name": name}
        )
    return name


def _audit_organisers(
    series: ActivitySeries, before: set[int], after: list[Secondment], by: Any
) -> None:
    # The organisers are a many-to-many relation, which the model audit does not see.
    added = [s for s in after if s.pk not in before]
    removed = Secondment.objects.filter(pk__in=before - {s.pk for s in after}).select_related(
        "cadre"
    )
    if not added and not removed:
        return
    parts = []
    if added:
        parts.append(_("加入轮流组织成员：%(names)s") % {"names": names(added)})
    if removed:
        parts.append(_("移出轮流组织成员：%(names)s") % {"names": names(removed)})
    audit.record(action=AuditAction.UPDATE, obj=series, detail="；".join(parts), user=by)


@transaction.atomic
def series_create(
    *,
    program: Program,
    name: str,
    description: str = "",
    organisers: Iterable[Secondment] = (),
    by: Any,
) -> ActivitySeries:
    """A new series of ``program`` with the members selected to organise its activities."""
    require_department(by)
    chosen = list(organisers)
    check_current(program, chosen, _("轮流组织成员"))
    series = ActivitySeries(
        program=program,
        name=_check_name(program, name),
        description=description.strip(),
        created_by=by,
    )
    clean_save(series)
    audit.record(action=AuditAction.CREATE, obj=series, user=by)
    series.organisers.set(chosen)
    _audit_organisers(series, set(), chosen, by)
    return series


@transaction.atomic
def series_update(
    *,
    series: ActivitySeries,
    name: str,
    description: str,
    organisers: Iterable[Secondment],
    by: Any,
) -> ActivitySeries:
    """Rename ``series``, rewrite its description and its organisers."""
    require_department(by)
    series = _lock(series)
    chosen = list(organisers)
    check_current(series.program, chosen, _("轮流组织成员"))
    kept = {s.pk for s in chosen}
    busy = (
        series.activities.filter(organiser__isnull=False)
        .exclude(organiser_id__in=kept)
        .select_related("organiser__cadre")
        .order_by("held_on", "pk")
    )
    if busy:
        first = busy[0]
        assert first.organiser is not None
        raise ActivityError(
            _(
                "%(name)s已被安排组织“%(title)s”，请先在轮值安排中把这场活动交给其他成员，"
                "再移出轮流组织成员。"
            )
            % {"name": first.organiser.cadre.name, "title": first.title}
        )
    before = set(series.organisers.values_list("pk", flat=True))
    series.name = _check_name(series.program, name, series)
    series.description = description.strip()
    clean_save(series)
    series.organisers.set(chosen)
    _audit_organisers(series, before, chosen, by)
    return series


@transaction.atomic
def pair_rule_add(
    *,
    series: ActivitySeries,
    kind: str,
    first: Secondment,
    second: Secondment,
    note: str = "",
    by: Any,
) -> PairRule:
    """Keep ``first`` and ``second`` apart (or together) in every grouping of ``series``."""
    require_department(by)
    series = _lock(series)
    if kind not in PairRuleKind.values:
        raise ActivityError(_("请选择“不得同组”或“必须同组”。"))
    if first.pk == second.pk:
        raise ActivityError(_("分组规则要选两名不同的成员。"))
    check_current(series.program, [first, second], _("分组规则的成员"))
    existing = series.pair_rules.filter(
        Q(first=first, second=second) | Q(first=second, second=first)
    ).first()
    if existing is not None:
        raise ActivityError(
            _("%(a)s和%(b)s已有分组规则“%(kind)s”；如要改变，请先删除原规则。")
            % {"a": first.cadre.name, "b": second.cadre.name, "kind": existing.get_kind_display()}
        )
    rule = PairRule(series=series, kind=kind, first=first, second=second, note=note.strip())
    clean_save(rule)
    audit.record(action=AuditAction.CREATE, obj=rule, user=by)
    return rule


@transaction.atomic
def pair_rule_delete(*, rule: PairRule, by: Any) -> None:
    """Drop ``rule``; groups made under it stay as they are."""
    require_department(by)
    _lock(rule.series)
    detail = str(rule)
    audit.record(action=AuditAction.DELETE, obj=rule, detail=detail, user=by)
    rule.delete()
