"""Review decisions (定性研究) on a run: record one, withdraw one."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.demand.models import Post
from lianbing.engine import scoring
from lianbing.people.models import Cadre

from ..models import Decision, DecisionKind, MatchRun
from .guards import MatchingError, ensure_not_reoptimising, ensure_reviewable
from .snapshots import load_snapshot


class DecisionError(MatchingError):
    """A review decision that contradicts the rules or the run's other decisions."""


@transaction.atomic
def decision_record(
    *,
    run: MatchRun,
    kind: str,
    cadre_id: int,
    post_id: int | None,
    reason: str,
    created_by: User,
) -> Decision:
    """Record a pin, a forbidden pair or a cadre taken out of the pool, with its reason.

    Takes effect at the next re-optimisation (:func:`.reoptimisation.match_run_reoptimise_request`).
    Refused: a finalised or unfinished run, a run being re-optimised, a blank
    reason, a cadre or post outside the run, a pin on a pair the rules or an
    earlier decision forbid, more pins than a post has seats, a second pin for
    a cadre, forbidding a pinned pair, removing a pinned cadre, and repeating a
    decision. Withdrawn decisions count for none of these rules.
    """
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    ensure_reviewable(run)
    ensure_not_reoptimising(
        run, _("正在重新优化，请稍候再记录研判决定：重新优化结束后，结果会显示在平衡表上。")
    )
    reason = reason.strip()
    if not reason:
        raise DecisionError(_("请写明理由：每项研判决定都要说明为什么。"))
    if kind not in DecisionKind.values:
        raise DecisionError(_("未知的决定类型。"))
    snap = load_snapshot(run)
    i = snap.cadre_index(cadre_id)
    if i is None:
        raise DecisionError(_("该干部不在本方案的干部范围内。"))
    cadre = Cadre.objects.get(pk=cadre_id)
    j = None
    post = None
    if kind != DecisionKind.EXCLUDE:
        j = snap.post_index(post_id) if post_id is not None else None
        if j is None:
            raise DecisionError(_("请选择本方案范围内的岗位。"))
        post = Post.objects.get(pk=post_id or 0)
    decisions = list(run.decisions.active().select_related("post", "cadre"))
    excluded = {d.cadre_id for d in decisions if d.kind == DecisionKind.EXCLUDE}
    pins = [d for d in decisions if d.kind == DecisionKind.PIN]
    forbids = {(d.cadre_id, d.post_id) for d in decisions if d.kind == DecisionKind.FORBID}
    name = cadre.name

    if cadre.pk in excluded:
        raise DecisionError(_("干部“%(name)s”已移出人选，不能再对其作其他决定。") % {"name": name})
    if kind == DecisionKind.PIN:
        assert j is not None
        assert post is not None
        code = int(snap.matrix.forbidden_reason[i, j])
        if code != scoring.ALLOWED:
            raise DecisionError(
                _("不能指定“%(name)s”到该岗位：%(reason)s。请另选岗位。")
                % {"name": name, "reason": scoring.FORBIDDEN_REASON_TEXT[code]}
            )
        if (cadre.pk, post.pk) in forbids:
            raise DecisionError(
                _("“%(name)s”与该岗位的配对已被排除，不能再指定。请另选岗位或干部。")
                % {"name": name}
            )
        for d in pins:
            if d.cadre_id == cadre.pk and d.post is not None:
                raise DecisionError(
                    _("“%(name)s”已被指定到“%(post)s”，每人只能指定一个岗位。")
                    % {"name": name, "post": d.post.name}
                )
        on_post = [d.cadre.name for d in pins if d.post_id == post.pk]
        seats = snap.posts[j].seats
        if len(on_post) >= seats:
            raise DecisionError(
                _(
                    "岗位“%(post)s”只有 %(seats)s 个名额，已指定“%(pinned)s”，"
                    "不能再指定。如需换人，请先撤销已有的指定（在其配对说明或方案概况的研判决定中填写理由后撤销），再指定新人选。"
                )
                % {"post": post.name, "seats": seats, "pinned": "、".join(on_post)}
            )
    elif kind == DecisionKind.FORBID:
        assert post is not None
        if any(d.cadre_id == cadre.pk and d.post_id == post.pk for d in pins):
            raise DecisionError(
                _("“%(name)s”已被指定到该岗位，不能同时排除这一配对。") % {"name": name}
            )
        if (cadre.pk, post.pk) in forbids:
            raise DecisionError(_("这一配对已经排除过了。"))
    elif any(d.cadre_id == cadre.pk for d in pins):
        raise DecisionError(_("“%(name)s”已被指定岗位，不能移出人选。") % {"name": name})

    decision = Decision(
        run=run,
        kind=kind,
        cadre=cadre,
        post=post if kind != DecisionKind.EXCLUDE else None,
        reason=reason,
        created_by=created_by,
    )
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decision_withdraw(*, decision: Decision, withdrawn_by: User, reason: str) -> Decision:
    """Withdraw a review decision, keeping who, when and why; it is never deleted.

    From then on no rule of :func:`decision_record` and no re-optimisation
    looks at it, so the same decision can be made again. A withdrawn decision
    that a re-optimisation had used is pending until the next re-optimisation
    solves without it (which sets ``withdrawal_applied_at``); one that no
    re-optimisation had used changed nothing and needs none. Refused: a
    finalised or unfinished run, a run being re-optimised, a decision already
    withdrawn, and a blank reason.
    """
    run = MatchRun.objects.select_for_update().get(pk=decision.run_id)
    ensure_reviewable(run)
    ensure_not_reoptimising(
        run, _("正在重新优化，请稍候再撤销研判决定：重新优化结束后，结果会显示在平衡表上。")
    )
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("withdrawn_by")
        .get(pk=decision.pk)
    )
    if decision.withdrawn_at is not None:
        who = decision.withdrawn_by
        raise DecisionError(
            _("该研判决定已于 %(when)s 由 %(who)s 撤销，无需再撤销。")
            % {
                "when": timezone.localtime(decision.withdrawn_at).strftime("%Y-%m-%d %H:%M"),
                "who": (who.get_full_name() or who.get_username()) if who else "",
            }
        )
    reason = reason.strip()
    if not reason:
        raise DecisionError(_("请写明撤销的理由：撤销研判决定也要说明为什么。"))
    decision.withdrawn_at = timezone.now()
    decision.withdrawn_by = withdrawn_by
    decision.withdraw_reason = reason
    decision.full_clean()
    decision.save()
    return decision
