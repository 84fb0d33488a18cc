"""Reads for the public representatives' links: the trainee a QR sheet is for, and its cards."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import segno
from django.http import Http404

from lianbing.training.models import Secondment

from ..models import EvaluationRound, RaterKind, TeamMember
from ..services.public import IssuedToken


def qr_subject(round_: EvaluationRound, secondment_id: int) -> Secondment:
    """A trainee covered by one of ``round_``'s teams; ``Http404`` otherwise."""
    secondment = (
        Secondment.objects.filter(pk=secondment_id, inspection_teams__round=round_)
        .select_related("cadre", "post", "post__unit", "program")
        .distinct()
        .first()
    )
    if secondment is None:
        raise Http404
    return secondment


def qr_representatives(round_: EvaluationRound, secondment: Secondment) -> list[TeamMember]:
    """The public members of the teams covering ``secondment`` (shown before issuing)."""
    return list(
        TeamMember.objects.filter(
            team__round=round_, team__secondments=secondment, kind=RaterKind.PUBLIC
        )
        .select_related("team")
        .order_by("team__name", "pk")
    )


@dataclass(frozen=True)
class QrCard:
    """One representative's printed card: name, QR code (an SVG data URI), its link and expiry."""

    name: str
    unit: str
    team: str
    qr_uri: str
    expires_at: datetime.datetime
    link: str


def qr_cards(issued: Sequence[IssuedToken], link_of: Callable[[str], str]) -> list[QrCard]:
    """A card per link just issued; ``link_of`` turns a clear token into the full link."""
    cards = []
    for i in issued:
        link = link_of(i.token)
        cards.append(
            QrCard(
                name=i.member.name,
                unit=i.member.unit,
                team=i.member.team.name,
                qr_uri=segno.make(link, error="m").svg_data_uri(scale=5, border=2),
                expires_at=i.expires_at,
                link=link,
            )
        )
    return cards
