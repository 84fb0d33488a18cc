"""The earlier program's mid-term inspection (中期考察): a finished, released round.

Four inspection teams cover the earlier program's trainees, grouped by host
unit. Each team has the mentors of its trainees, one host-unit cadre with an
inspector account and three public representatives (群众代表) from the
villages and communities where the trainees work. Every member rates every
trainee of the team; public representatives through one-time links, stored
as digests only and used up by their rating.

The round, the teams and the trainees they cover, the status changes and the
growth index go through the evaluation services, acting for the department;
members, links and ratings are the demo's history and are bulk-created, with
each trainee's ability review made before the training (分析研判), the baseline
of ability growth.
Dates are relative to the day of loading: the round closed a week before it,
and the department released it a few days later, so that 孙杰 (xueyuan) can
read his growth record.

Two cases make the index page worth a look: one public representative gives
every trainee the same score on every item (flagged for review), and one
trainee, praised by the villagers but still finding his feet in the post, has
a rank that moves with the weights.

Accounts. Mentors rate with the role-less accounts the earlier program's
records were written with (:mod:`.earlier_load`); daoshi takes over 李俊's.
The host cadres get accounts of the same kind (no role, no usable password:
they stand for ratings already made, and the demo keeps one account per
role): ``demo-kaocha`` for the first team, which the demo's inspector account
kaocha takes over (:mod:`.accounts`), then ``demo-kaocha-2`` and so on.
"""

from __future__ import annotations

import datetime
import math
import random
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from lianbing.demand.models import Program
from lianbing.engine import taxonomy
from lianbing.evaluation import adapters, tokens
from lianbing.evaluation.models import (
    EvaluationRound,
    GrowthComputation,
    InspectionTeam,
    RaterKind,
    Rating,
    RatingToken,
    RoundStatus,
    TeamMember,
    WeightMethod,
)
from lianbing.evaluation.services import index as index_services
from lianbing.evaluation.services import rounds as round_services
from lianbing.people.models import AbilityAssessment, AssessmentSource
from lianbing.training.models import Secondment

from .earlier import FEATURED_TRAINEE
from .earlier_load import STAFF_USERNAME, person_username

_CITY_TIME = zoneinfo.ZoneInfo("Asia/Shanghai")
ROUND_NAME = "中期考察"
#: The first team's host cadre; the demo's inspector account kaocha takes it over.
INSPECTOR_USERNAME = "demo-kaocha"
TEAMS = 4
PUBLIC_PER_TEAM = 3
_TEAM_NAMES = ("第一专项考察组", "第二专项考察组", "第三专项考察组", "第四专项考察组")
_HOST_CADRES = (
    ("沈建国", "组织委员"),
    ("顾晓红", "党政办主任"),
    ("陆卫东", "组织委员"),
    ("朱丽萍", "党建办副主任"),
)
_SURNAMES = "张王李陈沈徐朱陆顾吴钱周蒋褚冯金姚许胡"
_GIVEN = (
    "阿芳", "建明", "秀英", "国强", "美华", "林根", "菊芬", "伟忠", "雪琴", "志刚",
    "月娥", "荣富", "小平", "玉珍", "德明", "桂英",
)  # fmt: skip
_VILLAGES = (
    "新华村", "永丰村", "红旗村", "东升社区", "和平村", "南湖社区",
    "三星村", "光明村", "金桥社区", "联合村", "幸福村", "城东社区",
)  # fmt: skip
#: The upper triangle of the department's AHP judgements over the seven indicators
#: (ability growth, 现实表现, 岗位适应, 群众评议, 计划完成, 导师月评, 练兵活动成绩),
#: consistent (CR < 0.10). The activities weigh as much as the plan's completion.
JUDGEMENTS: tuple[tuple[str, str, str], ...] = (
    ("ability_growth", "performance", "2"),
    ("ability_growth", "adaptation", "3"),
    ("ability_growth", "public_rating", "2"),
    ("ability_growth", "plan_completion", "3"),
    ("ability_growth", "mentor_assessment", "3"),
    ("performance", "adaptation", "2"),
    ("performance", "public_rating", "1"),
    ("performance", "plan_completion", "2"),
    ("performance", "mentor_assessment", "2"),
    ("adaptation", "public_rating", "1/2"),
    ("adaptation", "plan_completion", "1"),
    ("adaptation", "mentor_assessment", "1"),
    ("public_rating", "plan_completion", "2"),
    ("public_rating", "mentor_assessment", "2"),
    ("plan_completion", "mentor_assessment", "1"),
    ("ability_growth", "activities", "3"),
    ("performance", "activities", "2"),
    ("adaptation", "activities", "1"),
    ("public_rating", "activities", "2"),
    ("plan_completion", "activities", "1"),
    ("mentor_assessment", "activities", "1"),
)

