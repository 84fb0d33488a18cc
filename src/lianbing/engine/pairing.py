"""Mentor pairing (练兵导师一对一): one mentor proposed for every trainee.

Each trainee (a young cadre seconded to a post at a host unit) is guided by a
mentor (练兵导师) who works at a host unit. :func:`score` rates every
trainee x mentor pair and :func:`propose` picks the pairing with the best total
by an exact optimal assignment (:func:`lianbing.engine.assignment.solve`, the
mentors playing the posts, their capacity the seats). The rules are written
for department readers in ``docs/mentor-pairing.md``.

The score is lexicographic by tier:

1. **tier** (:data:`TIER_NAMED`, :data:`TIER_SAME_UNIT`, :data:`TIER_OTHER`):
   the post's named mentor, else a mentor of the post's host unit, else any
   other mentor;
2. **within the tier** ``w = EXPERTISE_WEIGHT * e + STRENGTHS_WEIGHT * s`` in
   [0, 1], where ``e`` is the text similarity of the mentor's 专长 and the
   post's 重点任务/岗位职责 (:func:`lianbing.engine.text.similarity`, TF-IDF
   cosine) and ``s`` the share of the trainee's needs that the mentor's
   strengths cover (:func:`needs`).

The pair's total is ``B**2 + w`` for the named mentor, ``B + w`` in the same
unit and ``w`` otherwise, with ``B = K + 1`` and ``K`` the most pairs any
pairing can make (``min(trainees, total capacity)``). Since ``w <= 1`` a
pairing's within-tier sum is at most ``K < B``, and its same-unit part at
most ``K * B + K < B**2``: a pairing with more named-mentor pairs always has
the larger total, then one with more same-unit pairs, and only then do the
within-tier scores decide. The solver also fills as many places as it can
before it looks at scores, so every trainee has a mentor whenever the
capacities and the ``allowed`` mask permit it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lianbing.engine import assignment, shortcomings, taxonomy, text

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Tier of a mentor at another unit than the post's.
TIER_OTHER: Final[int] = 0
#: Tier of a mentor working at the post's host unit.
TIER_SAME_UNIT: Final[int] = 1
#: Tier of the mentor the post itself names.
TIER_NAMED: Final[int] = 2

#: Weight, within a tier, of the overlap of the mentor's 专长 with the post's tasks.
EXPERTISE_WEIGHT: Final[float] = 0.6
#: Weight, within a tier, of the mentor's strengths against the trainee's needs.
STRENGTHS_WEIGHT: Final[float] = 0.4
#: How many of the trainee's lowest ability scores count as needs.
WEAKEST_COUNT: Final[int] = 2
#: Shared terms named in an expertise reason of :meth:`PairScores.explain`.
EXPLAIN_TERMS: Final[int] = 3

REASON_NAMED: Final[str] = "岗位指定导师"
REASON_SAME_UNIT: Final[str] = "同一用人单位"

_N_ABILITIES: Final[int] = len(taxonomy.ABILITIES)


def _ability_needs() -> list[int]:
    """Positions of the seven ability needs in :func:`shortcomings.needs`, in taxonomy order."""
    codes = [need.code for need in shortcomings.needs()]
    return [codes.index(f"ability:{code}") for code in taxonomy.ABILITY_CODES]


class PairingInputError(ValueError):
    """Input that :func:`score` or :func:`propose` cannot take, or a request that cannot be met.

    The message is a Chinese sentence naming the mentor, trainee or pair at fault.
    """


@dataclass(frozen=True)
class MentorSide:
    """One mentor: an id, the host unit, the 专长 text, strengths and capacity.

    ``strengths`` are ability codes or labels of :data:`taxonomy.ABILITIES`;
    ``capacity`` is how many trainees the mentor can guide (1 = 一对一).
    """

    id: str
    unit: str
    expertise: str = ""
    strengths: tuple[str, ...] = ()
    capacity: int = 1


@dataclass(frozen=True)
class TraineeSide:
    """One trainee on their post.

    ``post_unit`` is the post's host unit; ``named_mentor`` the id of the
    mentor the post names ("" = none; an id not among the mentors names
    nobody); ``key_tasks`` the post's 重点任务/岗位职责; ``shortcomings`` the
    cadre's 短板; ``abilities`` the seven ability scores (0-100) in
    :data:`taxonomy.ABILITIES` order, or ``()`` when unknown.
    """

    id: str
    post_unit: str
    named_mentor: str = ""
    key_tasks: str = ""
    shortcomings: str = ""
    abilities: tuple[float, ...] = ()


@dataclass(frozen=True, eq=False)
class PairScores:
    """Scores of every trainee x mentor pair (arrays of shape (n_trainees, n_mentors)).

    ``tier`` holds :data:`TIER_NAMED` / :data:`TIER_SAME_UNIT` /
    :data:`TIER_OTHER`; ``expertise`` and ``strengths`` the two within-tier
    components in [0, 1]; ``within`` their weighted sum in [0, 1]; ``total``
    the lexicographic score ``tier_base**2 + within`` (named),
    ``tier_base + within`` (same unit) or ``within``. ``needs`` (n_trainees,
    7) is each trainee's need weight per ability and ``stated`` whether the
    ability is named in the trainee's 短板 (see :func:`needs`).
    """

    total: FloatArray
    tier: IntArray
    expertise: FloatArray
    strengths: FloatArray
    within: FloatArray
    tier_base: float
    needs: FloatArray
    stated: BoolArray
    mentors: tuple[MentorSide, ...] = field(repr=False)
    trainees: tuple[TraineeSide, ...] = field(repr=False)
    strong: BoolArray = field(repr=False)

    def explain(self, i: int, j: int) -> list[str]:
        """Chinese reasons why mentor ``j`` suits trainee ``i``, strongest first.

        Output, each when it holds: 岗位指定导师; 同一用人单位; 专长契合 with
        up to :data:`EXPLAIN_TERMS` shared terms of 专长 and the post's tasks;
        所长补短板 with the mentor's strengths among the abilities the 短板
        names; 所长补弱项 with the strengths among the trainee's weakest
        abilities only. Empty when nothing links the two.
        """
        mentor, trainee = self.mentors[j], self.trainees[i]
        reasons: list[str] = []
        if self.tier[i, j] == TIER_NAMED:
            reasons.append(REASON_NAMED)
        if _same_unit(mentor.unit, trainee.post_unit):
            reasons.append(REASON_SAME_UNIT)
        if self.expertise[i, j] > 0.0:
            terms = [m.term for m in text.term_matches(mentor.expertise, trainee.key_tasks)]
            if terms:
                reasons.append("专长契合：" + "、".join(terms[:EXPLAIN_TERMS]))
        covered = self.strong[j] & (self.needs[i] > 0.0)
        stated_labels = [
            taxonomy.ABILITY_LABELS[a] for a in np.flatnonzero(covered & self.stated[i])
        ]
        weak_labels = [
            taxonomy.ABILITY_LABELS[a] for a in np.flatnonzero(covered & ~self.stated[i])
        ]
        if stated_labels:
            reasons.append("所长补短板：" + "、".join(stated_labels))
        if weak_labels:
            reasons.append("所长补弱项：" + "、".join(weak_labels))
        return reasons


@dataclass(frozen=True, eq=False)
class Pairing:
    """The result of :func:`propose`.

    ``mentor_of[i]`` is the mentor index of trainee ``i`` or -1 (no mentor:
    capacity ran out or every allowed mentor is full). ``total`` is the sum of
    ``scores.total`` over the chosen pairs; ``optimal`` is True when the
    solver proved the pairing optimal; ``scores`` the :class:`PairScores` it
    was chosen on.
    """

    mentor_of: tuple[int, ...]
    total: float
    optimal: bool
    scores: PairScores

    @property
    def paired(self) -> int:
        """How many trainees have a mentor."""
        return sum(1 for j in self.mentor_of if j >= 0)


def _same_unit(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip() == b.strip()


def _check_ids(ids: Sequence[str], noun: str) -> None:
    seen: set[str] = set()
    for k, ident in enumerate(ids):
        if not isinstance(ident, str) or not ident.strip():
            raise PairingInputError(f"第 {k + 1} 名{noun}没有编号。")
        if ident in seen:
            raise PairingInputError(f"{noun}编号“{ident}”重复。")
        seen.add(ident)


def _capacities(mentors: Sequence[MentorSide]) -> IntArray:
    caps = []
    for mentor in mentors:
        cap = mentor.capacity
        if isinstance(cap, bool) or not isinstance(cap, int | np.integer) or cap < 1:
            raise PairingInputError(
                f"导师“{mentor.id}”的可带人数必须是不小于 1 的整数，实际是 {cap!r}。"
            )
        caps.append(int(cap))
    return np.asarray(caps, dtype=np.int64)


def _strength_matrix(mentors: Sequence[MentorSide]) -> BoolArray:
    """(n_mentors, 7) True where the mentor lists the ability among their strengths."""
    strong = np.zeros((len(mentors), _N_ABILITIES), dtype=bool)
    for j, mentor in enumerate(mentors):
        if isinstance(mentor.strengths, str):
            raise PairingInputError(f"导师“{mentor.id}”的所长应为能力列表，而不是一段文字。")
        for key in mentor.strengths:
            try:
                strong[j, taxonomy.ability_index(key)] = True
            except (taxonomy.UnknownTermError, AttributeError):
                raise PairingInputError(
                    f"导师“{mentor.id}”的所长“{key}”不是七项能力之一"
                    f"（{'、'.join(taxonomy.ABILITY_LABELS)}）。"
                ) from None
    return strong


def _ability_matrix(trainees: Sequence[TraineeSide]) -> tuple[FloatArray, BoolArray]:
    """Ability scores (n_trainees, 7) and which rows are known; unknown rows are 0."""
    scores = np.zeros((len(trainees), _N_ABILITIES))
    known = np.zeros(len(trainees), dtype=bool)
    for i, trainee in enumerate(trainees):
        if len(trainee.abilities) == 0:
            continue
        if len(trainee.abilities) != _N_ABILITIES:
            raise PairingInputError(
                f"学员“{trainee.id}”的能力分应有 {_N_ABILITIES} 项"
                f"（{'、'.join(taxonomy.ABILITY_LABELS)}），实际有 {len(trainee.abilities)} 项。"
            )
        try:
            row = np.asarray(trainee.abilities, dtype=np.float64)
        except (TypeError, ValueError):
            raise PairingInputError(f"学员“{trainee.id}”的能力分必须是数值。") from None
        if not np.all(np.isfinite(row)) or np.any(
            (row < taxonomy.ABILITY_MIN) | (row > taxonomy.ABILITY_MAX)
        ):
            raise PairingInputError(
                f"学员“{trainee.id}”的能力分必须在 {taxonomy.ABILITY_MIN}–"
                f"{taxonomy.ABILITY_MAX} 之间。"
            )
        scores[i] = row
        known[i] = True
    return scores, known


def weakest(abilities: FloatArray, known: BoolArray) -> FloatArray:
    """Weight of each ability as one of the :data:`WEAKEST_COUNT` weakest, per trainee.

    Inputs: ``abilities`` (n, 7) scores and ``known`` (n,) rows that have
    scores. Output (n, 7) in [0, 1], each known row summing to
    :data:`WEAKEST_COUNT`, unknown rows 0. Rule: sorted from the lowest, the
    first ``WEAKEST_COUNT`` places count 1 each; abilities tied on a score
    share the places their group takes equally (scores 60, 70, 70, 70, ...:
    the 60 counts 1 and each 70 counts 1/3), so no ability is preferred for
    its position in the list.
    """
    below = (abilities[:, None, :] < abilities[:, :, None]).sum(axis=2)
    tied = (abilities[:, None, :] == abilities[:, :, None]).sum(axis=2)
    places = np.clip(WEAKEST_COUNT - below, 0, tied)
    weights: FloatArray = places / tied
    weights[~known] = 0.0
    return weights


def needs(trainees: Sequence[TraineeSide]) -> tuple[FloatArray, BoolArray]:
    """What each trainee needs a mentor to be strong in, over the seven abilities.

    Output: ``(weights, stated)``, both (n_trainees, 7). ``stated`` is True for
    an ability the 短板 text names (the ability needs of
    :func:`lianbing.engine.shortcomings.stated`); ``weights`` is 1 there and
    else the ability's share of the trainee's two weakest scores
    (:func:`weakest`). Experience needs of 短板 (基层经历, 项目经验, ...) are not
    abilities a mentor lists, so they do not enter here.
    """
    stated = np.zeros((len(trainees), _N_ABILITIES), dtype=bool)
    positions = _ability_needs()
    for i, trainee in enumerate(trainees):
        if trainee.shortcomings.strip():
            vector = shortcomings.stated(trainee.shortcomings)
            stated[i] = vector[positions] > 0.0
    abilities, known = _ability_matrix(trainees)
    weights = np.maximum(stated.astype(np.float64), weakest(abilities, known))
    return weights, stated


def score(mentors: Sequence[MentorSide], trainees: Sequence[TraineeSide]) -> PairScores:
    """Score every trainee x mentor pair for :func:`propose`.

    Inputs: the mentors and the trainees. Output: a :class:`PairScores` of
    shape (n_trainees, n_mentors). Rule (module docstring and
    ``docs/mentor-pairing.md``):

    * ``tier``: :data:`TIER_NAMED` when the mentor's id is the post's named
      mentor, else :data:`TIER_SAME_UNIT` when the mentor's unit is the post's
      (non-blank, compared after trimming spaces), else :data:`TIER_OTHER`;
    * ``expertise`` = TF-IDF cosine of the post's tasks and the mentor's 专长
      (:func:`lianbing.engine.text.similarity`), in [0, 1];
    * ``strengths`` = ``sum(need * strong) / sum(need)`` over the seven
      abilities (0 when the trainee has no need), in [0, 1];
    * ``within = EXPERTISE_WEIGHT * expertise + STRENGTHS_WEIGHT * strengths``;
    * ``total = within + B * [same unit] + B**2 * [named]``, ``B = K + 1``,
      ``K = min(n_trainees, total capacity)``, so a higher tier outweighs any
      sum of lower components over a whole pairing.

    Raises :class:`PairingInputError` for empty or repeated ids, a capacity
    that is not a whole number of at least 1, a strength that is not one of
    the seven abilities, or ability scores that are not seven numbers in 0-100.
    """
    _check_ids([m.id for m in mentors], "导师")
    _check_ids([t.id for t in trainees], "学员")
    capacity = _capacities(mentors)
    strong = _strength_matrix(mentors)
    need, stated = needs(trainees)
    n_trainees, n_mentors = len(trainees), len(mentors)

    mentor_index = {m.id: j for j, m in enumerate(mentors)}
    named = np.zeros((n_trainees, n_mentors), dtype=bool)
    named_rows = [i for i, t in enumerate(trainees) if t.named_mentor in mentor_index]
    named[named_rows, [mentor_index[trainees[i].named_mentor] for i in named_rows]] = True
    units = {u: k for k, u in enumerate({m.unit.strip() for m in mentors} - {""})}
    mentor_unit = np.array([units.get(m.unit.strip(), -1) for m in mentors], dtype=np.int64)
    post_unit = np.array([units.get(t.post_unit.strip(), -2) for t in trainees], dtype=np.int64)
    same = post_unit[:, None] == mentor_unit[None, :]
    tier = np.where(named, TIER_NAMED, np.where(same, TIER_SAME_UNIT, TIER_OTHER)).astype(np.int64)

    expertise = text.similarity([t.key_tasks for t in trainees], [m.expertise for m in mentors])
    expertise64 = np.clip(expertise.astype(np.float64), 0.0, 1.0)
    need_sum = need.sum(axis=1, keepdims=True)
    covered = need @ strong.T.astype(np.float64)
    strengths = np.divide(
        covered, need_sum, out=np.zeros((n_trainees, n_mentors)), where=need_sum > 0.0
    )
    within = EXPERTISE_WEIGHT * expertise64 + STRENGTHS_WEIGHT * strengths

    base = float(min(n_trainees, int(capacity.sum())) + 1)
    tier_value = np.where(
        tier == TIER_NAMED, base * base, np.where(tier == TIER_SAME_UNIT, base, 0.0)
    )
    total = tier_value + within
    arrays = (total, tier, expertise64, strengths, within, need, stated, strong)
    for array in arrays:
        array.setflags(write=False)
    return PairScores(
        total=total,
        tier=tier,
        expertise=expertise64,
        strengths=strengths,
        within=within,
        tier_base=base,
        needs=need,
        stated=stated,
        mentors=tuple(mentors),
        trainees=tuple(trainees),
        strong=strong,
    )


def _allowed_mask(allowed: ArrayLike | None, shape: tuple[int, int]) -> BoolArray | None:
    if allowed is None:
        return None
    mask = np.asarray(allowed)
    if mask.shape != shape:
        raise PairingInputError(
            f"允许矩阵的形状应为（学员数 {shape[0]}，导师数 {shape[1]}），实际是 {mask.shape}。"
        )
    if mask.dtype != np.bool_:
        raise PairingInputError("允许矩阵必须是真/假值（True 为允许）。")
    return mask


def _pins(
    pinned: Iterable[tuple[int, int]],
    scores: PairScores,
    capacity: IntArray,
    allowed: BoolArray | None,
) -> list[tuple[int, int]]:
    n_trainees, n_mentors = scores.total.shape
    mentor_of: dict[int, int] = {}
    for pair in pinned:
        try:
            i, j = (int(x) for x in pair)
        except (TypeError, ValueError):
            raise PairingInputError(f"指定的配对 {pair!r} 应为（学员序号, 导师序号）。") from None
        if not (0 <= i < n_trainees and 0 <= j < n_mentors):
            raise PairingInputError(
                f"指定的配对（学员 {i}，导师 {j}）超出范围"
                f"（共 {n_trainees} 名学员、{n_mentors} 名导师）。"
            )
        trainee, mentor = scores.trainees[i].id, scores.mentors[j].id
        if i in mentor_of and mentor_of[i] != j:
            other = scores.mentors[mentor_of[i]].id
            raise PairingInputError(
                f"学员“{trainee}”被同时指定给导师“{other}”和“{mentor}”，每名学员只能有一位导师。"
            )
        if allowed is not None and not allowed[i, j]:
            raise PairingInputError(
                f"指定的配对（学员“{trainee}” → 导师“{mentor}”）是不允许的配对。"
            )
        mentor_of[i] = j
    per_mentor = np.bincount(
        np.asarray(list(mentor_of.values()), dtype=np.int64), minlength=n_mentors
    )
    over = np.flatnonzero(per_mentor > capacity)
    if over.size:
        k = int(over[0])
        raise PairingInputError(
            f"导师“{scores.mentors[k].id}”只能带 {int(capacity[k])} 名学员，"
            f"却指定了 {int(per_mentor[k])} 名。"
        )
    return sorted(mentor_of.items())


def propose(
    mentors: Sequence[MentorSide],
    trainees: Sequence[TraineeSide],
    *,
    allowed: ArrayLike | None = None,
    pinned: Sequence[tuple[int, int]] = (),
) -> Pairing:
    """Propose a mentor for every trainee: the pairing with the best total score.

    Inputs: the mentors and trainees (see :func:`score`); ``allowed`` an
    optional bool mask (n_trainees, n_mentors), False = the pair may not be
    made (e.g. 回避关系); ``pinned`` (trainee index, mentor index) pairs kept as
    they are (already agreed pairs).

    Rule: each mentor guides at most ``capacity`` trainees, each trainee has at
    most one mentor, forbidden pairs never and pinned pairs always appear.
    Among such pairings, those giving a mentor to the most trainees come
    first and, among them, the one with the largest sum of
    :attr:`PairScores.total` (by the tier weights: the most named-mentor
    pairs, then the most same-unit pairs, then the best within-tier scores).
    Solved exactly by :func:`lianbing.engine.assignment.solve` (mentors as
    posts, capacity as seats): exact in floating point while n_trainees x
    total capacity <= 10^6; beyond, the solver's flow rounds scores to 1/2^31
    of their range (about ``tier_base**2``), far below one tier step. When
    trainees outnumber the places, or the mask leaves a trainee no free
    mentor, that trainee gets -1.

    Raises :class:`PairingInputError` for the input errors of :func:`score`, a
    mask of the wrong shape or type, a pin out of range or on a forbidden
    pair, a trainee pinned to two mentors, or more pins on a mentor than the
    mentor's capacity.
    """
    scores = score(mentors, trainees)
    capacity = _capacities(mentors)
    mask = _allowed_mask(allowed, scores.total.shape)
    pins = _pins(pinned, scores, capacity, mask)
    result = assignment.solve(scores.total, seats=capacity, allowed=mask, pinned=pins)
    if not result.status.has_solution:
        raise PairingInputError(result.reason or "无法得出导师配对方案。")
    return Pairing(
        mentor_of=tuple(int(j) for j in result.post_of),
        total=float(result.total),
        optimal=bool(result.optimal),
        scores=scores,
    )
