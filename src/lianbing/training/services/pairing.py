"""Writes of mentor pairing (导师结对): propose, confirm one pair, confirm every proposal.

Rules:

- A proposal (:func:`pairing_propose`) names a mentor for every current
  secondment of the program whose mentor is not confirmed, by the engine's
  optimal assignment (:func:`lianbing.engine.pairing.propose`). Confirmed
  pairs are kept as they are and take their mentors' places.
- Nothing is final until the department confirms (:func:`pairing_confirm`).
  Confirming the mentor the secondment has now (the proposal) needs no
  reason; choosing another mentor, or changing a confirmed pair, does.
- A mentor's confirmed trainees never exceed the mentor's capacity (可带人数),
  counted over every program (see :mod:`lianbing.training.selectors.pairing`).

Every save of a secondment is recorded in the audit trail (it is an audited model).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.demand.models import Program
from lianbing.engine import pairing as engine_pairing
from lianbing.people.models import Mentor

from .. import adapters, clock
from ..access import is_department
from ..models import Secondment
from ..selectors import pairing as pairing_selectors

#: The fields a proposal writes.
PROPOSAL_FIELDS = ("proposed_mentor", "mentor", "proposal_score", "proposal_reasons")
#: The fields a confirmation writes.
CONFIRM_FIELDS = ("mentor", "mentor_confirmed_at", "mentor_confirmed_by", "mentor_reason")


class PairingError(Exception):
    """A pairing request the rules refuse; ``message`` says what to do, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _require_department(user: Any) -> None:
    if not is_department(user):
        raise PermissionDenied(_("只有组织部干部科可以安排导师结对。"))


def _lock_program(program: Program) -> None:
    # One pairing operation at a time per program: a proposal and a confirmation
    # must not interleave.
    Program.objects.select_for_update().filter(pk=program.pk).first()


def _save(secondment: Secondment, fields: tuple[str, ...], before: tuple[Any, ...]) -> bool:
    after = tuple(getattr(secondment, f) for f in fields)
    if after == before:
        return False
    secondment.full_clean()
    secondment.save(update_fields=list(fields))
    return True


# --------------------------------------------------------------------------- propose


@dataclass(frozen=True)
class ProposalResult:
    """What a proposal did: how many trainees got a mentor, how many none, how many were kept."""

    proposed: int
    without_mentor: int
    confirmed_kept: int
    optimal: bool


def _fit(scores: engine_pairing.PairScores, i: int, j: int) -> float:
    """The pair's fit within its tier, on 0-100 (the tier itself is among the reasons)."""
    return round(100.0 * float(scores.within[i, j]), 1)


@transaction.atomic
def pairing_propose(*, program: Program, by: Any) -> ProposalResult:
    """Propose a mentor for each current secondment of ``program`` not yet confirmed.

    Writes ``proposed_mentor``, ``mentor`` (the current pair, still to be
    confirmed), ``proposal_score`` (the pair's fit, 0-100) and
    ``proposal_reasons``; a trainee left without a place gets no mentor and a
    reason saying why. Refused without secondments or mentors.
    """
    _require_department(by)
    _lock_program(program)
    data = adapters.pairing_input(program, today=clock.today())
    if not data.secondments:
        raise PairingError(_("本批次还没有练兵安排：请先确认匹配方案，再生成导师建议。"))
    if not data.mentors:
        raise PairingError(
            _("本批次的用人单位还没有可带学员的导师：请先导入导师名册或提高导师的可带人数。")
        )
    try:
        result = engine_pairing.propose(data.mentor_sides, data.trainee_sides, pinned=data.pinned)
    except engine_pairing.PairingInputError as error:
        raise PairingError(
            _("无法生成导师建议：%(reason)s 请修改导师或干部信息后再试。") % {"reason": error}
        ) from error
    proposed = without = kept = 0
    no_place = _("导师名额已满：请增加导师或提高导师的可带人数，或手动选择导师。")
    for i, secondment in enumerate(data.secondments):
        if secondment.mentor_confirmed_at is not None:
            kept += 1
            continue
        before = tuple(getattr(secondment, f) for f in PROPOSAL_FIELDS)
        j = result.mentor_of[i]
        if j < 0:
            without += 1
            secondment.proposed_mentor = None
            secondment.mentor = None
            secondment.proposal_score = None
            secondment.proposal_reasons = [no_place]
        else:
            proposed += 1
            mentor = data.mentors[j]
            secondment.proposed_mentor = mentor
            secondment.mentor = mentor
            secondment.proposal_score = _fit(result.scores, i, j)
            secondment.proposal_reasons = result.scores.explain(i, j) or [_("按全体最优配对安排")]
        _save(secondment, PROPOSAL_FIELDS, before)
    return ProposalResult(
        proposed=proposed, without_mentor=without, confirmed_kept=kept, optimal=result.optimal
    )