_TEAM_COMMENTS_HIGH = (
    "{name}到{unit}后很快进入角色，{post}的重点任务推进有力，能主动向分管领导提出工作建议。",
    "{name}工作思路清晰，牵头的{post}事项按节点推进，协调各方的能力明显提升。",
    "{name}下村入企勤、情况摸得细，在{unit}班子会上的发言有见地，可压更重的担子。",
)
_TEAM_COMMENTS_MID = (
    "{name}能按时完成交办任务，对{post}的业务逐步熟悉，统筹推进的办法还需多积累。",
    "{name}工作态度端正、作风踏实，在{unit}的群众工作方面还要多下功夫。",
    "{name}基本适应了{post}，处理复杂问题时还需在导师指导下把握分寸。",
)
_TEAM_COMMENTS_LOW = (
    "{name}对{post}的职责还不够熟悉，独立开展工作有困难，建议导师加强带教。",
    "{name}到岗后进入角色偏慢，交办事项有时需要催办，后两个月要重点补短板。",
)
_PUBLIC_COMMENTS_HIGH = (
    "{name}经常到村里走访群众，上次我们反映的道路积水问题一个星期就解决了。",
    "这位干部说话实在，到我家来过两次，帮我们办了实事，村里人都认得。",
    "{name}下沉到网格里听大家意见，矛盾纠纷处理得公道，群众服气。",
    "为我们办了不少实事，老年食堂的事情是{name}跑前跑后落实的。",
)
_PUBLIC_COMMENTS_MID = (
    "来村里走访过，态度很好，有些问题还在等答复。",
    "听说在抓项目，跟我们群众打交道还不算多，希望多到村里来走走。",
    "见过几次面，人比较客气，办实事方面还要再看看。",
)
_PUBLIC_COMMENTS_LOW = (
    "来得比较少，村里不少人还不认识这位干部。",
    "反映的问题转给了部门，后来就没下文了，希望跟踪落实。",
)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=_CITY_TIME)


def _clip(value: float) -> int:
    return max(1, min(5, round(value)))


def _teams_by_unit(secondments: Sequence[Secondment]) -> list[list[Secondment]]:
    """The trainees split into :data:`TEAMS` groups of whole host units, sizes balanced."""
    by_unit: defaultdict[str, list[Secondment]] = defaultdict(list)
    for s in secondments:
        by_unit[s.post.unit.name].append(s)
    groups: list[list[Secondment]] = [[] for _ in range(TEAMS)]
    for unit in sorted(by_unit, key=lambda u: (-len(by_unit[u]), u)):
        smallest = min(range(TEAMS), key=lambda k: (len(groups[k]), k))
        groups[smallest] += by_unit[unit]
    return [sorted(g, key=lambda s: s.pk) for g in groups if g]


def _host_accounts(n: int) -> list[User]:
    """The host cadres' accounts, without a role or a usable password: ``demo-kaocha``,
    which kaocha takes over, then ``demo-kaocha-2`` and so on."""
    user_model = get_user_model()
    wanted = [INSPECTOR_USERNAME] + [f"{INSPECTOR_USERNAME}-{k}" for k in range(2, n + 1)]
    users = []
    for username, (name, _position) in zip(wanted, _HOST_CADRES, strict=False):
        user = user_model(username=username, first_name=name)
        user.set_unusable_password()
        users.append(user)
    user_model.objects.bulk_create(users)
    found = {u.username: u for u in user_model.objects.filter(username__in=wanted)}
    return [found[u] for u in wanted]


