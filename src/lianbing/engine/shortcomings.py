"""Stated shortcomings (短板) and what a post trains.

The department writes 短板 as plain sentences: "缺乏基层工作经历", "视野局限于一个
部门", "几乎不与企业打交道". The program's point is that the post trains what the
cadre lacks (双赢): a town or street post trains grassroots, front-line and
mass work; a city platform widens the view; a project post trains project
work, an enterprise-service post enterprise work. This module reads both sides
into vectors over the same needs so that scoring can take their product.

The needs and their words live in ``data/shortcomings.txt`` (one line a need,
``need | words in 短板 | unit kinds that train it | words in 锻炼方向/重点任务``);
the seven abilities are needs too (their words from ``ability_keywords.txt``).

Rules (pure, deterministic):

* a cadre states a need when one clause of 短板 (split on punctuation) holds a
  word of the need and a lack marker (:data:`LACK_MARKERS`); ability needs
  also count when the ability's label or short form is named at all;
* a post trains a need fully (1.0) when its unit kind is one the line names or
  a word of the need occurs in 锻炼方向, and partly (:data:`TASK_TRAINS`) when a
  word occurs only in 重点任务 or 岗位职责.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
from numpy.typing import NDArray

from lianbing.engine import lexicon, taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile

#: Words that make a clause of 短板 a statement of lack.
LACK_MARKERS: Final[tuple[str, ...]] = (
    "缺乏",
    "缺少",
    "欠缺",
    "不足",
    "不够",
    "没有",
    "从未",
    "未曾",
    "几乎不",
    "很少",
    "不熟悉",
    "不了解",
    "局限",
    "较弱",
    "偏弱",
    "薄弱",
    "有待",
    "不多",
)

#: How much a post trains a need named only in its tasks or duties.
TASK_TRAINS: Final[float] = 0.6

_CLAUSES: Final = re.compile(r"[，,；;。、\n]+")


@dataclass(frozen=True)
class Need:
    """One thing a cadre can lack and a post can train."""

    code: str
    words: tuple[str, ...]
    unit_kinds: tuple[str, ...]
    trained_by: tuple[str, ...]


@lru_cache(maxsize=1)
def needs() -> tuple[Need, ...]:
    """The experience needs of ``data/shortcomings.txt``, then the seven abilities.

    Raises ValueError (Chinese message) on a malformed line or an unknown unit kind.
    """
    table: list[Need] = []
    for line in lexicon.data_lines("shortcomings.txt"):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 4 or not parts[0] or not parts[1]:
            raise ValueError(f"短板对照表格式错误：“{line}”")
        kinds = tuple(k for k in parts[2].split() if k != "-")
        for kind in kinds:
            taxonomy.unit_kind(kind)
        table.append(Need(parts[0], tuple(parts[1].split()), kinds, tuple(parts[3].split())))
    for code, words in lexicon.ability_keywords().items():
        table.append(Need(f"ability:{code}", tuple(words), (), ()))
    return tuple(table)


def _is_ability(need: Need) -> bool:
    return need.code.startswith("ability:")


def stated(shortcomings: str) -> NDArray[np.float64]:
    """1 for each need (in :func:`needs` order) the 短板 text states, else 0."""
    table = needs()
    vector = np.zeros(len(table))
    clauses = [c for c in _CLAUSES.split(shortcomings) if c.strip()]
    lacking = [c for c in clauses if any(marker in c for marker in LACK_MARKERS)]
    for k, need in enumerate(table):
        if (_is_ability(need) and any(w in shortcomings for w in need.words[:2])) or any(
            word in clause for clause in lacking for word in need.words
        ):
            vector[k] = 1.0
    return vector


def trained(post: PostProfile, develops: NDArray[np.float64]) -> NDArray[np.float64]:
    """How much ``post`` trains each need, in [0, 1].

    ``develops`` is the post's develop vector over the seven abilities (how
    scoring reads 锻炼方向 and the core abilities); the ability needs take it.
    """
    table = needs()
    vector = np.zeros(len(table))
    kind = post.unit_kind
    tasks = f"{post.key_tasks}\n{post.duties}"
    ability = 0
    for k, need in enumerate(table):
        if _is_ability(need):
            vector[k] = develops[ability]
            ability += 1
        elif kind in need.unit_kinds or any(w in post.develops for w in need.trained_by):
            vector[k] = 1.0
        elif any(w in tasks for w in need.trained_by):
            vector[k] = TASK_TRAINS
    return vector


def stated_matrix(cadres: Sequence[CadreProfile]) -> NDArray[np.float64]:
    """:func:`stated` for every cadre, shape (n_cadres, n_needs)."""
    return np.array([stated(c.shortcomings) for c in cadres]).reshape(len(cadres), len(needs()))


def label(code: str) -> str:
    """Chinese name of a need, for explanations."""
    if code.startswith("ability:"):
        return taxonomy.ability(code.removeprefix("ability:")).label
    return _LABELS.get(code, code)


_LABELS: Final[dict[str, str]] = {
    "grassroots": "基层经历",
    "frontline": "一线实务",
    "project": "项目经验",
    "enterprise": "企业服务经验",
    "mass_work": "群众工作经验",
    "view": "全局视野",
    "business": "业务工作经验",
}
