"""Weights, options, reason codes and the score matrix of :mod:`lianbing.engine.scoring`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import NDArray

from lianbing.engine.footing import (
    Footing,
)

# Reason codes for pairs that are not allowed (stored in ScoreMatrix.forbidden_reason).
ALLOWED: Final[int] = 0
ORIGIN_UNIT: Final[int] = 1
AVOIDED_UNIT: Final[int] = 2
BELOW_FIT_FLOOR: Final[int] = 3

FORBIDDEN_REASON_TEXT: Final[dict[int, str]] = {
    ALLOWED: "可以选派",
    ORIGIN_UNIT: "不得回原单位练兵",
    AVOIDED_UNIT: "属于本人回避单位",
    BELOW_FIT_FLOOR: "专长匹配度低于下限",
}

_WEIGHT_KEYS: Final[dict[str, str]] = {
    "fit": "fit",
    "专长匹配": "fit",
    "development": "development",
    "短板提升": "development",
    "complement": "complement",
    "岗位互补": "complement",
}
_ITEM_SEPARATORS: Final = re.compile(r"[,，;；\s]+")
_KEY_VALUE: Final = re.compile(r"[=:：]")
_KEY_VALUE_SPACES: Final = re.compile(r"\s*([=:：])\s*")


@dataclass(frozen=True)
class Weights:
    """Weights of the three components in the total score.

    Defaults: fit 0.5, development 0.3, complement 0.2. The rule is
    以事择人 first: the post's work has to move forward, so the match of
    strengths (fit) carries half of the total; the program is meant to be a
    双赢, so developing a shortcoming carries a substantial 0.3; 岗位互补 is a
    placement tendency the department follows, not a requirement, hence 0.2.
    Weights must be finite, >= 0 and not all zero; they are normalised to sum
    1 when used (:meth:`normalised`).
    """

    fit: float = 0.5
    development: float = 0.3
    complement: float = 0.2

    def __post_init__(self) -> None:
        values = (self.fit, self.development, self.complement)
        if not all(math.isfinite(v) and v >= 0 for v in values):
            raise ValueError("权重必须是不小于 0 的数")
        if sum(values) <= 0:
            raise ValueError("权重不能全为 0")

    def normalised(self) -> tuple[float, float, float]:
        """(fit, development, complement) scaled to sum 1."""
        total = self.fit + self.development + self.complement
        return (self.fit / total, self.development / total, self.complement / total)

    @classmethod
    def parse(cls, text: str) -> Weights:
        """Read weights from ``"fit=0.5,development=0.3,complement=0.2"``.

        Keys are ``fit``/``development``/``complement`` or their Chinese names
        专长匹配/短板提升/岗位互补; items are separated by commas, semicolons or
        spaces (half or full width) and ``=`` may be ``:``. A key left out keeps
        its default. Raises ValueError with a Chinese message on an unknown or
        repeated key, a value that is not a number, or weights that are
        negative or all zero.
        """
        values: dict[str, float] = {}
        compact = _KEY_VALUE_SPACES.sub(r"\1", text.strip())
        items = [item for item in _ITEM_SEPARATORS.split(compact) if item]
        if not items:
            raise ValueError("权重为空，格式如 fit=0.5,development=0.3,complement=0.2")
        for item in items:
            parts = _KEY_VALUE.split(item, maxsplit=1)
            if len(parts) != 2:
                raise ValueError(f"权重“{item}”缺少“=”，格式如 fit=0.5")
            key, raw = parts
            name = _WEIGHT_KEYS.get(key.strip().lower()) or _WEIGHT_KEYS.get(key.strip())
            if name is None:
                raise ValueError(f"未知的权重名“{key}”，可用 fit、development、complement")
            if name in values:
                raise ValueError(f"权重“{key}”重复")
            try:
                value = float(raw)
            except ValueError:
                raise ValueError(f"权重“{key}”的值“{raw}”不是数字") from None
            values[name] = value
        return cls(**values)


@dataclass(frozen=True)
class ScoreOptions:
    """Options of :func:`score`.

    ``fit_floor`` (default 20): a pair whose fit is below it is not allowed.
    A fit under 20/100 means mediocre abilities on the post's core abilities
    and no shared terms, category or experience: such a placement serves
    neither the post nor the cadre's strengths (发挥专长). ``preference_bonus``
    (default 5): points added to the total when the post is one of the
    cadre's 志愿岗位, enough to decide between near-equal posts but not to
    override a clearly better match; the total is clipped to 100.
    """

    weights: Weights = field(default_factory=Weights)
    fit_floor: float = 20.0
    preference_bonus: float = 5.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.fit_floor) and 0 <= self.fit_floor <= 100):
            raise ValueError("专长匹配下限必须在 0 到 100 之间")
        if not (math.isfinite(self.preference_bonus) and self.preference_bonus >= 0):
            raise ValueError("志愿岗位加分必须是不小于 0 的数")


@dataclass(frozen=True)
class ScoreMatrix:
    """Scores of every cadre (rows) against every post (columns).

    ``fit``, ``development``, ``complement`` and ``total`` are float32 in
    [0, 100]; ``allowed`` is False for a forbidden pair and
    ``forbidden_reason`` holds its reason code (``ALLOWED`` when allowed).
    ``tier`` is the expertise tier of each pair (:data:`footing.CLEAR_MATCH`,
    ``SOME_MATCH``, ``NO_MATCH``) and ``footing`` how the components were put
    on the common scale; both are None for a matrix rebuilt from stored
    components only.
    """

    fit: NDArray[np.float32]
    development: NDArray[np.float32]
    complement: NDArray[np.float32]
    total: NDArray[np.float32]
    allowed: NDArray[np.bool_]
    forbidden_reason: NDArray[np.int8]
    tier: NDArray[np.int8] | None = None
    footing: Footing | None = None

    @property
    def effective_weights(self) -> dict[str, float]:
        """Each component's effective share of the totals (:class:`footing.Footing`)."""
        return {} if self.footing is None else self.footing.effective_weights()


DEFAULT_OPTIONS: Final = ScoreOptions()
