"""Assessors' scores of an activity's participants.

Rules (checked again on every save, whatever page sent it):

- Only an assessor named on the activity scores it, and only while it is
  评分中 (scoring); before, there is nothing to score yet, after, the results
  are published and stand.
- Only the activity's participants are scored, each on exactly the abilities
  the activity tests, with a whole number within the activity's scale. An
  assessor has one score sheet per participant (database constraint) and may
  correct it while scoring lasts.
- A refused request saves nothing; :class:`ScoreError` says why, in Chinese.
- Every save is in the audit trail (who scored whom, created or corrected;
  the values themselves are in the row, not repeated in the trail).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianbing.accounts import audit
from lianbing.accounts.models import AuditAction
from lianbing.engine import taxonomy
from lianbing.training.models import Secondment

from ..access import is_assessor
from ..models import Activity, ActivityScore, ActivityStatus

#: The longest comment kept (the page's textarea says the same).
COMMENT_MAX = 2000


class ScoreError(Exception):
    """A score the rules refuse; ``message`` says what to do, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def ability_label(code: str) -> str:
    """The Chinese name of an ability code (the code itself when unknown)."""
    try:
        return taxonomy.ability(code).label
    except (KeyError, ValueError):
        return code


def _whole_number(value: Any) -> int | None:
    """``value`` as an int when it is a whole number (an int or digits), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            return int(text)
    return None


def clean_scores(activity: Activity, scores: Mapping[str, Any]) -> dict[str, int]:
    """``scores`` checked against the activity's tested abilities and scale; ScoreError otherwise."""
    if not activity.abilities:
        raise ScoreError(_("本场活动还没有设定考验的能力，请组织部门先设定后再评分。"))
    unknown = [code for code in scores if code not in activity.abilities]
    if unknown:
        raise ScoreError(
            _("“%(names)s”不是本场活动考验的能力，不能评分。")
            % {"names": "、".join(ability_label(str(code)) for code in unknown)}
        )
    clean: dict[str, int] = {}
    for code in activity.abilities:
        value = _whole_number(scores.get(code))
        if value is None or not activity.scale_min <= value <= activity.scale_max:
            raise ScoreError(
                _("请为“%(label)s”选择 %(low)d–%(high)d 分之间的整数。")
                % {
                    "label": ability_label(code),
                    "low": activity.scale_min,
                    "high": activity.scale_max,
                }
            )
        clean[code] = value
    return clean


@transaction.atomic
def score_set(
    *,
    activity: Activity,
    secondment: Secondment,
    scores: Mapping[str, Any],
    comment: str = "",
    by: Any,
) -> ActivityScore:
    """Save ``by``'s scores of ``secondment`` in ``activity`` (create, or correct while scoring).

    ``scores``: ability code -> whole number on ``[scale_min, scale_max]``,
    every tested ability and no other (strings of digits are accepted, as a
    form posts them). Raises :class:`ScoreError` when ``by`` is not an
    assessor of the activity, the activity is not 评分中, ``secondment`` does
    not take part, or a score is missing, unknown or out of the scale.
    """
    # Status changes and scores of one activity do not interleave.
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not is_assessor(by, activity):
        raise ScoreError(_("您不是本场活动的评分人，不能评分。"))
    if activity.status != ActivityStatus.SCORING:
        if activity.status == ActivityStatus.PLANNED:
            raise ScoreError(_("本场活动尚未开始评分，请等组织部门开始评分后再录入。"))
        raise ScoreError(_("本场活动已结束，成绩已确定，不能再修改评分。"))
    if not activity.participants.filter(pk=secondment.pk).exists():
        raise ScoreError(
            _("%(name)s不是本场活动的参加成员，不能评分。") % {"name": secondment.cadre.name}
        )
    clean = clean_scores(activity, scores)
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX:
        raise ScoreError(_("评语不能超过 %(n)d 字。") % {"n": COMMENT_MAX})
    score = ActivityScore.objects.filter(
        activity=activity, assessor=by, secondment=secondment
    ).first()
    created = score is None
    if score is None:
        score = ActivityScore(activity=activity, assessor=by, secondment=secondment)
    score.scores = clean
    score.comment = text
    try:
        score.full_clean()
    except ValidationError as error:
        raise ScoreError("；".join(error.messages)) from error
    score.save()
    audit.record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=score,
        detail=(_("评分：%(name)s") if created else _("修改评分：%(name)s"))
        % {"name": secondment.cadre.name},
        user=by,
    )
    return score
