"""The phrase banks of the earlier program's training period, read once from ``data/training.toml``.

Like :mod:`.banks`: the file holds words only; this module turns it into
frozen records and checks every category, ability, unit and article cadre it
names, so that a typo fails on the first load. Order in the file is order in
the records, and the draws go by position.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lianbing.engine import taxonomy

from .banks import _read, banks

#: The placeholders a text of the banks may use (see the file's header).
PLACEHOLDERS = frozenset(
    {
        "unit",
        "s",
        "post",
        "mentor",
        "task",
        "task1",
        "task2",
        "task3",
        "place",
        "ability",
        "abilities",
        "gap",
        "month",
        "change",
        "n",
        "m",
        "k",
        "p",
    }
)


@dataclass(frozen=True)
class GoalText:
    ability: str  # an ability code, "" for a goal tied to a key task only
    goal: str
    measure: str


@dataclass(frozen=True)
class MilestoneText:
    title: str
    detail: str


@dataclass(frozen=True)
class Revision:
    """What a revised plan version changes, and the new title of that month's milestone."""

    change: str
    title: str


@dataclass(frozen=True)
class WorkBank:
    """What a day of work looks like: where, and what was done with what came of it (numbers)."""

    places: tuple[str, ...]
    logs: tuple[tuple[str, str], ...]  # work, results


@dataclass(frozen=True)
class CategoryBank(WorkBank):
    measures: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArticleTrainee(WorkBank):
    """One of the article's six: why the department pinned them, their goals and first milestones."""

    cadre: str = ""
    pin: str = ""
    milestones: tuple[str, ...] = ()
    goals: tuple[GoalText, ...] = ()
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrainingBanks:
    pool: tuple[tuple[str, int], ...]  # host unit, trainees
    summaries: tuple[str, ...]
    return_reasons: tuple[str, ...]
    revisions: tuple[Revision, ...]
    revision_summary: str
    trainee_comments: tuple[str, ...]
    mentor_replies: tuple[str, ...]
    ability_goals: Mapping[str, GoalText]  # by ability code
    task_goals: tuple[str, ...]
    milestones: tuple[MilestoneText, ...]  # twelve, one a month
    done_notes: tuple[str, ...]
    late_notes: tuple[str, ...]
    categories: Mapping[str, CategoryBank]  # by category code
    log_comments: tuple[str, ...]
    remarks: Mapping[str, tuple[str, ...]]  # "rising", "steady", "behind"
    article: Mapping[str, ArticleTrainee]  # by cadre name


@functools.cache
def training_banks() -> TrainingBanks:
    """Read and check the training-period phrase banks (once per process)."""
    data = _read("training.toml")
    plan = data["plan"]
    result = TrainingBanks(
        pool=tuple((row["unit"], int(row["trainees"])) for row in data["pool"]),
        summaries=tuple(plan["summaries"]),
        return_reasons=tuple(plan["return_reasons"]),
        revisions=tuple(Revision(r["change"], r["title"]) for r in plan["revision"]),
        revision_summary=plan["revision_summary"],
        trainee_comments=tuple(plan["trainee_comments"]),
        mentor_replies=tuple(plan["mentor_replies"]),
        ability_goals={
            code: GoalText(code, row["goal"], row["measure"])
            for code, row in _exactly(data["ability"], taxonomy.ABILITY_CODES).items()
        },
        task_goals=tuple(data["task_goal"]["goals"]),
        milestones=tuple(MilestoneText(m["title"], m["detail"]) for m in data["milestone"]),
        done_notes=tuple(data["milestone_notes"]["done"]),
        late_notes=tuple(data["milestone_notes"]["late"]),
        categories={
            code: CategoryBank(tuple(row["places"]), _pairs(row["logs"]), tuple(row["measures"]))
            for code, row in _exactly(data["category"], taxonomy.CATEGORY_CODES).items()
        },
        log_comments=tuple(data["comments"]["logs"]),
        remarks={k: tuple(v) for k, v in _exactly(data["remarks"], _REMARKS).items()},
        article={row["cadre"]: _article(row) for row in data["article"]},
    )
    _check(result)
    return result


_REMARKS = ("rising", "steady", "behind")


