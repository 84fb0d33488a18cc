"""The demo's earlier program: four months into its training period when the demo is loaded.

The demo program of :func:`.generator.generate` is at the matching stage.
Beside it the demo loads an earlier program already placed, so that the
mentor, trainee and host-unit accounts see real work the moment they log in.
This module decides who is placed where and draws the records of the first
months (plans, milestones, logs, comments, monthly assessments); the loader
(:mod:`.earlier_load`) writes them. Pure Python, no Django, no clock: the
load date comes in as ``today``.

Dates
    The earlier program starts on the first of the month four months before
    ``today`` and lasts twelve months (loaded on 2026-05-15: 2026-01-01 to
    2026-12-31, month five of twelve). The current program keeps the article's
    March start, in the first March after ``today`` (2027-03-01): it is being
    matched now and is the newest program, the one the pages show by default
    (``demand.selectors.current_program``: newest ``started_on``). Before the
    earlier program existed, the current program was the fixed 2021 program;
    a fixed past year cannot stay newer than a program dated from the load
    date, so the loader now asks the generator for that coming year
    (:func:`current_year`). The generator itself, its defaults and its stored
    digests are unchanged.

People
    The article's six cadres on the article's posts (王楠楠 at 曹桥街道's
    文旅发展岗, 孙杰 at 新仓镇's 美丽城镇项目建设岗 with 李俊, ...), pinned
    there with the department's reasons, and about fourteen more cadres of the
    demo's pool on posts of the same host units (``[[pool]]`` in
    ``data/training.toml``), about twenty in all. They are the same people as
    in the current pool, not copies: the demo's 干部库, dashboard and tests
    count 110 cadres, find one 王楠楠, and the current program's matching
    shows the article's cases on the article's posts. A real city would not
    put a cadre still in training into the next pool; the demo does, so that
    each half of the program shows the article's people. The earlier program
    has its own posts (copies of the current ones at those units, twelve
    months long), each with its own mentor at the unit (一对一: no mentor has
    two trainees), the post that names 李俊 keeping him.

Records
    Every trainee has an approved plan (version 1; for two of them version 1
    returned with a reason and version 2 approved; one more has a revised
    version 2 awaiting approval), goals tied to the seven abilities and to the
    post's key tasks, twelve monthly milestones (the first three done; the
    fourth done except for a few trainees, for whom it is late), a work log
    about every week with numbers in its results, the mentor's comments on
    some logs, and monthly assessments for months one to three on the
    program's scale (month four too, except for a few mentors, among them the
    featured trainee's, so that the mentor account has something due). Two or
    three trainees have filed no log for more than two weeks. The featured
    trainee (孙杰, the demo's trainee account) is never late nor silent.
    Everything is drawn with ``random.Random`` from the seed and the start
    month: the same load date gives the same records.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from lianbing.engine import scoring, taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile

from .banks import banks
from .program import START_MONTH, DemoProgram
from .training_banks import ArticleTrainee, GoalText, training_banks

#: The featured trainee, whom the demo's trainee account acts for: 孙杰, the article's
#: cadre at 新仓镇 with mentor 李俊 (the article's cadres keep their ids, C001...).
FEATURED_TRAINEE = "C004"
#: Months from the earlier program's start to the month of the load date.
MONTHS_IN = 4
#: Its length in months, and the number of monthly milestones of each plan.
PROGRAM_MONTHS = 12
#: Trainees whose fourth milestone is late, and trainees without a recent log.
LATE_TRAINEES = 3
SILENT_TRAINEES = 3
#: Trainees whose version 1 was returned, and whose revised version awaits approval.
RETURNED_PLANS = 2
SUBMITTED_REVISIONS = 1
#: Mentors who have not yet recorded month four's assessment.
MISSING_LAST_ASSESSMENTS = 4
#: Goals of a plan (the article's six have three of their own, and one more).
GOALS = 4
#: A silent trainee's last log is this many days old at least (the default log gap is 14).
SILENT_AFTER_DAYS = 17


# ----------------------------------------------------------------- dates


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def earlier_start(today: datetime.date) -> datetime.date:
    """The earlier program's first day: the first of the month four months before ``today``."""
    return add_months(today, -MONTHS_IN)


