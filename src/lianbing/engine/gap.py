"""Talent-gap model: what host units ask for against what can supply it.

Inputs are the demands of a survey round (:class:`Need`: a host unit, a
category, seats asked, the unit's own current staffing in that line of work,
expertise tags, a priority) and the pool of cadres (:class:`PoolCadre`: a
category and the terms of their expertise and experience).

Definitions (all counts are people):

* **could fill**: pool cadre *j* could fill need *i* when the cadre's category
  equals the need's category **and**, if the need names expertise tags, at
  least one of those tags is among the cadre's terms (canonical terms of the
  cadre's expertise and work history plus their topics, see
  :func:`cadre_terms`). A need without tags asks for the category only.
* **own supply** ``own_i = min(staffing_i, seats_i)``: the unit's own people in
  that line of work count first, never beyond the seats asked.
* **residual** ``r_i = seats_i - own_i``.
* **pool supply** ``pool_i``: the seats of need *i* filled by a maximum
  b-matching of the pool to the residual seats over "could fill" pairs (each
  cadre counted for at most one seat of one need; :func:`assignment.solve`,
  which fills the most seats first). The pool is shared by all units, so a
  cadre who could fill two needs counts for one of them only. Among maximum
  matchings the one covering higher priorities is chosen (pair score =
  priority of the need).
* **supply** ``supply_i = own_i + pool_i`` and **unmet** ``u_i = seats_i -
  supply_i`` (>= 0).
* **gap index** ``g_i = clip((seats_i - (staffing_i + pool_i)) / seats_i, 0,
  1) = u_i / seats_i``: 0 when fully covered, 1 when nothing covers it.
* For a host unit and a category (or an expertise tag): demand ``D = sum
  seats_i``, ``U = sum u_i`` over its needs, gap index ``U / D``; undefined
  (NaN) where the unit asked nothing.

A need with ``u_i > 0`` is one the pool cannot cover; :attr:`NeedGap.reason`
names why: no cadre of its category in the pool, no cadre of its category with
the expertise it asks for, or its candidates are all taken by other needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from lianbing.engine import assignment, lexicon, taxonomy, text

REASON_NO_CATEGORY: Final[str] = "no_category"
REASON_NO_EXPERTISE: Final[str] = "no_expertise"
REASON_CONTENDED: Final[str] = "contended"
REASON_TEXT: Final[dict[str, str]] = {
    REASON_NO_CATEGORY: "干部库中没有该类别的干部",
    REASON_NO_EXPERTISE: "干部库中该类别的干部都不具备所需专长",
    REASON_CONTENDED: "能胜任的干部已被其他需求占用",
}


class GapInputError(ValueError):
    """A need or cadre that the model cannot take (unknown category, seats below 1)."""


@dataclass(frozen=True)
class Need:
    """One demand of a host unit.

    ``category`` is a category code or label; ``seats`` >= 1; ``staffing`` >=
    0 is the unit's current staff in that line of work; ``tags`` are expertise
    tags (canonicalised by :func:`need_tags`); a larger ``priority`` is more
    urgent.
    """

    id: str
    unit: str
    category: str
    seats: int
    staffing: int = 0
    tags: tuple[str, ...] = ()
    priority: int = 1
    title: str = ""


@dataclass(frozen=True)
class PoolCadre:
    """A cadre of the pool: a category code or label and a set of terms (:func:`cadre_terms`)."""

    id: str
    category: str
    terms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NeedGap:
    """The gap of one need (see the module docstring for each figure)."""

    need: Need
    candidates: int
    own: int
    pool: int
    unmet: int
    gap: float
    reason: str = ""

    @property
    def reason_text(self) -> str:
        return REASON_TEXT.get(self.reason, "")


@dataclass(frozen=True)
class CellGap:
    """Demand against supply for one host unit and one category or tag.

    ``candidates`` counts distinct pool cadres who could fill at least one of
    the cell's needs (the depth of the pool for it, before sharing).
    """

    unit: str
    key: str
    label: str
    needs: int
    demand: int
    own: int
    pool: int
    unmet: int
    candidates: int

    @property
    def supply(self) -> int:
        return self.own + self.pool

    @property
    def gap(self) -> float:
        return self.unmet / self.demand if self.demand else float("nan")


@dataclass(frozen=True)
class GapAnalysis:
    """The result of :func:`analyse`.

    ``needs`` in input order; ``units`` in order of first appearance;
    ``by_category[u][c]`` per unit and category (taxonomy order);
    ``gap_matrix`` the same gap indices as a float array (NaN = no demand);
    ``by_tag`` one cell per unit and tag with demand; ``unmet_needs`` the needs
    the pool cannot cover, most urgent first (priority, then gap index, then
    unmet seats, then unit and title).
    """

    needs: tuple[NeedGap, ...]
    units: tuple[str, ...]
    by_category: tuple[tuple[CellGap, ...], ...]
    gap_matrix: NDArray[np.float64]
    by_tag: tuple[CellGap, ...]
    unmet_needs: tuple[NeedGap, ...]
    pool_depth: int = 0

    def unit_cells(self, unit: str) -> tuple[CellGap, ...]:
        """The category cells of one unit (empty when the unit filed nothing)."""
        if unit not in self.units:
            return ()
        return self.by_category[self.units.index(unit)]

    def total(self) -> CellGap:
        """All needs together (``candidates`` = pool cadres who could fill any need)."""
        return _cell("", "", "", self.needs, candidates=self.pool_depth)


def cadre_terms(*texts: str) -> frozenset[str]:
    """Terms a cadre can be matched on: canonical terms of the texts and their topics.

    Input: the cadre's free texts (专长, 工作经历, 专业). Output: the keys of
    :func:`text.term_counts` over them.
    """
    return frozenset(term for doc in texts for term in text.term_counts(doc))


def need_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags in canonical form (synonyms collapsed), blanks and repeats dropped."""
    canonical = lexicon.lexicon().canonical
    cleaned = (tag.strip().lower() for tag in tags)
    return tuple(dict.fromkeys(canonical.get(tag, tag) for tag in cleaned if tag))