def _exactly(table: dict[str, Any], codes: Iterable[str]) -> dict[str, Any]:
    expected = tuple(codes)
    if set(table) != set(expected):
        raise ValueError(f"expected exactly the codes {expected!r}, got {sorted(table)!r}")
    return {code: table[code] for code in expected}


def _pairs(rows: Iterable[Iterable[str]]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for row in rows:
        work, results = row
        pairs.append((work, results))
    return tuple(pairs)


def _article(row: Mapping[str, Any]) -> ArticleTrainee:
    return ArticleTrainee(
        places=tuple(row["places"]),
        logs=_pairs(row["logs"]),
        cadre=row["cadre"],
        pin=row["pin"],
        milestones=tuple(row["milestones"]),
        goals=tuple(GoalText(g["ability"], g["goal"], g["measure"]) for g in row["goals"]),
        comments=tuple(row.get("comments", ())),
    )


def _texts(b: TrainingBanks) -> Iterable[tuple[str, str]]:
    """Every text of the banks, with where it sits (for the placeholder check)."""
    for where, texts in (
        ("summaries", b.summaries),
        ("return_reasons", b.return_reasons),
        ("revisions", tuple(r.change for r in b.revisions)),
        ("revisions", tuple(r.title for r in b.revisions)),
        ("revision_summary", (b.revision_summary,)),
        ("task_goals", b.task_goals),
        ("done_notes", b.done_notes),
        ("late_notes", b.late_notes),
        ("log_comments", b.log_comments),
    ):
        for text in texts:
            yield where, text
    for goal in b.ability_goals.values():
        yield f"ability {goal.ability}", goal.goal
        yield f"ability {goal.ability}", goal.measure
    for milestone in b.milestones:
        yield "milestone", milestone.title
        yield "milestone", milestone.detail
    for code, bank in b.categories.items():
        for text in (*bank.places, *_flat(bank.logs), *bank.measures):
            yield f"category {code}", text
    for name, a in b.article.items():
        for text in (*a.places, *_flat(a.logs), *a.milestones, *a.comments):
            yield f"article {name}", text
        for goal in a.goals:
            yield f"article {name}", goal.goal
            yield f"article {name}", goal.measure
    for kind, texts in b.remarks.items():
        for text in texts:
            yield f"remarks {kind}", text


def _flat(pairs: Iterable[tuple[str, str]]) -> list[str]:
    return [text for pair in pairs for text in pair]


def _check(b: TrainingBanks) -> None:
    """Names and placeholders must be known; every list the draws pick from must be non-empty."""
    generator = banks()
    hosts = set(generator.host_by_name)
    cadres = {c.name for c in generator.article_cadres}
    problems = [f"pool unit {unit}" for unit, _ in b.pool if unit not in hosts]
    problems += [f"article cadre {name}" for name in b.article if name not in cadres]
    problems += [
        f"article {name}: ability {g.ability}"
        for name, a in b.article.items()
        for g in a.goals
        if g.ability not in taxonomy.ABILITY_CODES
    ]
    if len(b.milestones) != 12:
        problems.append(f"{len(b.milestones)} milestones instead of twelve")
    for where, text in _texts(b):
        names = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
        problems += [f"{where}: placeholder {{{n}}}" for n in sorted(names - PLACEHOLDERS)]
    empty = [
        name
        for name, texts in (
            ("summaries", b.summaries),
            ("return_reasons", b.return_reasons),
            ("revisions", b.revisions),
            ("trainee_comments", b.trainee_comments),
            ("mentor_replies", b.mentor_replies),
            ("task_goals", b.task_goals),
            ("done_notes", b.done_notes),
            ("late_notes", b.late_notes),
            ("log_comments", b.log_comments),
        )
        if not texts
    ]
    empty += [f"category {c}" for c, k in b.categories.items() if not (k.logs and k.places)]
    empty += [f"article {n}" for n, a in b.article.items() if not (a.logs and a.places)]
    empty += [f"remarks {k}" for k, v in b.remarks.items() if not v]
    problems += [f"{name} is empty" for name in empty]
    if problems:
        raise ValueError("training phrase banks: " + "; ".join(problems))
