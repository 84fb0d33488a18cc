"""Public representatives (群众代表) rate through one-time links, without an account.

- :func:`tokens_issue` (department staff) makes one link per public member and
  covered trainee. Only the token's SHA-256 is stored; the clear tokens are
  returned once, for the printed QR sheet, and exist nowhere else. Issuing
  again replaces a pair's unused token, so the earlier link stops working; a
  used token is kept with its rating and never replaced.
- :func:`public_rating_submit` turns a token into the one rating it allows.
  It takes no lock: ``Rating.token`` is one-to-one and (member, trainee) is
  unique, so of any number of simultaneous submissions the database keeps
  exactly one and the others fail with ``IntegrityError``, answered as
  "此链接已使用".

Nothing about the client is kept: the rating has no address or browser field,
and its audit-trail row is written outside the request's context, so it
carries neither the client's address nor the link.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.accounts.audit import actor_context
from lianbing.accounts.models import Role
from lianbing.accounts.roles import roles_of
from lianbing.people.models import Cadre
from lianbing.training.models import Secondment

from ..models import (
    Conflict,
    EvaluationRound,
    FormItem,
    InspectionTeam,
    RaterKind,
    Rating,
    RatingToken,
    RoundStatus,
    TeamMember,
)
from ..tokens import token_digest, token_new

#: The page a public rating is recorded against in the audit trail (never the link itself).
AUDIT_PATH = "/evaluation/r/"
#: Longest comment a public representative may leave.
COMMENT_MAX = 1000


class PublicRatingError(Exception):
    """A link that cannot be used (any more); the message is shown as it is."""

    #: HTTP status the page answers with: 410 for a used or expired link, 404 otherwise.
    status = 404


class LinkUsed(PublicRatingError):
    status = 410


class LinkExpired(PublicRatingError):
    status = 410


class RaterConflicted(PublicRatingError):
    status = 410


class ScoresInvalid(Exception):
    """The form was not filled in as the round's items require; one message per problem."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class IssuedToken:
    """A link just made: the clear token lives only in this object."""

    member: TeamMember
    secondment: Secondment
    token: str
    expires_at: datetime.datetime


# --------------------------------------------------------------------------- issuing


def _public_pairs(
    team: InspectionTeam, secondment: Secondment | None
) -> list[tuple[TeamMember, Secondment]]:
    members = list(team.members.filter(kind=RaterKind.PUBLIC).order_by("pk"))
    covered: QuerySet[Secondment] = team.secondments.select_related(
        "cadre", "post", "post__unit"
    ).order_by("pk")
    if secondment is not None:
        covered = covered.filter(pk=secondment.pk)
    trainees = list(covered)
    conflicts = set(
        Conflict.objects.filter(member__in=members, secondment__in=trainees).values_list(
            "member_id", "secondment_id"
        )
    )
    return [(m, s) for s in trainees for m in members if (m.pk, s.pk) not in conflicts]


@transaction.atomic
def tokens_issue(
    *,
    round_: EvaluationRound,
    team: InspectionTeam,
    by: Any,
    secondment: Secondment | None = None,
    now: datetime.datetime | None = None,
) -> list[IssuedToken]:
    """Make the one-time links of ``team``'s public members (for ``secondment`` only, if given).

    One token per (public member, covered trainee) without a declared
    conflict; an unused earlier token of a pair is replaced, a used one is
    left alone (that pair has rated). Returns the clear tokens, once.
    """
    if Role.STAFF not in roles_of(by):
        raise PermissionDenied(_("只有组织部工作人员可以生成群众代表评价链接。"))
    if team.round_id != round_.pk:
        raise PermissionDenied(_("该考察组不属于本轮考察。"))
    if round_.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        raise PermissionDenied(_("本轮考察已结束，不能再生成评价链接。"))
    now = now or timezone.now()
    expires_at = now + datetime.timedelta(days=round_.token_days)
    pairs = _public_pairs(team, secondment)
    existing = {
        (t.member_id, t.secondment_id): t
        for t in RatingToken.objects.select_for_update().filter(
            member__in={m for m, _s in pairs}, secondment__in={s for _m, s in pairs}
        )
    }
    used = set(
        Rating.objects.filter(token__in=list(existing.values())).values_list("token_id", flat=True)
    )
    issued: list[IssuedToken] = []
    for member, trainee in pairs:
        token = token_new()
        old = existing.get((member.pk, trainee.pk))
        if old is not None and old.pk in used:
            continue
        row = old or RatingToken(member=member, secondment=trainee)
        row.token_hash = token_digest(token)
        row.expires_at = expires_at
        row.full_clean(exclude=["member", "secondment"], validate_constraints=False)
        row.save()
        if old is not None:
            # A replaced link is a new link: it dates from now.
            RatingToken.objects.filter(pk=row.pk).update(created_at=now)
        issued.append(
            IssuedToken(member=member, secondment=trainee, token=token, expires_at=expires_at)
        )
    return issued