def earlier_end(start: datetime.date) -> datetime.date:
    return add_months(start, PROGRAM_MONTHS) - datetime.timedelta(days=1)


def current_year(today: datetime.date) -> int:
    """The year of the first March after ``today``: when the program being matched starts."""
    return today.year + (today >= datetime.date(today.year, START_MONTH, 1))


# ----------------------------------------------------------------- who is placed where


@dataclass(frozen=True)
class Pin:
    """A placement the department fixed in the run (指定配置), with its reason."""

    cadre_id: str
    post_id: str
    reason: str


@dataclass(frozen=True)
class EarlierPool:
    """The earlier program's posts (each with its own mentor) and pool, and the article's pins."""

    posts: tuple[PostProfile, ...]
    cadre_ids: tuple[str, ...]
    pins: tuple[Pin, ...]


def earlier_pool(demo: DemoProgram, *, seed: int) -> EarlierPool:
    """Choose the earlier program's posts, mentors and cadres from the demo program.

    The article's six posts and cadres come first; then, for each host unit
    of the banks' ``[[pool]]``, posts of that unit drawn until the unit has
    its number, each with a cadre of the post's category drawn from the rest
    of the pool (one who does not avoid the unit). Every post gets a mentor
    of its unit whom no other post has: the post's own first, unless taken.
    """
    rng = random.Random(seed)
    b = banks()
    n_article = min(len(b.article_posts), len(demo.posts), len(demo.cadres))
    posts = list(demo.posts[:n_article])
    for unit, wanted in training_banks().pool:
        have = sum(1 for q in posts if q.unit == unit)
        candidates = [q for q in demo.posts[n_article:] if q.unit == unit]
        posts += rng.sample(candidates, max(0, min(wanted - have, len(candidates))))

    chosen = [c.id for c in demo.cadres[:n_article]]
    rest = [c for c in demo.cadres[n_article:]]
    for post in posts[n_article:]:
        free = [c for c in rest if c.id not in chosen and post.unit not in c.avoided_units]
        same = [c for c in free if (c.category or scoring.derive_category(c)) == post.category]
        if same or free:
            chosen.append(rng.choice(same or free).id)

    mentors = _one_mentor_each(demo, posts, n_article)
    article = training_banks().article
    pins = tuple(
        Pin(cadre.id, post.id, article[cadre.name].pin)
        for cadre, post in zip(demo.cadres[:n_article], posts[:n_article], strict=True)
        if cadre.name in article
    )
    earlier_posts = tuple(
        replace(q, mentor=mentors[q.id], seats=1, duration_months=PROGRAM_MONTHS)
        for q in sorted(posts, key=lambda q: q.id)
    )
    return EarlierPool(posts=earlier_posts, cadre_ids=tuple(sorted(chosen)), pins=pins)


def _one_mentor_each(
    demo: DemoProgram, posts: Sequence[PostProfile], n_article: int
) -> dict[str, str]:
    """Post id -> a mentor of its unit, no mentor twice; a mentor the article names keeps his post."""
    article = banks().article_posts
    by_unit: dict[str, list[str]] = {}
    for m in demo.mentors:
        by_unit.setdefault(m.unit, []).append(m.name)
    first = [posts[i] for i in range(n_article) if article[i].mentor]
    taken: set[tuple[str, str]] = set()
    result: dict[str, str] = {}
    for post in [*first, *(q for q in posts if q not in first)]:
        options = [post.mentor, *by_unit.get(post.unit, ())]
        name = next((n for n in options if n and (post.unit, n) not in taken), post.mentor)
        taken.add((post.unit, name))
        result[post.id] = name
    return result


# ----------------------------------------------------------------- the records of the first months