def evaluation_round_load(*, program: Program, seed: int, today: datetime.date) -> EvaluationRound:
    """Create the released mid-term round of ``program`` with its ratings and growth index.

    Called inside the loader's transaction, after the earlier program's records.
    """
    rng = random.Random(f"{seed}-evaluation")
    staff = get_user_model().objects.get(username=STAFF_USERNAME)
    # The department's account gets its role when ganbuke takes it over; until
    # then it acts as the department in memory only (see accounts.roles).
    staff.is_staff = True
    secondments = list(
        Secondment.objects.filter(program=program, superseded_at__isnull=True)
        .select_related("cadre", "post__unit", "mentor")
        .order_by("pk")
    )
    closes_on = today - datetime.timedelta(days=7)
    opened_on = closes_on - datetime.timedelta(days=21)
    round_ = round_services.round_create(
        program=program, name=f"{program.name}{ROUND_NAME}", closes_on=closes_on, by=staff
    )
    groups = _teams_by_unit(secondments)
    hosts = _host_accounts(len(groups))
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=[person_username(s.mentor.code) for s in secondments if s.mentor]
        )
    }
    members: list[TeamMember] = []
    teams: list[InspectionTeam] = []
    for k, group in enumerate(groups):
        team = round_services.team_create(round_=round_, name=_TEAM_NAMES[k], by=staff)
        teams.append(team)
        for s in group:
            round_services.team_cover(team=team, secondment=s, by=staff)
        units = sorted({s.post.unit.name for s in group})
        for s in group:
            if s.mentor is not None:
                members.append(
                    TeamMember(
                        team=team,
                        kind=RaterKind.MENTOR,
                        name=s.mentor.name,
                        unit=s.post.unit.name,
                        user=users[person_username(s.mentor.code)],
                    )
                )
        name, position = _HOST_CADRES[k]
        members.append(
            TeamMember(
                team=team,
                kind=RaterKind.HOST_CADRE,
                name=name,
                unit=f"{units[0]}{position}",
                user=hosts[k],
            )
        )
        villages = rng.sample(_VILLAGES, PUBLIC_PER_TEAM)
        for village in villages:
            person = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
            members.append(
                TeamMember(
                    team=team,
                    kind=RaterKind.PUBLIC,
                    name=person,
                    unit=f"{rng.choice(units)}{village}",
                )
            )
    members = TeamMember.objects.bulk_create(members)
    round_services.round_transition(round_=round_, to=RoundStatus.OPEN, by=staff)

    _rate(round_, teams, groups, members, rng, opened_on, closes_on)

    round_services.round_transition(round_=round_, to=RoundStatus.CLOSED, by=staff)
    computation = index_services.growth_compute(
        round_,
        method=WeightMethod.AHP,
        judgements=[list(j) for j in JUDGEMENTS],
        by=staff,
    )
    round_services.round_transition(round_=round_, to=RoundStatus.RELEASED, by=staff)
    EvaluationRound.objects.filter(pk=round_.pk).update(
        created_at=_at(opened_on - datetime.timedelta(days=10), 10),
        opened_at=_at(opened_on, 9),
        closed_at=_at(closes_on + datetime.timedelta(days=1), 9),
        released_at=_at(closes_on + datetime.timedelta(days=4), 15),
    )
    GrowthComputation.objects.filter(pk=computation.pk).update(
        created_at=_at(closes_on + datetime.timedelta(days=2), 10, 30)
    )
    round_.refresh_from_db()
    return round_


