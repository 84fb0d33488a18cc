"""The calibration set: the default engine places the cadres where a reader would."""

from __future__ import annotations

from collections import Counter

import pytest

from lianbing.engine import pipeline
from tests.data import placement_cases

#: Share of cadres the default engine must place on their expected post.
REQUIRED_SHARE = 0.90


@pytest.fixture(scope="module")
def result() -> pipeline.MatchResult:
    return pipeline.run(placement_cases.cadres(), placement_cases.posts())


def _misplaced(result: pipeline.MatchResult) -> list[str]:
    post_ids = [post.id for post in result.posts]
    wrong = []
    for k, case in enumerate(placement_cases.cases()):
        j = int(result.assignment.post_of[k])
        got = post_ids[j] if j >= 0 else "-"
        if got != case.expected:
            wrong.append(f"{case.cadre.name}: {case.expected} -> {got}")
    return wrong


def test_the_calibration_set_has_forty_cadres_and_posts_with_one_expected_post_each() -> None:
    cases, posts = placement_cases.cases(), placement_cases.posts()

    expected = Counter(case.expected for case in cases)

    assert len(cases) >= 40
    assert len(posts) >= 40
    assert set(expected) <= {post.id for post in posts}
    assert max(expected.values()) <= 1


def test_at_least_ninety_percent_of_cadres_land_on_their_expected_post(
    result: pipeline.MatchResult,
) -> None:
    wrong = _misplaced(result)

    share = 1 - len(wrong) / len(placement_cases.cases())

    assert share >= REQUIRED_SHARE, f"{share:.0%} placed as expected; misplaced: {wrong}"


def test_every_post_keeps_at_least_two_candidates(result: pipeline.MatchResult) -> None:
    sizes = [len(candidates) for candidates in result.shortlist.candidates]

    assert min(sizes) >= 2
