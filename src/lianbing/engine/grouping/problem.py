"""What the heuristic and the exact method share: input checks, blocks, mixing and the cost."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Pair = tuple[int, int]

#: Weight of the mean per-ability spread beside the spread of the mean total.
ABILITY_WEIGHT: Final[Fraction] = Fraction(1, 2)
#: Cost, in ability points of spread, of one person beyond a label's even share.
MIXING_WEIGHT: Final[Fraction] = Fraction(5)
LABEL_KINDS: Final[tuple[str, ...]] = ("类别", "所在单位", "原单位")


class GroupingInputError(ValueError):
    """Input :func:`balanced` cannot take, or constraints no split can meet (Chinese message)."""


@dataclass(frozen=True)
class Mixing:
    """How one kind of label spreads over groups (see :func:`mixing`).

    ``counts[g]`` maps each label to its number of people in group ``g``;
    ``share[label]`` is the even share ``ceil(count / n_groups)``;
    ``excess[g]`` the people of group ``g`` beyond their label's share, and
    ``total`` their sum.
    """

    counts: list[dict[str, int]]
    share: dict[str, int]
    excess: list[int]

    @property
    def total(self) -> int:
        return sum(self.excess)


def mixing(groups: Sequence[Sequence[int]], labels: Sequence[str | None]) -> Mixing:
    """Count each label in each group, and the people beyond the label's even share.

    ``labels`` gives one label per person (blank or None = no label, not
    counted). A label held by ``c`` people has the even share
    ``ceil(c / len(groups))``: the fewest a split can hold in its fullest group.
    """
    n_groups = len(groups)
    totals = Counter(label for label in labels if label)
    share = {label: math.ceil(c / n_groups) for label, c in sorted(totals.items())}
    counts = [dict(sorted(present(labels, g).items())) for g in groups]
    excess = [sum(max(0, c - share[label]) for label, c in row.items()) for row in counts]
    return Mixing(counts=counts, share=share, excess=excess)


def present(labels: Sequence[str | None], members: Sequence[int]) -> Counter[str]:
    """How many of ``members`` hold each label (blank labels left out)."""
    return Counter(x for x in (labels[i] for i in members) if x)


def sizes_for(n: int, group_size: int) -> list[int]:
    """Group sizes for ``n`` people: ``ceil(n / group_size)`` groups, larger ones first."""
    n_groups = math.ceil(n / group_size)
    base, extra = divmod(n, n_groups)
    return [base + 1] * extra + [base] * (n_groups - extra)


def spread_of(profiles: ArrayLike, groups: Sequence[Sequence[int]]) -> float:
    """``max - min`` over groups of the mean total ability (the measure of :func:`balanced`)."""
    totals = np.asarray(profiles, dtype=np.float64).sum(axis=1)
    means = [float(totals[list(g)].mean()) for g in groups]
    return max(means) - min(means)


def person_name(i: int, names: Sequence[str] | None) -> str:
    return names[i] if names is not None else f"第 {i + 1} 人"


def check_labels(labels: Sequence[str | None] | None, n: int, noun: str) -> list[str | None] | None:
    if labels is None:
        return None
    if len(labels) != n:
        raise GroupingInputError(f"{noun}应为每人一项：共 {n} 人，给出了 {len(labels)} 项。")
    return [str(x).strip() if x is not None and str(x).strip() else None for x in labels]


def check_pairs(
    pairs: Sequence[Pair], n: int, noun: str, names: Sequence[str] | None
) -> list[Pair]:
    checked: list[Pair] = []
    for pair in pairs:
        i, j = (int(pair[0]), int(pair[1]))
        if not (0 <= i < n and 0 <= j < n):
            raise GroupingInputError(f"“{noun}”中的人员编号超出范围（共 {n} 人）。")
        if i == j:
            raise GroupingInputError(f"“{noun}”中{person_name(i, names)}与自己成对，请删除这一项。")
        checked.append((min(i, j), max(i, j)))
    return sorted(set(checked))


def blocks_of(n: int, together: list[Pair]) -> list[list[int]]:
    """People joined by "must be together" pairs (connected components), by first member."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in together:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(root(i), []).append(i)
    return sorted(members.values(), key=lambda b: b[0])