def _category_index(key: str, what: str) -> int:
    try:
        return taxonomy.CATEGORY_CODES.index(taxonomy.category(key).code)
    except taxonomy.UnknownTermError:
        raise GapInputError(f"{what}的类别“{key}”不是五大类别之一") from None


def could_fill(needs: Sequence[Need], pool: Sequence[PoolCadre]) -> NDArray[np.bool_]:
    """Bool matrix (n_cadres, n_needs): True where the cadre could fill the need.

    Rule: same category and, when the need has tags, at least one tag among
    the cadre's terms (module docstring). Vectorised over a cadre x tag and a
    need x tag incidence matrix.
    """
    need_cat = np.array([_category_index(n.category, f"需求“{n.id}”") for n in needs], dtype=int)
    cadre_cat = np.array([_category_index(c.category, f"干部“{c.id}”") for c in pool], dtype=int)
    tag_lists = [need_tags(n.tags) for n in needs]
    vocabulary = {tag: k for k, tag in enumerate(dict.fromkeys(t for ts in tag_lists for t in ts))}
    need_tag = np.zeros((len(needs), len(vocabulary)), dtype=np.float64)
    for i, tags in enumerate(tag_lists):
        need_tag[i, [vocabulary[t] for t in tags]] = 1.0
    cadre_tag = np.zeros((len(pool), len(vocabulary)), dtype=np.float64)
    for j, cadre in enumerate(pool):
        columns = [vocabulary[t] for t in cadre.terms if t in vocabulary]
        cadre_tag[j, columns] = 1.0
    same_category = cadre_cat[:, None] == need_cat[None, :]
    shares_tag = (cadre_tag @ need_tag.T) > 0
    untagged = need_tag.sum(axis=1) == 0
    return np.asarray(same_category & (shares_tag | untagged[None, :]), dtype=np.bool_)


def _validate(needs: Sequence[Need]) -> None:
    for need in needs:
        if need.seats < 1:
            raise GapInputError(f"需求“{need.id}”的名额必须至少为 1")
        if need.staffing < 0:
            raise GapInputError(f"需求“{need.id}”的现有人数不能为负数")


