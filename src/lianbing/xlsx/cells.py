"""Cell values of the department's workbooks: parsers from a cell, renderers to a cell.

A parser turns a cell into a profile value or raises :class:`CellValueError`
with the Chinese clause that says what was expected; a renderer turns a
profile value back into a cell. :mod:`lianbing.xlsx.columns` assembles them
into the sheet layouts.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any, Final

from lianbing.engine import taxonomy

GENDERS: Final[tuple[str, ...]] = taxonomy.GENDERS

#: Separators accepted between items of a list cell (回避单位, 志愿岗位, 核心能力, 擅长能力).
LIST_SEPARATORS: Final[str] = "；;，,、\n"
#: Separators accepted between an ability and its weight in 核心能力.
WEIGHT_SEPARATORS: Final[str] = "：:"
_LIST_SPLIT: Final = re.compile(f"[{re.escape(LIST_SEPARATORS)}]")
_WEIGHT_SPLIT: Final = re.compile(f"[{re.escape(WEIGHT_SEPARATORS)}]")
_YEAR_MONTH: Final = re.compile(r"^(\d{4})\s*-\s*(\d{1,2})$")

#: Written between list items; the first of :data:`LIST_SEPARATORS`.
LIST_JOINER: Final[str] = "；"


class CellValueError(ValueError):
    """A cell value a parser rejects; its argument is the Chinese clause for the problem."""

    @property
    def expected(self) -> str:
        return str(self.args[0])


Parser = Callable[[Any], Any]
Renderer = Callable[[Any], Any]


def number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _range_text(low: float | None, high: float | None, whole: bool) -> str:
    """What a number cell should hold, spaced to follow "应为" (``应为 0–100 的数字``)."""
    kind = "整数" if whole else "数字"
    if low is not None and high is not None:
        return f" {number_text(low)}–{number_text(high)} 的{kind}"
    if low is not None:
        return f"不小于 {number_text(low)} 的{kind}"
    return kind


def number(low: float | None, high: float | None, *, whole: bool = False) -> Parser:
    """A parser for a number within [low, high] (either bound may be open)."""
    wanted = _range_text(low, high, whole)

    def parse(raw: Any) -> float | int:
        if isinstance(raw, bool):
            raise CellValueError(f"不是数字，应为{wanted}")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise CellValueError(f"不是数字，应为{wanted}") from None
        if not math.isfinite(value):
            raise CellValueError(f"不是数字，应为{wanted}")
        if whole and not value.is_integer():
            raise CellValueError(f"不是整数，应为{wanted}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise CellValueError(f"超出范围，应为{wanted}")
        return int(value) if whole else value

    return parse


def text(raw: Any) -> str:
    """Any cell as text; whole numbers lose the ``.0`` Excel gives them (ids, years)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d")
    return str(raw).strip()


def one_of(terms: tuple[taxonomy.Term, ...], noun: str) -> Parser:
    """A parser for a taxonomy label (or code) among ``terms``; returns the code."""
    labels = "、".join(t.label for t in terms)

    def parse(raw: Any) -> str:
        key = text(raw)
        for term in terms:
            if key in (term.code, term.label):
                return term.code
        raise CellValueError(f"不是规定的{noun}，应为 {labels} 之一")

    return parse


def gender(raw: Any) -> str:
    value = text(raw)
    if value not in GENDERS:
        raise CellValueError(f"不是有效的性别，应为 {'、'.join(GENDERS)} 之一")
    return value


def year_month(raw: Any) -> str:
    """出生年月 as ``YYYY-MM``; an Excel date cell is accepted too."""
    if isinstance(raw, dt.date | dt.datetime):
        return f"{raw.year:04d}-{raw.month:02d}"
    match = _YEAR_MONTH.match(text(raw))
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise CellValueError("格式不对，应为“年-月”（YYYY-MM），如 1988-05")
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def email(raw: Any) -> str:
    """电子邮箱, checked only for what is plainly not an address.

    The database check (Django's ``EmailValidator``) is the authority; this lets
    the reader alone report an obvious slip.
    """
    value = text(raw)
    local, at, domain = value.partition("@")
    if not (at and local and "." in domain.strip(".") and not any(c.isspace() for c in value)):
        raise CellValueError("不是有效的电子邮箱，应形如 lijun@example.gov.cn")
    return value


def split_list(raw: Any) -> tuple[str, ...]:
    """Items of a list cell, separated by any of :data:`LIST_SEPARATORS`."""
    return tuple(item.strip() for item in _LIST_SPLIT.split(text(raw)) if item.strip())


def core_abilities(raw: Any) -> tuple[tuple[str, float], ...]:
    """核心能力: ``群众工作能力:3；应急处突能力:2`` to ``(("mass_work", 3.0), ("emergency", 2.0))``.

    The weight after ``:``/``：`` is optional (default 1) and must be positive.
    Every bad item of the cell is named in one message.
    """
    found: list[tuple[str, float]] = []
    bad: list[str] = []
    for item in split_list(raw):
        name, *rest = _WEIGHT_SPLIT.split(item, maxsplit=1)
        try:
            code = taxonomy.ability(name).code
        except taxonomy.UnknownTermError:
            bad.append(f"“{name.strip()}”不是七种能力之一")
            continue
        weight = 1.0
        if rest:
            try:
                weight = float(rest[0])
            except ValueError:
                weight = math.nan
            if not (math.isfinite(weight) and weight > 0):
                bad.append(f"“{item}”的权重应为正数")
                continue
        if any(code == seen for seen, _ in found):
            bad.append(f"“{name.strip()}”重复")
            continue
        found.append((code, weight))
    if bad:
        names = "、".join(taxonomy.ABILITY_LABELS)
        raise CellValueError(
            f"有误：{'；'.join(bad)}。应为能力名称（{names}），可加“:权重”，用“；”分隔"
        )
    return tuple(found)


def abilities(raw: Any) -> tuple[str, ...]:
    """擅长能力: ``群众工作能力；应急处突`` to ``("mass_work", "emergency")``, in the cell's order.

    Each item is an ability name (the short form without "能力" too), each
    once. Every bad item of the cell is named in one message.
    """
    found: list[str] = []
    bad: list[str] = []
    for name in split_list(raw):
        try:
            code = taxonomy.ability(name).code
        except taxonomy.UnknownTermError:
            bad.append(f"“{name}”不是七种能力之一")
            continue
        if code in found:
            bad.append(f"“{name}”重复")
            continue
        found.append(code)
    if bad:
        names = "、".join(taxonomy.ABILITY_LABELS)
        raise CellValueError(f"有误：{'；'.join(bad)}。应为能力名称（{names}），用“；”分隔")
    return tuple(found)


# ---------------------------------------------------------------- renderers


def plain(value: Any) -> Any:
    return value if value != "" else None


def number_cell(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def label_of(terms: tuple[taxonomy.Term, ...]) -> Renderer:
    by_code = {t.code: t.label for t in terms}

    def render(code: str | None) -> str | None:
        return by_code[code] if code else None

    return render


def joined(items: tuple[str, ...]) -> str | None:
    return LIST_JOINER.join(items) or None


def core_abilities_cell(weights: tuple[tuple[str, float], ...]) -> str | None:
    items = [f"{taxonomy.ability(code).label}:{number_text(w)}" for code, w in weights]
    return LIST_JOINER.join(items) or None


def abilities_cell(codes: tuple[str, ...]) -> str | None:
    return LIST_JOINER.join(taxonomy.ability(code).label for code in codes) or None