@dataclass(frozen=True)
class Placement:
    """A placed trainee of the earlier program, as the run finalised it."""

    cadre: CadreProfile
    post: PostProfile
    mentor: str  # the confirmed mentor's name


@dataclass(frozen=True)
class Comment:
    by_mentor: bool  # else by the trainee
    on: datetime.date
    text: str


@dataclass(frozen=True)
class GoalSpec:
    ability: str
    key_task: str
    goal: str
    measure: str


@dataclass(frozen=True)
class MilestoneSpec:
    month: int  # 1..12
    due_on: datetime.date
    title: str
    detail: str
    done_on: datetime.date | None
    note_on: datetime.date | None  # the trainee's progress note, if any
    note: str


@dataclass(frozen=True)
class PlanSpec:
    version: int
    status: str  # a training.models.PlanStatus value
    duties: str
    summary: str
    goals: tuple[GoalSpec, ...]
    milestones: tuple[MilestoneSpec, ...]
    drafted_on: datetime.date
    submitted_on: datetime.date
    decided_on: datetime.date | None
    return_reason: str
    comments: tuple[Comment, ...]


@dataclass(frozen=True)
class LogSpec:
    on: datetime.date
    work: str
    results: str
    comment: Comment | None


@dataclass(frozen=True)
class AssessmentSpec:
    month: datetime.date  # the first day of the month assessed
    on: datetime.date
    scores: tuple[tuple[str, int], ...]  # ability code, score on the program's scale
    remark: str


@dataclass(frozen=True)
class TraineeRecords:
    cadre_id: str
    post_id: str
    plans: tuple[PlanSpec, ...]  # by version
    logs: tuple[LogSpec, ...]  # by date
    assessments: tuple[AssessmentSpec, ...]  # by month
    late: bool
    silent: bool


@dataclass(frozen=True)
class TrainingPeriod:
    start: datetime.date
    today: datetime.date
    trainees: tuple[TraineeRecords, ...]


def training_draw(
    placements: Sequence[Placement],
    *,
    start: datetime.date,
    today: datetime.date,
    seed: int,
    scale: int = 5,
    featured: str = "",
) -> TrainingPeriod:
    """Draw the records of the earlier program from ``start`` up to ``today``.

    Inputs: the placed trainees, the program's first day, the load date, the
    seed, the assessment scale (its highest score) and the cadre id of the
    featured trainee (the demo's trainee account: never late nor silent, and
    the mentor's assessment of the last month still due). Output: one
    :class:`TraineeRecords` per placement, in post order. Rules: see the
    module docstring. Every date lies between ``start`` and ``today``, and
    equal arguments give equal records.
    """
    rng = random.Random(seed * 1_000 + start.year * 12 + start.month)
    ordered = sorted(placements, key=lambda p: p.post.id)
    others = [p.cadre.id for p in ordered if p.cadre.id != featured]
    late = set(rng.sample(others, min(LATE_TRAINEES, len(others))))
    silent = set(rng.sample(others, min(SILENT_TRAINEES, len(others))))
    returned = set(rng.sample(others, min(RETURNED_PLANS, len(others))))
    unrevised = [c for c in others if c not in returned and c not in late]
    revised = set(rng.sample(unrevised, min(SUBMITTED_REVISIONS, len(unrevised))))
    unassessed = {featured} | set(
        rng.sample(others, min(MISSING_LAST_ASSESSMENTS - 1, len(others)))
    )
    trainees = []
    for p in ordered:
        draw = _Draw(rng, p, start, today)
        cid = p.cadre.id
        trainees.append(
            TraineeRecords(
                cadre_id=cid,
                post_id=p.post.id,
                plans=draw.plans(
                    late=cid in late, returned=cid in returned, revised=cid in revised
                ),
                logs=draw.logs(silent=cid in silent, eager=cid == featured),
                assessments=draw.assessments(
                    scale=scale, behind=cid in late or cid in silent, last=cid not in unassessed
                ),
                late=cid in late,
                silent=cid in silent,
            )
        )
    return TrainingPeriod(start=start, today=today, trainees=tuple(trainees))