def tokens_issue_for_trainee(
    *, round_: EvaluationRound, secondment: Secondment, by: Any
) -> list[IssuedToken]:
    """The links of every public member of ``round_``'s teams covering ``secondment``."""
    issued: list[IssuedToken] = []
    with transaction.atomic():
        for team in round_.teams.filter(secondments=secondment).order_by("name"):
            issued += tokens_issue(round_=round_, team=team, by=by, secondment=secondment)
    return issued


# --------------------------------------------------------------------------- using


@dataclass(frozen=True)
class Level:
    """One choice of an item: its value and the behaviour it stands for (may be empty)."""

    value: int
    anchor: str
    #: Chosen in the form being shown again (after a problem).
    checked: bool = False


@dataclass(frozen=True)
class FormRow:
    item: FormItem
    levels: list[Level]

    @property
    def field(self) -> str:
        """The form field of the item's score."""
        return f"s_{self.item.code}"


@dataclass(frozen=True)
class Link:
    """A link that may still rate, as the public pages need it: ids and the names shown."""

    token_id: int
    member_id: int
    secondment_id: int
    round_id: int
    member_name: str
    member_kind: str
    round_name: str
    program_name: str
    trainee_cadre_id: int
    trainee_name: str
    post_name: str
    unit_name: str


@dataclass(frozen=True)
class PublicForm:
    """What a public representative sees: the trainee's name, post and unit, and the form."""

    link: Link
    rows: list[FormRow]


#: The link's columns (``Link`` field → ORM path) besides the three checks.
_LINK_COLUMNS = {
    "token_id": "pk",
    "member_id": "member_id",
    "secondment_id": "secondment_id",
    "round_id": "member__team__round_id",
    "member_name": "member__name",
    "member_kind": "member__kind",
    "round_name": "member__team__round__name",
    "program_name": "member__team__round__program__name",
    "trainee_cadre_id": "secondment__cadre_id",
    "trainee_name": "secondment__cadre__name",
    "post_name": "secondment__post__name",
    "unit_name": "secondment__post__unit__name",
    "round_status": "member__team__round__status",
}
#: Stand-ins for the two values a lookup varies by; replaced in the compiled parameters.
_DIGEST_SLOT = "\x00digest"
_NOW_SLOT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@functools.cache
def _link_query(alias: str) -> tuple[str, tuple[Any, ...], int, int, tuple[str, ...]]:
    """The link lookup's SQL, compiled by the ORM once per database and process.

    Every page of a representative's flow asks it, and building this query
    (nine joined tables, three ``EXISTS``) costs the ORM several times what the
    database takes to answer it. Returns the SQL, its parameters, the
    positions of the digest and of the time in them, and the column names.
    """
    pair = {"member_id": OuterRef("member_id"), "secondment_id": OuterRef("secondment_id")}
    query = (
        RatingToken.objects.using(alias)
        .filter(token_hash=_DIGEST_SLOT)
        .annotate(
            used=Exists(Rating.objects.filter(token_id=OuterRef("pk")))
            | Exists(Rating.objects.filter(**pair)),
            expired=ExpressionWrapper(
                Q(expires_at__lte=_NOW_SLOT), output_field=models.BooleanField()
            ),
            conflicted=Exists(Conflict.objects.filter(**pair)),
        )
        .values(*_LINK_COLUMNS.values(), "used", "expired", "conflicted")
    )
    sql, params = query.query.sql_with_params()
    now_slot = connections[alias].ops.adapt_datetimefield_value(_NOW_SLOT)
    digest_at = [k for k, p in enumerate(params) if p == _DIGEST_SLOT]
    now_at = [k for k, p in enumerate(params) if p == now_slot]
    if len(digest_at) != 1 or len(now_at) != 1:
        raise RuntimeError("the link lookup's parameters were not found in its SQL")
    names = (*_LINK_COLUMNS, "used", "expired", "conflicted")
    return sql, tuple(params), digest_at[0], now_at[0], names


def _usable_link(digest: str, now: datetime.datetime) -> Link:
    """The link behind ``digest`` if it may still rate; a :class:`PublicRatingError` otherwise.

    Missing, replaced and refused links all read alike: the page gives no hint
    whether a token ever existed. One query answers everything the checks, the
    form and the rating need.
    """
    if not digest:
        raise PublicRatingError(_("此链接无效。请核对链接或向考察组索取新的评价二维码。"))
    alias = router.db_for_read(RatingToken)
    sql, params, digest_at, now_at, names = _link_query(alias)
    connection = connections[alias]
    values = list(params)
    values[digest_at] = digest
    values[now_at] = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # On PostgreSQL planning this query costs several times running it:
            # a server-side-binding cursor on the same connection lets psycopg
            # prepare it once the connection has run it a few times, and
            # PostgreSQL keeps the plan.
            import psycopg

            with psycopg.Cursor(connection.connection) as prepared:
                prepared.execute(sql, values)
                row = prepared.fetchone()
        else:
            cursor.execute(sql, values)
            row = cursor.fetchone()
    if row is None:
        raise PublicRatingError(_("此链接无效。请核对链接或向考察组索取新的评价二维码。"))
    found = dict(zip(names, row, strict=True))
    if found.pop("used"):
        raise LinkUsed(_("此链接已使用，每个链接只能评价一次。感谢您的参与。"))
    if found.pop("expired"):
        raise LinkExpired(_("此链接已过有效期。如需评价，请向考察组索取新的评价二维码。"))
    if found.pop("round_status") != RoundStatus.OPEN:
        raise LinkExpired(_("本轮考察目前不在评价期内，此链接暂不能使用。"))
    if found.pop("conflicted"):
        raise RaterConflicted(_("您已申报与该干部的回避关系，不参加对其的评价。感谢您的配合。"))
    return Link(**found)