# --------------------------------------------------------------------------- confirm


def _check_capacity(mentor: Mentor, secondment: Secondment) -> None:
    load = pairing_selectors.mentor_loads([mentor.pk], exclude=Q(pk=secondment.pk))[mentor.pk]
    if load >= mentor.capacity:
        raise PairingError(
            _(
                "导师%(name)s可带 %(capacity)s 名学员，已确认 %(load)s 名，不能再为%(cadre)s确认。"
                "请另选导师，或先调整该导师的其他配对、提高其可带人数。"
            )
            % {
                "name": mentor.name,
                "capacity": mentor.capacity,
                "load": load,
                "cadre": secondment.cadre.name,
            }
        )


def _confirm(secondment: Secondment, mentor: Mentor, reason: str, by: Any) -> None:
    before = tuple(getattr(secondment, f) for f in CONFIRM_FIELDS)
    secondment.mentor = mentor
    secondment.mentor_confirmed_at = timezone.now()
    secondment.mentor_confirmed_by = by
    secondment.mentor_reason = reason
    _save(secondment, CONFIRM_FIELDS, before)


@transaction.atomic
def pairing_confirm(
    *, secondment: Secondment, mentor: Mentor | None, reason: str, by: Any
) -> Secondment:
    """Confirm the secondment's mentor: ``mentor``, or the current pair when None.

    Confirming the current pair (the proposal) needs no reason; another
    mentor, or any change to a confirmed pair, needs one (kept in
    ``mentor_reason``). Refused: a superseded secondment, no mentor to
    confirm, a confirmed pair confirmed again unchanged, a missing reason, a
    mentor at capacity.
    """
    _require_department(by)
    _lock_program(secondment.program)
    current = (
        Secondment.objects.select_for_update(of=("self",))
        .select_related("cadre", "mentor")
        .get(pk=secondment.pk)
    )
    name = current.cadre.name
    if current.superseded_at is not None:
        raise PairingError(_("%(name)s的这项练兵安排已被取代，不能再确认导师。") % {"name": name})
    chosen = mentor if mentor is not None else current.mentor
    if chosen is None:
        raise PairingError(
            _("%(name)s尚无建议导师：请先生成导师建议，或选择一位导师并写明理由。") % {"name": name}
        )
    reason = reason.strip()
    changing = current.mentor_id is not None and chosen.pk != current.mentor_id
    if current.mentor_confirmed_at is not None and not changing:
        raise PairingError(
            _("%(name)s的导师已确认为%(mentor)s，无需重复确认。")
            % {"name": name, "mentor": chosen.name}
        )
    if changing and not reason:
        raise PairingError(
            _("把%(name)s的导师由%(old)s改为%(new)s，请写明理由。")
            % {
                "name": name,
                "old": current.mentor.name if current.mentor else "",
                "new": chosen.name,
            }
        )
    locked = Mentor.objects.select_for_update().get(pk=chosen.pk)
    _check_capacity(locked, current)
    _confirm(current, locked, reason, by)
    return current


@dataclass(frozen=True)
class ConfirmAllResult:
    confirmed: int
    #: Why each pair left unconfirmed was left (a mentor at capacity).
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def pairing_confirm_all_proposed(*, program: Program, by: Any) -> ConfirmAllResult:
    """Confirm every current pair of ``program`` that is proposed and not yet confirmed.

    A pair whose mentor has no place left is skipped with the reason; the others are confirmed.
    """
    _require_department(by)
    _lock_program(program)
    pairs = pairing_selectors.proposed_pairs(program)
    mentor_ids = sorted({s.mentor_id for s in pairs if s.mentor_id is not None})
    mentors = {m.pk: m for m in Mentor.objects.select_for_update().filter(pk__in=mentor_ids)}
    confirmed = 0
    skipped: list[str] = []
    for secondment in pairs:
        assert secondment.mentor_id is not None
        mentor = mentors[secondment.mentor_id]
        try:
            # Read afresh each time: the pairs confirmed in this loop count.
            _check_capacity(mentor, secondment)
        except PairingError as error:
            skipped.append(error.message)
            continue
        _confirm(secondment, mentor, "", by)
        confirmed += 1
    return ConfirmAllResult(confirmed=confirmed, skipped=skipped)