def _weekday(day: datetime.date) -> datetime.date:
    """The Friday before a Saturday or Sunday."""
    return day - datetime.timedelta(days=max(0, day.weekday() - 4))


def _short(task: str) -> str:
    """The first clause of a key task."""
    for mark in ("，", "；", "。"):
        task = task.split(mark, 1)[0]
    return task.strip()


class _Draw:
    """The draws of one trainee: the texts know the post, unit, mentor and shortcomings."""

    def __init__(
        self, rng: random.Random, p: Placement, start: datetime.date, today: datetime.date
    ) -> None:
        self.rng = rng
        self.p = p
        self.start = start
        self.today = today
        b = training_banks()
        self.article: ArticleTrainee | None = b.article.get(p.cadre.name)
        self.category = b.categories[p.post.category]
        tasks = [t.strip() for t in p.post.key_tasks.split("；") if t.strip()] or [p.post.name]
        self.tasks = tasks
        host = banks().host_by_name.get(p.post.unit)
        develops = p.post.develops.split("；", 1)[0]
        self.develops = [
            taxonomy.ability(label).code for label in develops.split("、") if label
        ] or [code for code, _ in p.post.core_abilities[:2]]
        gap = p.cadre.shortcomings.split("；", 1)[0].strip() or "缺乏基层工作经历"
        self.names = {
            "unit": p.post.unit,
            "s": host.short if host else p.post.unit,
            "post": p.post.name,
            "mentor": p.mentor,
            "task1": _short(tasks[0]),
            "task2": _short(tasks[min(1, len(tasks) - 1)]),
            "task3": _short(tasks[min(2, len(tasks) - 1)]),
            "abilities": "、".join(taxonomy.ability(c).label for c in self.develops),
            "gap": gap,
        }

    def text(self, template: str, **extra: str) -> str:
        n = self.rng.randint(6, 30)
        m = self.rng.randint(2, min(n, 15))
        k = self.rng.randint(1, min(m, 5))
        values = {
            "task": _short(self.rng.choice(self.tasks)),
            "place": "",
            **self.names,
            **extra,
            "n": str(n),
            "m": str(m),
            "k": str(k),
            "p": str(self.rng.randint(60, 98)),
        }
        if "{place}" in template and not extra.get("place"):
            bank = self.article or self.category
            values["place"] = self.rng.choice(bank.places).format(**values)
        return template.format(**values)

    def day(self, month: int, low: int, high: int) -> datetime.date:
        """A weekday of the plan's ``month`` (1 = the first), ``low``-``high`` days in."""
        first = add_months(self.start, month - 1)
        return _weekday(first + datetime.timedelta(days=self.rng.randint(low, high)))

    # -- plan

    def goals(self, *, measured: bool) -> tuple[GoalSpec, ...]:
        """Goals tied to the post's key tasks (the article's own for its six), then to abilities."""
        b = training_banks()
        goals: list[GoalSpec] = []
        if self.article is not None:
            for i, g in enumerate(self.article.goals):
                task = self.tasks[i][:200] if i < min(2, len(self.tasks)) else ""
                goals.append(self._goal(g, task, measured))
        else:
            for i, task in enumerate(self.tasks[:2]):
                core = self.p.post.core_abilities
                goals.append(
                    GoalSpec(
                        ability=core[i % len(core)][0] if core else "",
                        key_task=task[:200],
                        goal=self.text(b.task_goals[i % len(b.task_goals)], task=_short(task)),
                        measure=self.text(self.rng.choice(self.category.measures))
                        if measured
                        else "",
                    )
                )
        # Then the abilities the post trains and the trainee's weakest, four goals in all.
        covered = {g.ability for g in goals}
        scores = zip(self.p.cadre.abilities, taxonomy.ABILITY_CODES, strict=True)
        weakest = [code for _, code in sorted(scores)]
        wanted = [c for c in dict.fromkeys([*self.develops, *weakest]) if c not in covered]
        for code in wanted[: max(1, GOALS - len(goals))]:
            goals.append(self._goal(b.ability_goals[code], "", measured))
        return tuple(goals)

    def _goal(self, g: GoalText, key_task: str, measured: bool) -> GoalSpec:
        return GoalSpec(
            ability=g.ability,
            key_task=key_task,
            goal=self.text(g.goal),
            measure=self.text(g.measure) if measured else "",
        )

    def milestones(self, *, late: bool) -> tuple[MilestoneSpec, ...]:
        """Twelve, one at the end of each month; the article's own first titles for its six."""
        b = training_banks()
        result = []
        own = self.article.milestones if self.article else ()
        for month in range(1, PROGRAM_MONTHS + 1):
            due = add_months(self.start, month) - datetime.timedelta(days=1)
            template = b.milestones[month - 1]
            title = own[month - 1] if month <= len(own) else self.text(template.title)
            done_on = note_on = None
            note = ""
            if month < MONTHS_IN or (month == MONTHS_IN and not late):
                done_on = _weekday(due - datetime.timedelta(days=self.rng.randint(1, 9)))
                note_on, note = done_on, self.rng.choice(b.done_notes)
            elif month == MONTHS_IN:
                note_on = _weekday(due - datetime.timedelta(days=self.rng.randint(3, 8)))
                note = self.rng.choice(b.late_notes)
            result.append(
                MilestoneSpec(
                    month=month,
                    due_on=due,
                    title=title[:200],
                    detail=self.text(template.detail),
                    done_on=done_on,
                    note_on=note_on,
                    note=note,
                )
            )
        return tuple(result)

    def plans(self, *, late: bool, returned: bool, revised: bool) -> tuple[PlanSpec, ...]:
        """Version 1 approved; or returned then version 2 approved; plus a revision awaiting approval."""
        b = training_banks()
        duties = self.p.post.duties
        summary = self.text(self.rng.choice(b.summaries))
        milestones = self.milestones(late=late)
        drafted = self.day(1, 2, 5)
        submitted = drafted + datetime.timedelta(days=self.rng.randint(1, 3))
        plans: list[PlanSpec] = []
        if returned:
            decided = submitted + datetime.timedelta(days=self.rng.randint(2, 4))
            plans.append(
                PlanSpec(
                    version=1,
                    status="returned",
                    duties=duties,
                    summary=summary,
                    goals=self.goals(measured=False),
                    milestones=milestones,
                    drafted_on=drafted,
                    submitted_on=submitted,
                    decided_on=decided,
                    return_reason=self.text(self.rng.choice(b.return_reasons)),
                    comments=(),
                )
            )
            drafted = decided + datetime.timedelta(days=1)
            submitted = drafted + datetime.timedelta(days=self.rng.randint(1, 2))
        approved_on = submitted + datetime.timedelta(days=self.rng.randint(2, 4))
        goals = self.goals(measured=True)
        plans.append(
            PlanSpec(
                version=len(plans) + 1,
                status="approved",
                duties=duties,
                summary=summary,
                goals=goals,
                milestones=milestones,
                drafted_on=drafted,
                submitted_on=submitted,
                decided_on=approved_on,
                return_reason="",
                comments=self._plan_comments(submitted),
            )
        )
        if revised:
            month = MONTHS_IN + 2
            revision = self.rng.choice(b.revisions)
            sent = max(self.today - datetime.timedelta(days=self.rng.randint(1, 4)), approved_on)
            changed = tuple(
                replace(m, title=self.text(revision.title)[:200]) if m.month == month else m
                for m in milestones
            )
            plans.append(
                PlanSpec(
                    version=len(plans) + 1,
                    status="submitted",
                    duties=duties,
                    summary=summary
                    + b.revision_summary.format(
                        change=self.text(revision.change, month=str(month))
                    ),
                    goals=goals,
                    milestones=changed,
                    drafted_on=sent - datetime.timedelta(days=1),
                    submitted_on=sent,
                    decided_on=None,
                    return_reason="",
                    comments=(),
                )
            )
        return tuple(plans)

    def _plan_comments(self, submitted: datetime.date) -> tuple[Comment, ...]:
        """The trainee's remark on the plan and the mentor's reply, the day after it was sent."""
        b = training_banks()
        i = self.rng.randrange(len(b.trainee_comments))
        said = submitted + datetime.timedelta(days=1)
        return (
            Comment(by_mentor=False, on=said, text=b.trainee_comments[i]),
            Comment(by_mentor=True, on=said, text=b.mentor_replies[i % len(b.mentor_replies)]),
        )

    # -- progress

    def log_days(self, *, silent: bool, eager: bool) -> list[datetime.date]:
        """About one log a week from the first days on; the last one recent, or old when silent."""
        if silent:
            last = self.today - datetime.timedelta(days=self.rng.randint(SILENT_AFTER_DAYS, 28))
        else:
            last = self.today - datetime.timedelta(days=self.rng.randint(0, 1 if eager else 4))
        days = [_weekday(self.start + datetime.timedelta(days=self.rng.randint(2, 5)))]
        while True:
            day = _weekday(days[-1] + datetime.timedelta(days=self.rng.randint(5, 9)))
            if day > last:
                break
            days.append(max(day, days[-1] + datetime.timedelta(days=3)))
        if not silent:
            # The latest log falls on the last day chosen, so "recent" is exact.
            if (last - days[-1]).days < 3:
                days[-1] = last
            else:
                days.append(last)
        return [d for d in days if d <= last]

    def logs(self, *, silent: bool, eager: bool) -> tuple[LogSpec, ...]:
        """The trainee's logs, with the mentor's comment on about a third of them."""
        b = training_banks()
        bank = self.article or self.category
        own = list(self.article.comments if self.article else ())
        logs = []
        for day in self.log_days(silent=silent, eager=eager):
            comment = None
            if self.rng.random() < (0.5 if eager else 0.35):
                said = min(day + datetime.timedelta(days=self.rng.randint(0, 2)), self.today)
                text = own.pop(0) if own else self.rng.choice(b.log_comments)
                comment = Comment(by_mentor=True, on=said, text=self.text(text))
            work, results = self.rng.choice(bank.logs)
            place = self.rng.choice(bank.places).format(**self.names)
            logs.append(
                LogSpec(
                    on=day,
                    work=self.text(work, place=place),
                    results=self.text(results, place=place),
                    comment=comment,
                )
            )
        return tuple(logs)

    def assessments(self, *, scale: int, behind: bool, last: bool) -> tuple[AssessmentSpec, ...]:
        """Months one to three (and four when ``last``): the cadre's scores on the program's
        scale, growing faster in the abilities the post trains; lower when ``behind``."""
        b = training_banks()
        months = MONTHS_IN if last else MONTHS_IN - 1
        result = []
        for month in range(1, months + 1):
            scores = []
            for code, score in zip(taxonomy.ABILITY_CODES, self.p.cadre.abilities, strict=True):
                grows = 3 if code in self.develops else 1
                value = (score + grows * month - (4 if behind else 0)) / 100 * scale
                scores.append((code, max(1, min(scale, int(value + 0.5)))))
            kind = (
                "behind"
                if behind and month >= MONTHS_IN - 1
                else ("rising" if month >= 2 and self.rng.random() < 0.5 else "steady")
            )
            trained = taxonomy.ability(self.rng.choice(self.develops)).label
            # Early in the next month, on a working day.
            on = add_months(self.start, month) + datetime.timedelta(days=self.rng.randint(1, 4))
            on += datetime.timedelta(days=max(0, 7 - on.weekday()) if on.weekday() > 4 else 0)
            result.append(
                AssessmentSpec(
                    month=add_months(self.start, month - 1),
                    on=min(on, self.today),
                    scores=tuple(scores),
                    remark=self.text(self.rng.choice(b.remarks[kind]), ability=trained)[:300],
                )
            )
        return tuple(result)