def _cell(unit: str, key: str, label: str, gaps: Iterable[NeedGap], *, candidates: int) -> CellGap:
    rows = list(gaps)
    return CellGap(
        unit=unit,
        key=key,
        label=label,
        needs=len(rows),
        demand=sum(g.need.seats for g in rows),
        own=sum(g.own for g in rows),
        pool=sum(g.pool for g in rows),
        unmet=sum(g.unmet for g in rows),
        candidates=candidates,
    )


def analyse(needs: Sequence[Need], pool: Sequence[PoolCadre]) -> GapAnalysis:
    """Demand against supply per need, per unit x category and per unit x tag.

    Inputs: the needs of a round and the cadres of the pool. Output: a
    :class:`GapAnalysis`. Rule: the definitions of the module docstring.
    Raises :class:`GapInputError` for an unknown category, seats below 1 or
    negative staffing.
    """
    _validate(needs)
    fill = could_fill(needs, pool)
    seats = np.array([n.seats for n in needs], dtype=np.int64)
    staffing = np.array([n.staffing for n in needs], dtype=np.int64)
    own = np.minimum(seats, staffing)
    residual = seats - own
    priority = np.array([float(n.priority) for n in needs], dtype=np.float64)
    if needs and pool:
        scores = np.broadcast_to(priority, fill.shape).astype(np.float64)
        solved = assignment.solve(scores, seats=residual, allowed=fill)
        taken = solved.post_of[solved.post_of >= 0]
        pool_cover = np.bincount(taken, minlength=len(needs)).astype(np.int64)
    else:
        pool_cover = np.zeros(len(needs), dtype=np.int64)
    unmet = residual - pool_cover
    candidates = fill.sum(axis=0)
    need_cat = np.array([_category_index(n.category, n.id) for n in needs], dtype=int)
    cadre_cat = np.array([_category_index(c.category, c.id) for c in pool], dtype=int)
    same_category = np.bincount(cadre_cat, minlength=len(taxonomy.CATEGORY_CODES))

    gaps = []
    for i, need in enumerate(needs):
        reason = ""
        if unmet[i] > 0:
            if same_category[need_cat[i]] == 0:
                reason = REASON_NO_CATEGORY
            elif candidates[i] == 0:
                reason = REASON_NO_EXPERTISE
            else:
                reason = REASON_CONTENDED
        gaps.append(
            NeedGap(
                need=need,
                candidates=int(candidates[i]),
                own=int(own[i]),
                pool=int(pool_cover[i]),
                unmet=int(unmet[i]),
                gap=float(unmet[i] / seats[i]),
                reason=reason,
            )
        )

    units = tuple(dict.fromkeys(n.unit for n in needs))
    unit_of = np.array([units.index(n.unit) for n in needs], dtype=int)
    by_category = []
    matrix = np.full((len(units), len(taxonomy.CATEGORY_CODES)), np.nan)
    for u, unit in enumerate(units):
        row = []
        for c, term in enumerate(taxonomy.CATEGORIES):
            members = np.flatnonzero((unit_of == u) & (need_cat == c))
            depth = int(fill[:, members].any(axis=1).sum()) if members.size else 0
            cell = _cell(unit, term.code, term.label, (gaps[i] for i in members), candidates=depth)
            row.append(cell)
            if cell.demand:
                matrix[u, c] = cell.gap
        by_category.append(tuple(row))

    by_tag = []
    tag_lists = [need_tags(n.tags) for n in needs]
    for u, unit in enumerate(units):
        tags = dict.fromkeys(t for i in np.flatnonzero(unit_of == u) for t in tag_lists[i])
        for tag in tags:
            tagged = [int(i) for i in np.flatnonzero(unit_of == u) if tag in tag_lists[i]]
            depth = int(fill[:, tagged].any(axis=1).sum())
            by_tag.append(_cell(unit, tag, tag, (gaps[i] for i in tagged), candidates=depth))

    unmet_needs = sorted(
        (g for g in gaps if g.unmet > 0),
        key=lambda g: (-g.need.priority, -g.gap, -g.unmet, g.need.unit, g.need.title, g.need.id),
    )
    return GapAnalysis(
        needs=tuple(gaps),
        units=units,
        by_category=tuple(by_category),
        gap_matrix=matrix,
        by_tag=tuple(by_tag),
        unmet_needs=tuple(unmet_needs),
        pool_depth=int(fill.any(axis=1).sum()),
    )
