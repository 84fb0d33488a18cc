"""Suggestions from a demand's text, and their accuracy on the labelled set."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianbing.engine import suggest, taxonomy
from tests.conftest import SHARED_DIR

LABELLED = SHARED_DIR / "data" / "demand-categories.csv"
#: Measured accuracy 25/30 = 0.83 (docs/demand-suggestion.md) less a margin of about 0.10.
ACCURACY_FLOOR = 0.70
CHANCE = 1 / len(taxonomy.CATEGORIES)


def test_a_petition_task_is_social_management_with_its_trigger_words() -> None:
    result = suggest.suggest("化解矛盾纠纷，做好信访维稳和网格化管理")

    assert result.category == "社会管理"
    assert result.category_code == "social"
    assert {"信访", "维稳", "矛盾"} <= set(result.category_evidence)
    assert set(result.category_evidence) <= set(result.evidence)
    assert result.has_basis


def test_the_article_cases_get_their_categories() -> None:
    cases = {
        "以创新思维推动赛艇小镇提升发展，承办赛艇赛事": "民生事业",
        "推进美丽城镇项目建设，抓好工程质量和征迁": "城建交通",
        "指导企业申报重点科技项目，走访企业，优化营商环境": "经济管理",
        "巩固提升污水零直排区创建成果": "城建交通",
        "做好机关党支部标准化建设和党员教育管理": "党政群团",
    }

    suggested = {task: suggest.suggest(task).category for task in cases}

    assert suggested == cases


def test_abilities_follow_their_keywords_with_weights_by_rank() -> None:
    result = suggest.suggest("入户走访村民和居民，做好群众工作；牵头防汛抢险")

    assert result.abilities[:2] == ("群众工作能力", "应急处突能力")
    assert result.ability_weights == (3.0, 2.0, 1.0)[: len(result.abilities)]
    assert "村民" in result.ability_evidence[0]
    assert len(result.abilities) <= suggest.MAX_ABILITIES


def test_tags_are_domain_terms_in_canonical_form_without_the_vocabulary_labels() -> None:
    result = suggest.suggest("做好零直排创建和五水共治，提升群众工作能力")

    assert result.tags[:2] == ("污水零直排", "五水共治")
    assert "群众工作能力" not in result.tags


def test_an_empty_text_suggests_the_first_category_without_basis() -> None:
    result = suggest.suggest("   ")

    assert result.category == taxonomy.CATEGORY_LABELS[0]
    assert not result.has_basis
    assert result.evidence == ()
    assert result.abilities == ()


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gets_one_of_the_five_categories(task: str) -> None:
    result = suggest.suggest(task)

    assert result.category in taxonomy.CATEGORY_LABELS
    assert taxonomy.category(result.category).code == result.category_code
    assert set(result.abilities) <= set(taxonomy.ABILITY_LABELS)


def test_evaluate_counts_a_confusion_matrix() -> None:
    labelled = [("社会管理", "做好信访维稳"), ("党政群团", "做好信访维稳")]

    result = suggest.evaluate(labelled)

    assert (result.total, result.correct, result.accuracy) == (2, 1, 0.5)
    assert result.confusion[3][3] == 1
    assert result.confusion[0][3] == 1
    assert result.misses == (("做好信访维稳", "党政群团", "社会管理"),)


@pytest.mark.skipif(not LABELLED.exists(), reason=f"标注数据集不存在：{LABELLED}")
def test_the_category_suggestion_is_accurate_on_the_labelled_set() -> None:
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        labelled = [(row["类别"], row["重点任务"]) for row in csv.DictReader(handle)]

    result = suggest.evaluate(labelled)

    assert result.total == len(labelled) > 0
    assert result.accuracy >= ACCURACY_FLOOR
    assert result.accuracy > 3 * CHANCE


def test_place_names_are_never_suggested_as_expertise_tags() -> None:
    result = suggest.suggest("负责曹桥街道和乍浦镇的污水零直排项目推进")

    assert "曹桥街道" not in result.tags
    assert "乍浦镇" not in result.tags
    assert "污水零直排" in result.tags


def test_a_rowing_event_post_reads_as_economic_work_with_more_than_emergency_response() -> None:
    result = suggest.suggest(
        "以创新思维推动赛艇小镇提升发展，策划承办赛艇赛事，做好应急保障；"
        "推动赛艇运动推广与文旅消费融合，文旅融合发展"
    )

    assert result.category == "经济管理"
    assert result.abilities[0] != "应急处突能力"
    assert {"改革攻坚能力", "抓落实能力"} <= set(result.abilities)