def _rate(
    round_: EvaluationRound,
    teams: Sequence[InspectionTeam],
    groups: Sequence[Sequence[Secondment]],
    members: Sequence[TeamMember],
    rng: random.Random,
    opened_on: datetime.date,
    closes_on: datetime.date,
) -> None:
    """Every member rates every trainee of the team; public ratings through a used link."""
    codes = [item.code for item in round_.items.order_by("position")]
    everyone = [s for group in groups for s in group]
    # The trainee whose rank moves with the weights: the villagers' favourite,
    # not yet at home in the post. Never the featured trainee.
    odd = rng.choice([s for s in everyone if s.cadre.code != FEATURED_TRAINEE])
    # Trainees differ more than raters' noise, so that most ranks hold under other weights.
    # A trainee's level follows the mentor's monthly assessments so far.
    monthly = adapters.mentor_assessment(everyone, closes_on)
    level = {
        s.pk: 0.8 + 3.6 * (60.0 if math.isnan(m) else float(m)) / 100.0 + rng.gauss(0.0, 0.3)
        for s, m in zip(everyone, monthly, strict=True)
    }
    level[odd.pk] = 3.2
    featured = next((s for s in everyone if s.cadre.code == FEATURED_TRAINEE), None)
    if featured is not None:
        level[featured.pk] = 4.0  # the article's trainee, doing well at 新仓镇
    strength = {s.pk: {c: rng.gauss(0.0, 0.3) for c in codes} for s in everyone}
    strength[odd.pk]["mass_work"] = 1.8
    strength[odd.pk]["performance"] = -0.6
    strength[odd.pk]["adaptation"] = -1.0
    liked = {s.pk: rng.gauss(0.1, 0.35) for s in everyone}
    liked[odd.pk] = 1.9
    _baselines(everyone, level, strength, rng)
    days = (closes_on - opened_on).days

    uniform_member = next(m for m in members if m.kind == RaterKind.PUBLIC)
    tokens_: list[RatingToken] = []
    ratings: list[tuple[Rating, datetime.datetime]] = []
    by_team = {t.pk: list(g) for t, g in zip(teams, groups, strict=True)}
    for member in members:
        leniency = rng.gauss(0.15 if member.kind == RaterKind.MENTOR else 0.0, 0.2)
        for s in by_team[member.team_id]:
            if member.pk == uniform_member.pk:
                scores = dict.fromkeys(codes, 4)
            elif member.kind == RaterKind.PUBLIC:
                base = level[s.pk] + liked[s.pk] + leniency
                scores = {
                    c: _clip(base + 0.5 * strength[s.pk][c] + rng.gauss(0, 0.35)) for c in codes
                }
            else:
                scores = {
                    c: _clip(level[s.pk] + strength[s.pk][c] + leniency + rng.gauss(0, 0.4))
                    for c in codes
                }
            mean = sum(scores.values()) / len(scores)
            at = _at(opened_on + datetime.timedelta(days=rng.randrange(days)), rng.randrange(9, 18))
            token = None
            if member.kind == RaterKind.PUBLIC:
                token = RatingToken(
                    member=member,
                    secondment=s,
                    token_hash=tokens.token_digest(tokens.token_new()),
                    expires_at=_at(opened_on + datetime.timedelta(days=round_.token_days), 23, 59),
                )
                tokens_.append(token)
            comment = _comment(member, s, mean, rng, uniform=member.pk == uniform_member.pk)
            ratings.append(
                (
                    Rating(
                        round=round_,
                        secondment=s,
                        member=member,
                        token=token,
                        scores=scores,
                        comment=comment,
                    ),
                    at,
                )
            )
    # The ratings take their tokens' keys once the tokens are saved.
    tokens_ = RatingToken.objects.bulk_create(tokens_)
    rows = Rating.objects.bulk_create([r for r, _ in ratings])
    for row, (_, at) in zip(rows, ratings, strict=True):
        row.created_at = at
    Rating.objects.bulk_update(rows, ["created_at"], batch_size=200)
    token_at = {r.token_id: at for r, at in zip(rows, (a for _, a in ratings), strict=True)}
    for token in tokens_:
        token.created_at = token_at[token.pk] - datetime.timedelta(days=2)
    RatingToken.objects.bulk_update(tokens_, ["created_at"], batch_size=200)


def _baselines(
    secondments: Sequence[Secondment],
    level: dict[int, float],
    strength: dict[int, dict[str, float]],
    rng: random.Random,
) -> None:
    """The department's ability review of each trainee before the training (the baseline
    of ability growth): the level the raters now see, less a few months' growth."""
    rows = []
    for s in secondments:
        grown = 8.0 + 8.0 * (level[s.pk] - 3.4) + rng.gauss(0.0, 2.5)
        scores = {
            code: max(
                taxonomy.ABILITY_MIN,
                min(
                    taxonomy.ABILITY_MAX,
                    round(25.0 * (level[s.pk] + strength[s.pk][code] - 1.0) - grown),
                ),
            )
            for code in taxonomy.ABILITY_CODES
        }
        rows.append(
            AbilityAssessment(
                cadre=s.cadre,
                source=AssessmentSource.REVIEW,
                assessed_on=s.started_on - datetime.timedelta(days=20),
                note="练兵前能力研判",
                **scores,
            )
        )
    AbilityAssessment.objects.bulk_create(rows)


def _comment(
    member: TeamMember, s: Secondment, mean: float, rng: random.Random, *, uniform: bool
) -> str:
    if uniform:
        return "挺好的。"
    fields = {"name": s.cadre.name, "unit": s.post.unit.name, "post": s.post.name}
    if member.kind == RaterKind.PUBLIC:
        if rng.random() < 0.35:
            return ""
        pool = (
            _PUBLIC_COMMENTS_HIGH
            if mean >= 3.8
            else _PUBLIC_COMMENTS_MID
            if mean >= 2.8
            else _PUBLIC_COMMENTS_LOW
        )
    else:
        pool = (
            _TEAM_COMMENTS_HIGH
            if mean >= 3.8
            else _TEAM_COMMENTS_MID
            if mean >= 2.8
            else _TEAM_COMMENTS_LOW
        )
    return rng.choice(pool).format(**fields)
