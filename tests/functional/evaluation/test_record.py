"""The growth record (成长档案): the page, its Word document and who may open them."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from lianbing.accounts.models import AuditAction, AuditEvent, AuditResult
from lianbing.engine import taxonomy
from lianbing.evaluation.models import (
    EvaluationRound,
    GrowthComputation,
    GrowthScore,
    Rating,
    RoundStatus,
    TeamMember,
    WeightMethod,
)
from lianbing.evaluation.selectors.record import confidence_of, to_percent
from lianbing.training.models import Secondment

from .conftest import Inspected, default_items

pytestmark = pytest.mark.django_db

#: The cadre's assessment before the secondment (tests/factories.py).
BASELINE = [80.0, 70.0, 75.0, 65.0, 60.0, 55.0, 85.0]
PUBLIC_COMMENT = "经常进村入户，群众有事愿意找他。"
MENTOR_COMMENT = "调研扎实，材料写得快。"


def _scores(value: int) -> dict[str, int]:
    return {code: value for code in [*taxonomy.ABILITY_CODES, "performance", "adaptation"]}


def _rate(member: TeamMember, secondment: Secondment, value: int, comment: str = "") -> Rating:
    return Rating.objects.create(
        round=member.team.round,
        secondment=secondment,
        member=member,
        scores=_scores(value),
        comment=comment,
    )


def _compute(
    round_: EvaluationRound, staff: object, rows: list[tuple[Secondment, float]]
) -> GrowthComputation:
    computation = GrowthComputation.objects.create(
        round=round_,
        method=WeightMethod.ENTROPY,
        weights={"ability": 0.4, "performance": 0.3, "public": 0.3},
        reliability={"ICC2": 0.55, "ICC2k": 0.82},
        created_by=staff,
    )
    for rank, (secondment, index) in enumerate(rows, start=1):
        GrowthScore.objects.create(
            computation=computation,
            secondment=secondment,
            index=index,
            rank=rank,
            percentile=100.0 * (len(rows) - rank + 1) / len(rows),
            indicators={"ability_growth": 75.0, "performance": 80.0, "public_rating": 70.0},
            contributions={
                "ability_growth": 30.0,
                "performance": 24.0,
                "public_rating": index - 54.0,
            },
            coverage=1.0,
            rank_min=rank,
            rank_max=len(rows),
            unstable=rank == 1,
            raters=4,
        )
    return computation


def _rated(inspected: Inspected) -> None:
    """Four ratings of 孙杰 (mean 4 on 1-5 everywhere), two with a comment."""
    mine = inspected.placed.secondment
    public_a, public_b = inspected.public_members
    _rate(inspected.mentor_member, mine, 4, MENTOR_COMMENT)
    _rate(inspected.host_member, mine, 3)
    _rate(public_a, mine, 5, PUBLIC_COMMENT)
    _rate(public_b, mine, 4)


def _computed(inspected: Inspected) -> None:
    """Ratings, this round's index and an earlier round's index for the trend."""
    placed = inspected.placed
    _rated(inspected)
    earlier = EvaluationRound.objects.create(
        program=inspected.round.program,
        name="入岗考察",
        status=RoundStatus.RELEASED,
        closes_on=datetime.date(2026, 5, 31),
        created_by=placed.staff,
    )
    default_items(earlier)
    _compute(earlier, placed.staff, [(placed.other, 61.0), (placed.secondment, 55.3)])
    _compute(inspected.round, placed.staff, [(placed.secondment, 72.5), (placed.other, 60.1)])


def _release(round_: EvaluationRound) -> None:
    EvaluationRound.objects.filter(pk=round_.pk).update(status=RoundStatus.RELEASED)


def _url(
    inspected: Inspected, name: str = "evaluation:record", secondment: Secondment | None = None
) -> str:
    secondment = secondment or inspected.placed.secondment
    return reverse(name, args=[inspected.round.pk, secondment.pk])


def _chart(html: str, element_id: str) -> dict[str, object]:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match is not None
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_the_record_shows_the_index_with_its_rank_and_confidence(inspected: Inspected) -> None:
    _computed(inspected)

    response = inspected.client("staff").get(_url(inspected))

    assert response.status_code == 200
    html = response.content.decode()
    assert "青年干部成长档案" in html
    assert "72.5" in html
    assert "第 1 名 / 共 2 人" in html
    assert "ICC2k = 0.82" in html
    assert "不稳定" in html
    assert "评价人数 4 人" in html
    assert "能力提升" in html
    assert "群众评议" in html
    assert "指标覆盖率：100%" in html
    assert reverse("training:secondment_detail", args=[inspected.placed.secondment.pk]) in html


def test_the_radar_sets_the_baseline_against_the_rounds_ratings(inspected: Inspected) -> None:
    _computed(inspected)

    html = inspected.client("staff").get(_url(inspected)).content.decode()

    radar = _chart(html, "record-radar")
    series = radar["series"][0]["data"]  # type: ignore[index]
    assert [i["name"] for i in radar["radar"]["indicator"]] == list(taxonomy.ABILITY_LABELS)  # type: ignore[index]
    assert series[0]["value"] == BASELINE
    # Ratings 4, 3, 5, 4 on 1-5: mean 4 → 100 · (4 − 1) / (5 − 1) = 75.
    assert series[1]["value"] == [75.0] * 7


def test_the_trend_lists_every_round_with_an_index(inspected: Inspected) -> None:
    _computed(inspected)

    html = inspected.client("staff").get(_url(inspected)).content.decode()

    trend = _chart(html, "record-trend")
    assert trend["xAxis"]["data"] == ["入岗考察", "中期考察"]  # type: ignore[index]
    assert trend["series"][0]["data"] == [55.3, 72.5]  # type: ignore[index]


def test_public_comments_are_anonymised_and_others_carry_the_raters_name(
    inspected: Inspected,
) -> None:
    _computed(inspected)

    html = inspected.client("staff").get(_url(inspected)).content.decode()

    assert PUBLIC_COMMENT in html
    assert MENTOR_COMMENT in html
    assert "练兵导师（李俊）" in html
    assert "群众代表</span>：" in html
    for member in inspected.public_members:
        assert member.name not in html


def test_without_a_computation_the_record_says_so_and_counts_the_ratings(
    inspected: Inspected,
) -> None:
    _rated(inspected)
    _release(inspected.round)

    staff_html = inspected.client("staff").get(_url(inspected)).content.decode()
    trainee_html = inspected.client("trainee").get(_url(inspected)).content.decode()

    for html in (staff_html, trainee_html):
        assert "本轮尚未计算成长指数" in html
        assert "已收到评价 4 份" in html
    assert 'data-testid="raters"' in staff_html
    assert 'data-testid="raters"' not in trainee_html
    assert "陈明" not in trainee_html


def test_the_word_document_holds_the_record_without_public_names(inspected: Inspected) -> None:
    _computed(inspected)

    response = inspected.client("staff").get(_url(inspected, "evaluation:record_docx"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "青年干部成长档案" in text
    assert "孙杰" in cells
    assert "72.5" in text
    assert "第 1 名 / 共 2 人" in text
    assert f"群众代表：{PUBLIC_COMMENT}" in text
    assert "练兵导师（李俊）" in text
    assert "75.0" in cells
    assert "80.0" in cells
    for member in inspected.public_members:
        assert member.name not in text + cells


def test_the_download_is_in_the_audit_trail(inspected: Inspected) -> None:
    _computed(inspected)

    inspected.client("auditor").get(_url(inspected, "evaluation:record_docx"))

    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_type == "evaluation:record_docx"
    assert event.object_repr.endswith(".docx")
    assert "孙杰" in event.object_repr
    assert event.username == "shenji"


def test_opening_the_record_is_in_the_audit_trail(inspected: Inspected) -> None:
    inspected.client("auditor").get(_url(inspected))

    event = AuditEvent.objects.get(action=AuditAction.VIEW, result=AuditResult.SUCCESS)
    assert event.object_type == "training.Secondment"
    assert event.object_id == str(inspected.placed.secondment.pk)


def test_the_trainee_reads_their_record_only_once_the_round_is_released(
    inspected: Inspected,
) -> None:
    _computed(inspected)
    trainee = inspected.client("trainee")
    assert trainee.get(_url(inspected)).status_code == 404
    assert trainee.get(_url(inspected, "evaluation:record_docx")).status_code == 404

    _release(inspected.round)

    assert trainee.get(_url(inspected)).status_code == 200
    assert trainee.get(_url(inspected, "evaluation:record_docx")).status_code == 200


def test_others_outside_the_scope_get_nothing(inspected: Inspected) -> None:
    _computed(inspected)
    _release(inspected.round)
    placed = inspected.placed

    assert inspected.client("other_trainee").get(_url(inspected)).status_code == 404
    assert inspected.client("other_host").get(_url(inspected)).status_code == 404
    assert (
        inspected.client("other_host").get(_url(inspected, "evaluation:record_docx")).status_code
        == 404
    )
    assert inspected.client("host").get(_url(inspected)).status_code == 200
    assert inspected.client("host").get(_url(inspected, secondment=placed.other)).status_code == 404
    assert inspected.client("auditor").get(_url(inspected)).status_code == 200
    assert inspected.client("mentor").get(_url(inspected)).status_code == 403
    assert Client().get(_url(inspected)).status_code in (302, 403)


def test_the_trainee_sees_only_released_rounds_in_the_trend(inspected: Inspected) -> None:
    _computed(inspected)
    later = EvaluationRound.objects.create(
        program=inspected.round.program,
        name="期末考察",
        status=RoundStatus.CLOSED,
        closes_on=datetime.date(2027, 2, 1),
        created_by=inspected.placed.staff,
    )
    _compute(later, inspected.placed.staff, [(inspected.placed.secondment, 80.0)])
    _release(inspected.round)

    trainee_trend = _chart(
        inspected.client("trainee").get(_url(inspected)).content.decode(), "record-trend"
    )
    staff_trend = _chart(
        inspected.client("staff").get(_url(inspected)).content.decode(), "record-trend"
    )

    assert trainee_trend["xAxis"]["data"] == ["入岗考察", "中期考察"]  # type: ignore[index]
    assert staff_trend["xAxis"]["data"] == ["入岗考察", "中期考察", "期末考察"]  # type: ignore[index]


def test_ratings_map_onto_0_to_100_and_the_confidence_is_the_mean_raters_icc() -> None:
    assert to_percent(1, 1, 5) == 0.0
    assert to_percent(4, 1, 5) == 75.0
    assert to_percent(7, 0, 10) == 70.0
    assert confidence_of({"ICC1": 0.4, "ICC2k": 0.8}) == (0.8, "ICC2k")
    assert confidence_of({"overall": {"ICC1k": 0.6}}) == (0.6, "ICC1k")
    assert confidence_of({}) == (None, "")


def test_the_confidence_of_a_computed_index_is_the_mean_icc_of_its_items() -> None:
    from lianbing.evaluation.selectors.record import confidence_of

    stored = {
        "items": [
            {"code": "political", "icc2_k": 0.6},
            {"code": "research", "icc2_k": 0.8},
            {"code": "decision", "icc2_k": None, "defined": False},
        ]
    }

    value, form = confidence_of(stored)

    assert form == "ICC2k"
    assert value is not None
    assert abs(value - 0.7) < 1e-9


def test_the_record_names_the_confidence_band_in_the_inspection_pages_words() -> None:
    """One set of Koo & Li words everywhere: the record, the round page and the activities."""
    from lianbing.engine.reliability import band
    from lianbing.evaluation.selectors.record import confidence_label

    assert confidence_label(None) == "未计算"
    for value, word in ((0.3, "差"), (0.6, "一般"), (0.9, "良好"), (0.95, "优秀")):
        assert confidence_label(value) == band(value) == word
