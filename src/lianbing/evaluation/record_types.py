"""The growth record (成长档案) of a trainee as plain data.

The selector fills these from the database; the page, the charts and the Word
builder read them. Nothing here imports Django models, so the Word builder
stays a pure function of its input.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class RecordHeader:
    """Who the trainee is and where they train."""

    name: str
    origin_unit: str
    host_unit: str
    post: str
    mentor: str
    started_on: datetime.date
    ends_on: datetime.date
    program: str
    round_name: str


@dataclass(frozen=True)
class Contribution:
    """One indicator of the index: its weight, its value and the points it adds."""

    code: str
    label: str
    weight: float | None
    value: float | None
    points: float


@dataclass(frozen=True)
class IndexSummary:
    """The trainee's growth index in the latest computation of the round that includes them.

    ``confidence`` is the round's inter-rater reliability (an ICC form named by
    ``confidence_form``), ``None`` when the computation stored none.
    """

    index: float
    rank: int
    of: int
    percentile: float
    coverage: float
    rank_min: int
    rank_max: int
    unstable: bool
    raters: int
    method: str
    computed_at: datetime.datetime
    confidence: float | None
    confidence_form: str
    confidence_label: str


@dataclass(frozen=True)
class AbilityRow:
    """One ability: the baseline before the secondment against the round's ratings, 0-100."""

    code: str
    label: str
    baseline: float | None
    now: float | None

    @property
    def change(self) -> float | None:
        if self.baseline is None or self.now is None:
            return None
        return self.now - self.baseline


@dataclass(frozen=True)
class TrendPoint:
    """The trainee's index in one round of the program that has a computation."""

    round_name: str
    index: float
    rank: int
    of: int
    current: bool


@dataclass(frozen=True)
class Comment:
    """A rater's comment; a public representative's carries no name."""

    kind: str
    name: str
    text: str
    public: bool

    @property
    def author(self) -> str:
        return f"{self.kind}（{self.name}）" if self.name else self.kind


@dataclass(frozen=True)
class RaterRow:
    """One rating received, as the department sees it (public representatives unnamed)."""

    kind: str
    name: str
    submitted_at: datetime.datetime


@dataclass(frozen=True)
class ActivityResult:
    """The trainee's result in one finished empowerment activity (赋能活动).

    ``score`` is the mean over the tested abilities of the assessors' mean
    score, on the activity's scale ``scale_min..scale_max``; ``percent`` the
    same on 0-100; both ``None`` when nobody scored the trainee. ``counted``:
    the activity was held by the round's closing date, so it is in the index.
    """

    title: str
    kind: str
    held_on: datetime.date
    score: float | None
    percent: float | None
    scale_min: int
    scale_max: int
    counted: bool


@dataclass(frozen=True)
class GrowthRecord:
    round_id: int
    secondment_id: int
    header: RecordHeader
    index: IndexSummary | None
    baseline_on: datetime.date | None
    abilities: tuple[AbilityRow, ...]
    trend: tuple[TrendPoint, ...]
    contributions: tuple[Contribution, ...]
    comments: tuple[Comment, ...]
    ratings_count: int
    #: Filled for the department only; others see ``ratings_count``.
    raters: tuple[RaterRow, ...]
    released: bool
    #: Finished empowerment activities the trainee took part in, by date.
    activities: tuple[ActivityResult, ...] = ()
