"""成绩: results per activity and per person, who reads them when, and the series export."""

from __future__ import annotations

import io
import itertools
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from openpyxl import load_workbook

from lianbing.accounts.models import AuditAction, AuditEvent, Role
from lianbing.activities.models import Activity
from lianbing.activities.selectors import results as selectors
from tests import factories

from .conftest import Activities, activity
from .scores_fixtures import finished, score, scoring

pytestmark = pytest.mark.django_db

#: Shrout & Fleiss (1979), Table 2: six targets rated by four judges.
SHROUT_FLEISS = (
    (9, 2, 5, 8),
    (6, 1, 3, 2),
    (8, 4, 6, 8),
    (7, 1, 2, 6),
    (10, 5, 6, 9),
    (6, 2, 4, 7),
)


def _scored(activities: Activities) -> Activity:
    """Every participant scored by the three assessors; totals by hand in the tests below.

    孙杰: (3,4,5), (4,4,4), (5,4,3) -> 4, 4, 4 -> total 4.00, 75.0 on 0-100.
    王楠楠: (2,2,2), (2,3,2), (2,1,2) -> total 2.00; the others k = 2..11 get
    (k % 5) + 1 everywhere, so seven participants are above her: rank 8 of 12.
    """
    made = scoring(activities.activity)
    staff, mentor, inspector = (
        activities.placed.staff,
        activities.placed.mentor,
        activities.inspector,
    )
    first, second_, *others = activities.trainees
    for who, values in ((staff, (3, 4, 5)), (mentor, (4, 4, 4)), (inspector, (5, 4, 3))):
        score(made, who, first, values)
    for who, values in ((staff, (2, 2, 2)), (mentor, (2, 3, 2)), (inspector, (2, 1, 2))):
        score(made, who, second_, values)
    for k, trainee in enumerate(others, start=2):
        for who in (staff, mentor, inspector):
            score(made, who, trainee, ((k % 5) + 1,) * 3)
    return made


def _url(activity_: Activity) -> str:
    return reverse("activities:results", args=[activity_.pk])


def _row(page: str, secondment_id: int) -> str:
    start = page.index(f'data-testid="result-row" data-secondment="{secondment_id}"')
    return page[start : page.index("</tr>", start)]


def test_the_department_sees_every_result_with_means_totals_and_ranks_while_scoring(
    activities: Activities,
) -> None:
    made = _scored(activities)

    page = activities.client("staff").get(_url(made)).content.decode()

    assert page.count('data-testid="result-row"') == 12
    assert 'data-testid="provisional"' in page
    sun = _row(page, activities.trainees[0].pk)
    assert "4.00" in sun
    assert "75.0" in sun
    wang = _row(page, activities.trainees[1].pk)
    assert "2.00" in wang
    assert "25.0" in wang
    assert "8/12" in wang
    assert 'data-testid="export-link"' in page


def test_the_reliability_matches_the_published_example_of_shrout_and_fleiss(
    activities: Activities,
) -> None:
    placed = activities.placed
    judges = [placed.staff, placed.mentor, activities.inspector, placed.other_mentor]
    made = activity(
        activities.series,
        participants=activities.trainees[:6],
        assessors=judges,
        title="破难比拼赛：信度",
    )
    Activity.objects.filter(pk=made.pk).update(scale_max=10)
    made = scoring(Activity.objects.get(pk=made.pk))
    for trainee, row in zip(activities.trainees[:6], SHROUT_FLEISS, strict=True):
        for judge, value in zip(judges, row, strict=True):
            score(made, judge, trainee, (value,) * 3)

    overall = selectors.activity_table(made).reliability["overall"]
    page = activities.client("staff").get(_url(made)).content.decode()

    # Shrout & Fleiss (1979), Table 4: ICC(2,1) = .29, ICC(2,4) = .62.
    assert overall["n_targets"] == 6
    assert overall["n_raters"] == 4
    assert overall["icc2_1"] == pytest.approx(0.29, abs=0.005)
    assert overall["icc2_k"] == pytest.approx(0.62, abs=0.005)
    assert overall["band"] == "一般"
    assert overall["band_single"] == "差"
    assert "ICC(2,4) = 0.62" in page


def test_a_trainee_sees_nothing_until_the_activity_is_finished_and_then_only_their_own(
    activities: Activities,
) -> None:
    made = _scored(activities)
    client = activities.client("trainee")

    before = client.get(_url(made)).content.decode()
    finished(made)
    after = client.get(_url(made)).content.decode()

    assert "活动结束后，这里将显示成绩。" in before
    assert 'data-testid="result-row"' not in before
    assert after.count('data-testid="result-row"') == 1
    assert f'data-secondment="{activities.trainees[0].pk}"' in after
    assert 'data-testid="export-link"' not in after


def test_a_mentor_sees_only_their_trainee_and_a_host_contact_only_their_units_trainees(
    activities: Activities,
) -> None:
    made = finished(_scored(activities))
    xincang = {t.pk for t in activities.trainees if t.post.unit.name == "新仓镇"}

    mentor = activities.client("mentor").get(_url(made)).content.decode()
    host = activities.client("host").get(_url(made)).content.decode()

    assert mentor.count('data-testid="result-row"') == 1
    assert f'data-secondment="{activities.trainees[0].pk}"' in mentor
    assert len(xincang) == 3  # 孙杰, 陈晨 and 李阳
    assert host.count('data-testid="result-row"') == 3
    assert all(f'data-secondment="{pk}"' in host for pk in xincang)


