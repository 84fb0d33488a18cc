"""The draws that posts and cadres share: ids, proportional spreads, months, names."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import TypeVar

from lianbing.engine import taxonomy

from .banks import banks

_T = TypeVar("_T")

MALE, FEMALE = taxonomy.GENDERS


def ids(prefix: str, count: int) -> list[str]:
    width = max(3, len(str(count)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, count + 1)]


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, ties to the first)."""
    whole = sum(weights)
    quotas = [total * w / whole for w in weights]
    counts = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def spread(rng: random.Random, count: int, weighted: Sequence[tuple[_T, int]]) -> list[_T]:
    """``count`` items in proportion to their weights (systematic sampling), shuffled."""
    whole = sum(w for _, w in weighted)
    offset = rng.random()
    picked: list[_T] = []
    for i in range(count):
        point = (offset + i) * whole / count
        acc = 0
        for item, w in weighted:
            acc += w
            if point < acc:
                picked.append(item)
                break
        else:
            picked.append(weighted[-1][0])
    rng.shuffle(picked)
    return picked


def weighted(rng: random.Random, pairs: Sequence[tuple[_T, int]]) -> _T:
    return rng.choices([p for p, _ in pairs], [w for _, w in pairs])[0]


def month(index: int) -> str:
    """``YYYY-MM`` of a month counted from year 0 (index = year * 12 + month - 1)."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_index(text: str) -> int:
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


class NamePool:
    """Chinese names, unique within a program as long as the banks allow it."""

    def __init__(self, rng: random.Random) -> None:
        b = banks()
        self._rng = rng
        self._taken = set(b.bystanders)
        self._taken.update(c.name for c in b.article_cadres)
        self._taken.add(b.article_mentor)

    def draw(self, gender: str) -> str:
        rng = self._rng
        names = banks().names
        name = ""
        for _ in range(30):
            surname = rng.choice(names.surnames)
            if gender == MALE:
                given = (
                    rng.choice(names.male_single)
                    if rng.random() < 0.3
                    else rng.choice(names.male_first) + rng.choice(names.male_second)
                )
            else:
                given = (
                    rng.choice(names.female_single)
                    if rng.random() < 0.3
                    else rng.choice(names.female_first) + rng.choice(names.female_second)
                )
            if len(given) == 2 and given[0] == given[1]:
                continue
            name = surname + given
            if name not in self._taken:
                break
        self._taken.add(name)
        return name
