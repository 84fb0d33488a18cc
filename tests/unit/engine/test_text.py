"""Tokens, synonyms and TF-IDF cosine similarity of Chinese text."""

from __future__ import annotations

import math

import jieba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianbing.engine import text

PHRASES = (
    "以创新思维推动赛艇小镇提升发展",
    "做过10年赛艇专业运动员，担任赛艇教练",
    "推进全市数字化改革，谋划应用场景",
    "参与健康码矩阵研发，熟悉数据分析",
    "巩固提升污水零直排区创建成果",
    "落实五水共治和河长制",
    "双红村张家浜全域秀美整治",
    "美丽乡村建设和农村人居环境整治",
    "推进美丽城镇项目建设",
    "指导企业申报重点科技项目，走访企业",
    "围绕临港产业开展招商引资",
    "化解矛盾纠纷，做好信访维稳",
    "公务接待和会务保障",
    "组织全民健身和群众体育活动",
    "",
)

texts = st.lists(st.sampled_from(PHRASES), min_size=0, max_size=3).map("；".join)


def brute_force_cosines(docs_a: list[str], docs_b: list[str]) -> list[list[float]]:
    """The documented TF-IDF cosine, with plain dicts and floats."""
    corpus = [text.term_counts(doc) for doc in [*docs_a, *docs_b]]
    n_docs = len(corpus)
    df: dict[str, int] = {}
    for counts in corpus:
        for term in counts:
            df[term] = df.get(term, 0) + 1
    vectors = []
    for counts in corpus:
        weights = {
            term: math.log(1 + count) * (math.log((1 + n_docs) / (1 + df[term])) + 1)
            for term, count in counts.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values()))
        vectors.append({t: w / norm for t, w in weights.items()} if norm else {})
    left, right = vectors[: len(docs_a)], vectors[len(docs_a) :]
    return [[sum(w * v.get(t, 0.0) for t, w in u.items()) for v in right] for u in left]


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        ("以创新思维推动赛艇小镇提升发展", "赛艇小镇"),
        ("推进城区污水零直排建设", "污水零直排"),
        ("打造全域秀美示范村", "全域秀美"),
        ("深化三社联动机制", "三社联动"),
        ("优化营商环境，加大招商引资力度", "营商环境"),
        ("推进数字化改革重大应用", "数字化改革"),
    ],
)
def test_a_lexicon_term_stays_one_token(sentence: str, term: str) -> None:
    tokens = text.tokenize(sentence)

    assert term in tokens


def test_synonyms_collapse_to_one_canonical_term() -> None:
    variants = ["数智化", "信息化", "数字化"]

    tokens = [text.tokenize(v) for v in variants]

    assert tokens == [("数字化",)] * 3


def test_stop_words_numbers_and_punctuation_are_dropped() -> None:
    sentence = "负责推进相关工作，2021年以来，进一步加强！"

    tokens = text.tokenize(sentence)

    assert tokens == ()


def test_a_term_of_a_topic_also_counts_the_topic_at_reduced_weight() -> None:
    sentence = "污水零直排"

    counts = text.term_counts(sentence)

    assert counts == {"污水零直排": 1.0, "治水": text.TOPIC_WEIGHT}


def test_related_terms_meet_on_their_topic() -> None:
    a, b = "巩固污水零直排成果", "落实五水共治"

    value = text.similarity([a], [b])[0, 0]

    assert value > 0
    assert "治水" in text.matched_terms(a, b)


def test_the_private_tokenizer_leaves_the_global_jieba_untouched() -> None:
    text.tokenize("赛艇小镇")

    global_tokens = list(jieba.cut("赛艇小镇", HMM=False))

    assert global_tokens != ["赛艇小镇"]


def test_texts_with_no_common_term_have_similarity_zero() -> None:
    a, b = ["公务接待和会务保障"], ["围绕临港产业开展招商引资"]

    value = text.similarity(a, b)

    assert value.tolist() == [[0.0]]


def test_a_text_is_fully_similar_to_itself() -> None:
    doc = "以创新思维推动赛艇小镇提升发展"

    value = text.similarity([doc], [doc, "公务接待"])

    assert value[0, 0] == pytest.approx(1.0, abs=1e-6)


def test_empty_inputs_give_an_empty_or_zero_matrix() -> None:
    shapes = [
        text.similarity([], ["赛艇"]).shape,
        text.similarity(["赛艇"], []).shape,
    ]

    zeros = text.similarity(["", "的"], ["", "赛艇"])

    assert shapes == [(0, 1), (1, 0)]
    assert zeros.tolist() == [[0.0, 0.0], [0.0, 0.0]]


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5), st.lists(texts, min_size=1, max_size=5))
def test_similarity_equals_a_brute_force_cosine(docs_a: list[str], docs_b: list[str]) -> None:
    expected = brute_force_cosines(docs_a, docs_b)

    actual = text.similarity(docs_a, docs_b)

    assert actual.dtype == np.float32
    np.testing.assert_allclose(actual, expected, atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5), st.lists(texts, min_size=1, max_size=5))
def test_similarity_is_symmetric_and_within_0_and_1(docs_a: list[str], docs_b: list[str]) -> None:
    forward = text.similarity(docs_a, docs_b)

    backward = text.similarity(docs_b, docs_a)

    np.testing.assert_allclose(forward, backward.T, atol=1e-6)
    assert forward.min() >= 0.0
    assert forward.max() <= 1.0


def test_matched_terms_are_the_shared_terms() -> None:
    a, b = "赛艇；体育赛事组织", "负责赛艇小镇体育赛事承办"

    shared = text.matched_terms(a, b)

    assert set(shared) == text.term_counts(a).keys() & text.term_counts(b).keys()
    assert "赛艇" in shared


def test_matched_terms_put_domain_terms_before_ordinary_words() -> None:
    a, b = "组织赛事，污水零直排", "组织赛事，污水零直排"

    shared = text.matched_terms(a, b)

    assert shared.index("污水零直排") < shared.index("赛事")


def test_term_matches_report_the_words_as_written_on_each_side() -> None:
    a, b = "赛艇", "以创新思维推动赛艇小镇提升发展"

    matches = text.term_matches(a, b)

    assert [(m.term, m.left, m.right) for m in matches] == [("赛艇", ("赛艇",), ("赛艇小镇",))]


def test_texts_sharing_nothing_have_no_matched_terms() -> None:
    a, b = "公务接待", "招商引资"

    shared = text.matched_terms(a, b)

    assert shared == []