def _form_items(round_id: int) -> list[FormItem]:
    return list(FormItem.objects.filter(round_id=round_id).order_by("position", "pk"))


def public_form(
    *,
    token_digest_: str,
    chosen: Mapping[str, str] | None = None,
    now: datetime.datetime | None = None,
) -> PublicForm:
    """The form behind a link, if the link may still rate; ``chosen`` (code → value) pre-checked."""
    link = _usable_link(token_digest_, now or timezone.now())
    chosen = chosen or {}
    return PublicForm(
        link=link,
        rows=[
            FormRow(
                item=item,
                levels=[
                    Level(
                        value=v,
                        anchor=str(item.anchors.get(str(v), "")),
                        checked=chosen.get(item.code) == str(v),
                    )
                    for v in range(item.scale_min, item.scale_max + 1)
                ],
            )
            for item in _form_items(link.round_id)
        ],
    )


def public_token_check(*, token: str, now: datetime.datetime | None = None) -> str:
    """The digest of a clear token from a link, if the link may still rate."""
    digest = token_digest(token)
    _usable_link(digest, now or timezone.now())
    return digest


def scores_clean(items: Sequence[FormItem], scores: Mapping[str, object]) -> dict[str, int]:
    """Every item scored, each an integer within its scale; nothing else."""
    clean: dict[str, int] = {}
    problems: list[str] = []
    for item in items:
        raw = scores.get(item.code)
        if raw is None or raw == "":
            problems.append(_("请为“%(item)s”打分。") % {"item": item.label})
            continue
        try:
            value = int(str(raw))
        except ValueError:
            value = None
        if value is None or not item.scale_min <= value <= item.scale_max:
            problems.append(
                _("“%(item)s”的分值应在 %(low)s 到 %(high)s 之间。")
                % {"item": item.label, "low": item.scale_min, "high": item.scale_max}
            )
            continue
        clean[item.code] = value
    unknown = set(scores) - {item.code for item in items}
    if unknown:
        problems.append(_("表单含有不属于本轮考察的评价项目，请重新打开评价页面。"))
    if problems:
        raise ScoresInvalid(problems)
    return clean


def public_rating_submit(
    *,
    token_digest: str,
    scores: Mapping[str, object],
    comment: str = "",
    now: datetime.datetime | None = None,
) -> Rating:
    """Record the one rating a link allows; refuse a used, expired or refused link.

    Race-safe without a lock: the database's unique constraints on the rating's
    token and on (member, trainee) let exactly one of simultaneous submissions in.
    """
    link = _usable_link(token_digest, now or timezone.now())
    clean = scores_clean(_form_items(link.round_id), scores)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ScoresInvalid([_("评语请不超过 %(n)s 字。") % {"n": COMMENT_MAX}])
    rating = Rating(
        round_id=link.round_id,
        secondment_id=link.secondment_id,
        member_id=link.member_id,
        token_id=link.token_id,
        scores=clean,
        comment=comment,
    )
    # The audit row describes the rating as "member → trainee": the names
    # came with the link, so the description reads nothing more.
    rating.member = TeamMember(pk=link.member_id, name=link.member_name, kind=link.member_kind)
    rating.secondment = Secondment(
        pk=link.secondment_id, cadre=Cadre(pk=link.trainee_cadre_id, name=link.trainee_name)
    )
    # Uniqueness is left to the database: checking it here first would only
    # move the race, not close it. The four references were just read with
    # the token, so checking that they exist would only repeat those reads.
    rating.full_clean(
        exclude=["round", "secondment", "member", "token"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        # Recorded outside the request: the audit row names neither the
        # client's address nor the page the link came from.
        with actor_context(None, path=AUDIT_PATH), transaction.atomic():
            rating.save()
    except IntegrityError:
        raise LinkUsed(_("此链接已使用，每个链接只能评价一次。感谢您的参与。")) from None
    # Forget the stand-ins: whoever reads the rating's member or trainee next gets the rows.
    for name in ("member", "secondment"):
        Rating._meta.get_field(name).delete_cached_value(rating)  # type: ignore[union-attr]
    return rating
