"""The program's fixed vocabularies: five categories, seven abilities, unit kinds.

Every other module takes these from here; no category, ability or unit kind is
spelled out anywhere else. Codes are stable identifiers stored in the database
and used in code; labels are the Chinese words the department uses (and that
appear as spreadsheet headers and values).

Source: the program feature article (``../shared/seed``): "分出党政群团、经济管理、
城建交通、社会管理、民生事业五大类别" and the seven abilities tested by the
empowerment activities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary: a stable code and its Chinese label."""

    code: str
    label: str


CATEGORIES: Final[tuple[Term, ...]] = (
    Term("party", "党政群团"),
    Term("economy", "经济管理"),
    Term("construction", "城建交通"),
    Term("social", "社会管理"),
    Term("livelihood", "民生事业"),
)

ABILITIES: Final[tuple[Term, ...]] = (
    Term("political", "政治能力"),
    Term("research", "调查研究能力"),
    Term("decision", "科学决策能力"),
    Term("reform", "改革攻坚能力"),
    Term("emergency", "应急处突能力"),
    Term("mass_work", "群众工作能力"),
    Term("execution", "抓落实能力"),
)

UNIT_KINDS: Final[tuple[Term, ...]] = (
    Term("department", "市级部门"),
    Term("town", "镇街道"),
    Term("platform", "市级平台"),
)

#: The values of 性别 as the department writes them (stored as written).
GENDERS: Final[tuple[str, ...]] = ("男", "女")

#: Unit kinds a post can belong to (host units); origin departments are not hosts.
HOST_UNIT_KINDS: Final[tuple[Term, ...]] = tuple(t for t in UNIT_KINDS if t.code != "department")

ABILITY_MIN: Final[int] = 0
ABILITY_MAX: Final[int] = 100
DURATION_MIN_MONTHS: Final[int] = 6
DURATION_MAX_MONTHS: Final[int] = 12

CATEGORY_CODES: Final[tuple[str, ...]] = tuple(t.code for t in CATEGORIES)
CATEGORY_LABELS: Final[tuple[str, ...]] = tuple(t.label for t in CATEGORIES)
ABILITY_CODES: Final[tuple[str, ...]] = tuple(t.code for t in ABILITIES)
ABILITY_LABELS: Final[tuple[str, ...]] = tuple(t.label for t in ABILITIES)
UNIT_KIND_CODES: Final[tuple[str, ...]] = tuple(t.code for t in UNIT_KINDS)
UNIT_KIND_LABELS: Final[tuple[str, ...]] = tuple(t.label for t in UNIT_KINDS)


def _lookup(terms: tuple[Term, ...]) -> dict[str, Term]:
    table: dict[str, Term] = {}
    for term in terms:
        table[term.code] = term
        table[term.label] = term
    return table


_CATEGORY_BY_KEY: Final = _lookup(CATEGORIES)
_ABILITY_BY_KEY: Final = _lookup(ABILITIES)
_UNIT_KIND_BY_KEY: Final = _lookup(UNIT_KINDS)


class UnknownTermError(ValueError):
    """A code or label that is not in the vocabulary."""


def category(key: str) -> Term:
    """Return the category whose code or Chinese label is ``key``."""
    try:
        return _CATEGORY_BY_KEY[key.strip()]
    except KeyError:
        raise UnknownTermError(key) from None


def ability(key: str) -> Term:
    """Return the ability whose code or Chinese label is ``key``.

    The short form without the trailing "能力" (e.g. "群众工作") is accepted too.
    """
    key = key.strip()
    term = _ABILITY_BY_KEY.get(key) or _ABILITY_BY_KEY.get(key + "能力")
    if term is None:
        raise UnknownTermError(key)
    return term


def unit_kind(key: str) -> Term:
    """Return the unit kind whose code or Chinese label is ``key``."""
    try:
        return _UNIT_KIND_BY_KEY[key.strip()]
    except KeyError:
        raise UnknownTermError(key) from None


def ability_index(key: str) -> int:
    """Position of an ability (by code or label) in :data:`ABILITIES`."""
    return ABILITY_CODES.index(ability(key).code)


def choices(terms: tuple[Term, ...]) -> list[tuple[str, str]]:
    """(code, label) pairs, the shape Django's ``choices`` expects."""
    return [(t.code, t.label) for t in terms]