def test_someone_with_no_business_with_the_activity_does_not_find_its_results(
    activities: Activities,
) -> None:
    made = finished(_scored(activities))
    outsider = factories.account(Role.TRAINEE, cadre_=factories.cadre(name="外人"))
    client = Client()
    client.force_login(outsider)

    assert client.get(_url(made)).status_code == 404
    assert (
        activities.client("auditor")
        .get(_url(made))
        .content.decode()
        .count('data-testid="result-row"')
        == 12
    )


def test_the_person_page_shows_a_trainee_their_finished_activities_only(
    activities: Activities,
) -> None:
    made = _scored(activities)
    later = activity(
        activities.series,
        participants=activities.trainees,
        assessors=[activities.placed.staff],
        title="青年干部论坛：乡村振兴",
    )
    finished(made)
    url = reverse("activities:person", args=[activities.trainees[0].pk])

    mine = activities.client("trainee").get(url).content.decode()
    staff = activities.client("staff").get(url).content.decode()
    other = activities.client("other_trainee").get(url)

    assert mine.count('data-testid="person-row"') == 1
    assert f'data-activity="{made.pk}"' in mine
    assert "75.0" in mine
    assert staff.count('data-testid="person-row"') == 2
    assert f'data-activity="{later.pk}"' in staff
    assert other.status_code == 404


def test_the_series_export_is_the_results_as_a_real_workbook_and_is_audited(
    activities: Activities,
) -> None:
    made = _scored(activities)
    url = reverse("activities:series_export", args=[activities.series.pk])

    response = activities.client("staff").get(url)

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["汇总", f"1 {made.title}"]
    summary = workbook["汇总"]
    header = [c.value for c in summary[2]]
    assert header[:4] == ["序号", "姓名", "原单位", "练兵单位"]
    rows = {r[1]: r for r in summary.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == 12
    assert rows["孙杰"][4] == pytest.approx(75.0)
    assert rows["孙杰"][-1] == 1
    sheet = workbook[f"1 {made.title}"]
    assert sheet["B2"].value == "无领导小组讨论"
    assert [c.value for c in sheet[9]][:5] == ["名次", "姓名", "原单位", "练兵单位", "小组"]
    lines = {r[1]: r for r in sheet.iter_rows(min_row=10, values_only=True)}
    assert lines["王楠楠"][0] == 8
    assert lines["王楠楠"][5:8] == (pytest.approx(2.0), pytest.approx(2.0), pytest.approx(2.0))
    assert lines["孙杰"][8] == pytest.approx(4.0)
    assert lines["孙杰"][9] == pytest.approx(75.0)
    assert lines["孙杰"][10] == 3
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, path=url).exists()


def test_only_the_department_and_the_auditor_export_a_series(activities: Activities) -> None:
    url = reverse("activities:series_export", args=[activities.series.pk])

    assert activities.client("auditor").get(url).status_code == 200
    assert activities.client("mentor").get(url).status_code == 403
    assert activities.client("trainee").get(url).status_code == 403


def _brute_force_block(matrix: np.ndarray) -> tuple[int, int]:
    """(cells, raters) of the largest complete block, by trying every set of columns."""
    k = matrix.shape[1]
    best = (0, 0)
    for size in range(2, k + 1):
        for columns in itertools.combinations(range(k), size):
            rows = int((~np.isnan(matrix[:, list(columns)])).all(axis=1).sum())
            if rows >= 2:
                best = max(best, (rows * size, size))
    return best


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(0, 7), st.integers(0, 5)),
        elements=st.sampled_from([np.nan, 1.0, 2.0, 3.0]),
    )
)
def test_the_reliability_block_is_the_largest_complete_one(matrix: np.ndarray) -> None:
    rows, columns = selectors.complete_block(matrix)

    if rows:
        assert len(rows) >= 2
        assert len(columns) >= 2
        assert not np.isnan(matrix[np.ix_(rows, columns)]).any()
        # every row complete on the chosen columns is kept
        complete = (~np.isnan(matrix[:, columns])).all(axis=1)
        assert rows == [int(r) for r in np.flatnonzero(complete)]
    assert (len(rows) * len(columns), len(columns)) == _brute_force_block(matrix)


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_score_list_and_the_results_cost_the_same_queries_for_two_or_twelve_people(
    activities: Activities,
) -> None:
    big = _scored(activities)
    placed = activities.placed
    small = scoring(
        activity(
            activities.series,
            participants=activities.trainees[:2],
            assessors=[placed.staff, placed.mentor, activities.inspector],
            title="小场讨论",
        )
    )
    for trainee in activities.trainees[:2]:
        score(small, placed.staff, trainee, (3, 3, 3))
    client = activities.client("staff")

    for name in ("activities:score", "activities:results"):
        assert _queries(client, reverse(name, args=[big.pk])) == _queries(
            client, reverse(name, args=[small.pk])
        )
