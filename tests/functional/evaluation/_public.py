"""Links for the public representatives of the ``inspected`` round, and a filled-in form."""

from __future__ import annotations

from lianbing.evaluation.models import EvaluationRound
from lianbing.evaluation.services.public import IssuedToken, tokens_issue

from .conftest import Inspected


def issue(inspected: Inspected) -> list[IssuedToken]:
    """The links of the first team's two public representatives for 孙杰."""
    return tokens_issue(round_=inspected.round, team=inspected.team, by=inspected.placed.staff)


def scores(round_: EvaluationRound, value: int = 4) -> dict[str, int]:
    """Every item of the round's form scored ``value``."""
    return {item.code: value for item in round_.items.all()}


def form_data(round_: EvaluationRound, value: int = 4, comment: str = "") -> dict[str, str]:
    """The POST of the public form: one ``s_<code>`` field per item, and the comment."""
    data = {f"s_{code}": str(v) for code, v in scores(round_, value).items()}
    data["comment"] = comment
    return data