@dataclass(frozen=True, eq=False)
class Problem:
    """Everything the heuristic and CP-SAT share, per block of people kept together."""

    profiles: FloatArray  # (n, k)
    sizes: list[int]  # per group index, larger first
    blocks: list[list[int]]
    block_of: list[int]  # per person
    conflicts: list[set[int]]  # per block, blocks it must be apart from
    label_kinds: list[tuple[str, list[str | None]]]

    @property
    def n_groups(self) -> int:
        return len(self.sizes)


def build_problem(
    profiles: ArrayLike,
    *,
    group_size: int,
    categories: Sequence[str | None] | None = None,
    units: Sequence[str | None] | None = None,
    origins: Sequence[str | None] | None = None,
    separate: Sequence[Pair] = (),
    together: Sequence[Pair] = (),
    names: Sequence[str] | None = None,
) -> Problem:
    """Check the input of :func:`balanced` and gather it per block (Chinese errors)."""
    matrix = np.asarray(profiles, dtype=np.float64)
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise GroupingInputError("能力分应为每人一行、每项能力一列的表。")
    if not np.all(np.isfinite(matrix)):
        raise GroupingInputError("能力分中有空值或非数字，请补全后再分组。")
    n = matrix.shape[0]
    if n < 2:
        raise GroupingInputError("至少需要 2 人才能分组。")
    if group_size < 2:
        raise GroupingInputError("每组人数至少为 2。")
    if names is not None and len(names) != n:
        raise GroupingInputError(f"姓名应为每人一项：共 {n} 人，给出了 {len(names)} 项。")
    kinds = [
        (kind, checked)
        for kind, labels in zip(LABEL_KINDS, (categories, units, origins), strict=True)
        if (checked := check_labels(labels, n, kind)) is not None
    ]
    apart = check_pairs(separate, n, "必须分开", names)
    with_ = check_pairs(together, n, "必须同组", names)

    sizes = sizes_for(n, group_size)
    blocks = blocks_of(n, with_)
    block_of = [0] * n
    for b, block in enumerate(blocks):
        for i in block:
            block_of[i] = b
    for block in blocks:
        if len(block) > sizes[0]:
            who = "、".join(person_name(i, names) for i in block)
            raise GroupingInputError(
                f"{who}必须同组，共 {len(block)} 人，超过每组最多 {sizes[0]} 人；请减少“必须同组”的要求。"
            )
    conflicts: list[set[int]] = [set() for _ in blocks]
    for i, j in apart:
        if block_of[i] == block_of[j]:
            raise GroupingInputError(
                f"{person_name(i, names)}与{person_name(j, names)}既要求同组（直接或经他人）又要求分开，请删去其中一项。"
            )
        conflicts[block_of[i]].add(block_of[j])
        conflicts[block_of[j]].add(block_of[i])
    return Problem(matrix, sizes, blocks, block_of, conflicts, kinds)


def cost_parts(
    problem: Problem, groups: Sequence[Sequence[int]]
) -> tuple[float, FloatArray, FloatArray, dict[str, int], float]:
    """Spread, group means of each ability (G, k), ability spreads, excess and the cost."""
    ability_means = np.array([problem.profiles[list(g)].mean(axis=0) for g in groups])
    totals = ability_means.sum(axis=1)
    spread = float(totals.max() - totals.min())
    ability_spreads = ability_means.max(axis=0) - ability_means.min(axis=0)
    excess = {kind: mixing(groups, labels).total for kind, labels in problem.label_kinds}
    cost = (
        spread
        + float(ABILITY_WEIGHT) * float(ability_spreads.mean())
        + float(MIXING_WEIGHT) * sum(excess.values())
    )
    return spread, ability_means, ability_spreads, excess, cost


def canonical(groups: list[list[int]]) -> list[list[int]]:
    """Members ascending; groups by descending size, then by first member."""
    return sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))
