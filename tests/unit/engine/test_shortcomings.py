"""Stated shortcomings (短板) and what a post trains."""

from __future__ import annotations

import numpy as np
import pytest

from lianbing.engine import scoring, shortcomings, taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile

TOWN = taxonomy.unit_kind("镇街道").code
PLATFORM = taxonomy.unit_kind("市级平台").code


def _codes(text: str) -> set[str]:
    vector = shortcomings.stated(text)
    return {need.code for k, need in enumerate(shortcomings.needs()) if vector[k]}


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("缺乏镇街道工作经验", "grassroots"),
        ("缺乏基层经验和项目一线经验", "grassroots"),
        ("缺乏基层经验和项目一线经验", "project"),
        ("缺乏基层经验和项目一线经验", "frontline"),
        ("几乎不与企业打交道", "enterprise"),
        ("缺少群众工作经验", "mass_work"),
        ("视野局限于一个部门", "view"),
        ("从未在科室从事过业务工作", "business"),
        ("应急处突能力较弱", "ability:emergency"),
        ("群众工作能力有待提升", "ability:mass_work"),
    ],
)
def test_a_stated_shortcoming_is_read_as_a_need(text: str, need: str) -> None:
    assert need in _codes(text)


def test_a_strength_is_not_read_as_a_shortcoming() -> None:
    assert _codes("在基层工作十年，熟悉项目建设和企业服务") == set()


def _post(**changes: object) -> PostProfile:
    base = PostProfile(id="p", name="岗位", unit="某镇", category="economy", unit_kind=TOWN)
    return PostProfile(**{**base.__dict__, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("post", "need"),
    [
        (_post(unit_kind=TOWN), "grassroots"),
        (_post(unit_kind=TOWN), "mass_work"),
        (_post(unit_kind=PLATFORM), "view"),
        (_post(unit_kind=PLATFORM, develops="项目建设经验"), "project"),
        (_post(unit_kind=PLATFORM, develops="企业服务经验"), "enterprise"),
    ],
)
def test_a_post_trains_what_its_kind_and_training_direction_say(
    post: PostProfile, need: str
) -> None:
    codes = [n.code for n in shortcomings.needs()]

    vector = shortcomings.trained(post, np.zeros(len(taxonomy.ABILITIES)))

    assert vector[codes.index(need)] == 1.0


def test_a_need_named_only_in_the_tasks_is_trained_in_part() -> None:
    codes = [n.code for n in shortcomings.needs()]
    post = _post(unit_kind=PLATFORM, key_tasks="走访企业，协调解决企业难题")

    vector = shortcomings.trained(post, np.zeros(len(taxonomy.ABILITIES)))

    assert vector[codes.index("enterprise")] == shortcomings.TASK_TRAINS


def test_lacking_town_experience_develops_on_a_town_post_more_than_on_a_platform() -> None:
    cadre = CadreProfile(
        id="c",
        name="干部",
        origin_unit="市某局",
        abilities=(70.0,) * 7,
        shortcomings="缺乏镇街道工作经验",
    )
    town, platform = _post(), _post(id="q", unit_kind=PLATFORM)

    matrix = scoring.score([cadre], [town, platform])

    assert matrix.development[0, 0] > matrix.development[0, 1]
