"""Progress of a placed pair: work logs and attachments, milestones, comments, monthly assessments.

The clock is fixed on 2026-05-15; the placed secondment started on 2026-03-01.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lianbing.engine import taxonomy
from lianbing.training.models import (
    LogAttachment,
    LogComment,
    Milestone,
    MilestoneUpdate,
    MonthlyAssessment,
    PlanStatus,
    Secondment,
    TrainingPlan,
    WorkLog,
)

from .conftest import Placed

pytestmark = pytest.mark.django_db

TODAY = "2026-05-15"

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!doctype html><html><script>alert(1)</script></html>"


def _office(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


DOCX = _office("word/document.xml")
XLSX = _office("xl/workbook.xml")


@pytest.fixture(autouse=True)
def _fixed_clock(settings: Any) -> None:
    settings.LIANBING_TODAY = TODAY


def _upload(name: str, content: bytes, content_type: str = "application/pdf") -> Any:
    # The browser's content type is whatever it claims; the service does not read it.
    return SimpleUploadedFile(name, content, content_type=content_type)


def _detail(secondment: Secondment) -> str:
    return reverse("training:secondment_detail", args=[secondment.pk])


def _file_log(
    client: Client,
    secondment: Secondment,
    *,
    on: str = "2026-05-14",
    work: str = "走访新仓镇三个村",
    results: str = "走访农户 23 户，收集意见 12 条",
    files: list[Any] | None = None,
) -> Any:
    data: dict[str, Any] = {"on": on, "work": work, "results": results}
    if files:
        data["attachments"] = files
    return client.post(reverse("training:log_create", args=[secondment.pk]), data)


def _stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def _approved_plan(placed: Placed, *milestones: tuple[str, str, str | None]) -> TrainingPlan:
    """An approved plan with (due date, title, done date) milestones, written directly."""
    decided = timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0))
    plan = TrainingPlan.objects.create(
        secondment=placed.secondment,
        version=1,
        status=PlanStatus.APPROVED,
        duties="负责乡村振兴项目推进",
        created_by=placed.mentor,
        submitted_at=decided - datetime.timedelta(days=2),
        decided_at=decided,
        decided_by=placed.staff,
    )
    for position, (due, title, done) in enumerate(milestones):
        Milestone.objects.create(
            plan=plan,
            due_on=datetime.date.fromisoformat(due),
            title=title,
            done_on=datetime.date.fromisoformat(done) if done else None,
            position=position,
        )
    return plan


def _log(placed: Placed, *, on: str = "2026-05-10", results: str = "完成 3 项") -> WorkLog:
    return WorkLog.objects.create(
        secondment=placed.secondment,
        on=datetime.date.fromisoformat(on),
        work="整理台账",
        results=results,
        author=placed.trainee,
    )


# --------------------------------------------------------------------------- logs


def test_the_trainee_files_a_log_that_the_mentor_department_and_host_read(
    placed: Placed,
) -> None:
    response = _file_log(placed.client("trainee"), placed.secondment)

    assert response.status_code == 302
    log = WorkLog.objects.get(secondment=placed.secondment)
    assert (log.on, log.author) == (datetime.date(2026, 5, 14), placed.trainee)
    assert response["Location"].endswith(f"#log-{log.pk}")
    for who in ("trainee", "mentor", "staff", "host", "auditor"):
        page = placed.client(who).get(_detail(placed.secondment))
        assert page.status_code == 200, who
        assert "走访农户 23 户，收集意见 12 条" in page.content.decode(), who


@pytest.mark.parametrize("who", ["other_mentor", "other_trainee", "other_host"])
def test_the_record_of_another_trainee_is_not_found(placed: Placed, who: str) -> None:
    response = placed.client(who).get(_detail(placed.secondment))

    assert response.status_code == 404


def test_a_log_dated_in_the_future_is_refused(placed: Placed) -> None:
    response = _file_log(placed.client("trainee"), placed.secondment, on="2026-05-16")

    assert response.status_code == 400
    assert "日志的日期不能晚于今天（2026年5月15日）" in response.content.decode()
    assert not WorkLog.objects.exists()


def test_a_log_dated_before_the_secondment_started_is_refused(placed: Placed) -> None:
    response = _file_log(placed.client("trainee"), placed.secondment, on="2026-02-28")

    assert response.status_code == 400
    assert "不能早于练兵开始日期（2026年3月1日）" in response.content.decode()
    assert not WorkLog.objects.exists()


def test_results_without_a_number_are_kept_with_a_gentle_hint(placed: Placed) -> None:
    client = placed.client("trainee")

    response = _file_log(client, placed.secondment, results="参加了镇里的例会")
    page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert WorkLog.objects.get().results == "参加了镇里的例会"
    assert "工作成效里写上数字" in page


def test_the_hint_shows_on_the_form_when_it_comes_back_for_another_reason(
    placed: Placed,
) -> None:
    response = _file_log(
        placed.client("trainee"), placed.secondment, on="2030-01-01", results="开了会"
    )

    assert response.status_code == 400
    assert 'data-testid="results-hint"' in response.content.decode()


def test_only_the_trainee_sees_the_log_form(placed: Placed) -> None:
    pages = {
        who: placed.client(who).get(_detail(placed.secondment)).content.decode()
        for who in ("trainee", "mentor", "staff", "host")
    }

    assert 'data-testid="log-form"' in pages["trainee"]
    for who in ("mentor", "staff", "host"):
        assert 'data-testid="log-form"' not in pages[who], who


def test_a_mentor_cannot_file_a_log_for_the_trainee(placed: Placed) -> None:
    response = _file_log(placed.client("mentor"), placed.secondment)

    assert response.status_code == 403
    assert not WorkLog.objects.exists()


def test_another_trainee_cannot_file_a_log_on_this_record(placed: Placed) -> None:
    response = _file_log(placed.client("other_trainee"), placed.secondment)

    assert response.status_code == 404
    assert not WorkLog.objects.exists()


# --------------------------------------------------------------------------- attachments


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("报告.pdf", EXE, "附件“报告.pdf”的内容不是 PDF 文件（与扩展名 .pdf 不符）"),
        ("页面.html", HTML, "附件“页面.html”的类型不允许上传"),
        ("setup.exe", EXE, "附件“setup.exe”的类型不允许上传"),
        ("照片.jpg", PNG, "附件“照片.jpg”的内容不是 JPG 文件"),
        ("材料.docx", XLSX, "附件“材料.docx”的内容不是 Word 文件"),
        ("台账.xlsx", PDF, "附件“台账.xlsx”的内容不是 Excel 文件"),
    ],
)
def test_a_forbidden_attachment_is_refused_and_nothing_is_stored(
    placed: Placed, media: Path, name: str, content: bytes, expected: str
) -> None:
    files = [_upload("合格.pdf", PDF), _upload(name, content)]

    response = _file_log(placed.client("trainee"), placed.secondment, files=files)

    assert response.status_code == 400
    page = response.content.decode()
    assert expected in page
    assert "本篇日志和所选附件都没有保存" in page
    assert not WorkLog.objects.exists()
    assert not LogAttachment.objects.exists()
    assert _stored_files(media) == []


def test_an_attachment_over_the_size_limit_is_refused(
    placed: Placed, media: Path, settings: Any
) -> None:
    settings.LIANBING_LOG_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)

    response = _file_log(
        placed.client("trainee"), placed.secondment, files=[_upload("扫描件.pdf", big)]
    )

    assert response.status_code == 400
    assert "超过单个附件 1 MB 的上限" in response.content.decode()
    assert not WorkLog.objects.exists()
    assert _stored_files(media) == []


def test_more_attachments_than_allowed_are_refused(placed: Placed, media: Path) -> None:
    files = [_upload(f"第{i}页.pdf", PDF) for i in range(6)]

    response = _file_log(placed.client("trainee"), placed.secondment, files=files)

    assert response.status_code == 400
    assert "每篇日志最多 5 个附件，这次选择了 6 个" in response.content.decode()
    assert not WorkLog.objects.exists()
    assert _stored_files(media) == []


def test_five_attachments_at_the_size_limit_pass_the_request_cap_and_are_stored(
    placed: Placed, media: Path
) -> None:
    """The largest log a trainee may rightly file is not refused as too large a request."""
    just_under = PDF + b"0" * (10 * 1024 * 1024 - len(PDF) - 1)
    files = [_upload(f"扫描件{i}.pdf", just_under) for i in range(5)]

    response = _file_log(placed.client("trainee"), placed.secondment, files=files)

    assert response.status_code == 302
    assert LogAttachment.objects.count() == 5
    assert len(_stored_files(media)) == 5


def test_each_allowed_type_is_stored_under_a_name_of_our_own(placed: Placed, media: Path) -> None:
    files = [
        _upload("会议纪要.pdf", PDF, "text/html"),
        _upload("现场.jpeg", JPEG, "image/jpeg"),
        _upload("现场.png", PNG, "image/png"),
        _upload("总结.docx", DOCX, "application/octet-stream"),
        _upload("台账.xlsx", XLSX, "application/octet-stream"),
    ]

    response = _file_log(placed.client("trainee"), placed.secondment, files=files)

    assert response.status_code == 302
    stored = list(LogAttachment.objects.order_by("pk"))
    assert [a.name for a in stored] == [
        "会议纪要.pdf",
        "现场.jpeg",
        "现场.png",
        "总结.docx",
        "台账.xlsx",
    ]
    assert [a.content_type for a in stored][:3] == ["application/pdf", "image/jpeg", "image/png"]
    on_disk = _stored_files(media)
    assert len(on_disk) == 5
    assert all(path.is_relative_to(media / "training" / "logs") for path in on_disk)
    assert not any("会议纪要" in path.name for path in on_disk)


def test_a_log_whose_files_cannot_be_written_is_not_kept(
    placed: Placed, settings: Any, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.MEDIA_ROOT = blocked / "media"

    response = _file_log(
        placed.client("trainee"), placed.secondment, files=[_upload("会议纪要.pdf", PDF)]
    )

    assert response.status_code == 400
    assert "附件未能写入服务器存储，本篇日志和所选附件都没有保存" in response.content.decode()
    assert not WorkLog.objects.exists()
    assert not LogAttachment.objects.exists()


@pytest.fixture
def attachment(placed: Placed, media: Path) -> LogAttachment:
    response = _file_log(
        placed.client("trainee"), placed.secondment, files=[_upload("会议纪要.pdf", PDF)]
    )
    assert response.status_code == 302
    return LogAttachment.objects.get()


@pytest.mark.parametrize("who", ["trainee", "mentor", "staff", "host", "auditor"])
def test_an_attachment_is_downloaded_by_those_who_read_the_record(
    placed: Placed, attachment: LogAttachment, who: str
) -> None:
    response = placed.client(who).get(reverse("training:attachment_download", args=[attachment.pk]))

    assert response.status_code == 200
    assert response.getvalue() == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["other_mentor", "other_trainee", "other_host"])
def test_an_attachment_is_not_found_for_another_mentor_trainee_or_host(
    placed: Placed, attachment: LogAttachment, who: str
) -> None:
    response = placed.client(who).get(reverse("training:attachment_download", args=[attachment.pk]))

    assert response.status_code == 404


def test_the_page_links_to_the_download_not_to_the_media_folder(
    placed: Placed, attachment: LogAttachment
) -> None:
    page = placed.client("mentor").get(_detail(placed.secondment)).content.decode()

    assert reverse("training:attachment_download", args=[attachment.pk]) in page
    assert attachment.file.name not in page


# --------------------------------------------------------------------------- milestones


def test_each_milestone_is_late_on_track_or_done_by_the_clock(placed: Placed) -> None:
    _approved_plan(
        placed,
        ("2026-03-31", "熟悉镇情村情", "2026-03-28"),
        ("2026-04-30", "完成一次专题调研", None),
        ("2026-05-31", "牵头一个项目", None),
    )

    page = placed.client("host").get(_detail(placed.secondment)).content.decode()

    assert page.count('data-state="done"') == 1
    assert page.count('data-state="late"') == 1
    assert page.count('data-state="on_track"') == 1
    for label in ("已完成", "已逾期", "按期推进"):
        assert label in page


def test_a_milestone_update_marked_done_closes_the_milestone_on_that_day(placed: Placed) -> None:
    plan = _approved_plan(placed, ("2026-04-30", "完成一次专题调研", None))
    milestone = plan.milestones.get()
    client = placed.client("trainee")

    response = client.post(
        reverse("training:milestone_update", args=[placed.secondment.pk]),
        {"milestone": milestone.pk, "on": "2026-05-12", "note": "调研报告已交镇党委", "done": "on"},
    )

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2026, 5, 12)
    page = client.get(_detail(placed.secondment)).content.decode()
    assert 'data-state="done"' in page
    assert "调研报告已交镇党委" in page


def test_a_milestone_of_a_plan_not_approved_takes_no_update(placed: Placed) -> None:
    draft = TrainingPlan.objects.create(
        secondment=placed.secondment, version=1, status=PlanStatus.DRAFT
    )
    milestone = Milestone.objects.create(
        plan=draft, due_on=datetime.date(2026, 4, 30), title="草稿节点"
    )

    response = placed.client("trainee").post(
        reverse("training:milestone_update", args=[placed.secondment.pk]),
        {"milestone": milestone.pk, "on": "2026-05-12", "note": "已完成", "done": "on"},
    )

    assert response.status_code == 400
    assert "请选择已批准练兵计划中的一个节点" in response.content.decode()
    assert not MilestoneUpdate.objects.exists()


def test_a_mentor_cannot_file_a_milestone_update(placed: Placed) -> None:
    plan = _approved_plan(placed, ("2026-04-30", "完成一次专题调研", None))

    response = placed.client("mentor").post(
        reverse("training:milestone_update", args=[placed.secondment.pk]),
        {"milestone": plan.milestones.get().pk, "on": "2026-05-12", "note": "x", "done": "on"},
    )

    assert response.status_code == 403
    assert not MilestoneUpdate.objects.exists()


# --------------------------------------------------------------------------- comments


@pytest.mark.parametrize("who", ["mentor", "staff"])
def test_the_mentor_and_the_department_comment_on_a_log(placed: Placed, who: str) -> None:
    log = _log(placed)
    client = placed.client(who)

    response = client.post(
        reverse("training:log_comment", args=[log.pk]), {"text": "数据扎实，下一步总结经验"}
    )

    assert response.status_code == 302
    assert LogComment.objects.get(log=log).author == getattr(placed, who)
    assert (
        "数据扎实，下一步总结经验"
        in placed.client("trainee").get(_detail(placed.secondment)).content.decode()
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("trainee", 403), ("host", 403), ("auditor", 403), ("other_mentor", 404)],
)
def test_others_cannot_comment_on_a_log(placed: Placed, who: str, status: int) -> None:
    log = _log(placed)

    response = placed.client(who).post(
        reverse("training:log_comment", args=[log.pk]), {"text": "点评"}
    )

    assert response.status_code == status
    assert not LogComment.objects.exists()


def test_an_empty_comment_is_refused_beside_its_log(placed: Placed) -> None:
    log = _log(placed)

    response = placed.client("mentor").post(
        reverse("training:log_comment", args=[log.pk]), {"text": "   "}
    )

    assert response.status_code == 400
    assert not LogComment.objects.exists()


# --------------------------------------------------------------------------- assessments


def _scores(value: Any = 4, **overrides: Any) -> dict[str, Any]:
    scores = {f"score_{code}": value for code in taxonomy.ABILITY_CODES}
    scores.update({f"score_{code}": v for code, v in overrides.items()})
    return scores


def _assess(client: Client, placed: Placed, remark: str = "进步明显", **scores: Any) -> Any:
    return client.post(
        reverse("training:assessment_record", args=[placed.secondment.pk]),
        {**(scores or _scores()), "remark": remark},
    )


def test_the_mentor_records_one_assessment_a_month_and_may_change_it_within_the_month(
    placed: Placed,
) -> None:
    client = placed.client("mentor")

    first = _assess(client, placed, **_scores(3))
    second = _assess(client, placed, remark="本月进步明显，群众工作更主动", **_scores(4))

    assert first.status_code == second.status_code == 302
    assessment = MonthlyAssessment.objects.get()
    assert assessment.month == datetime.date(2026, 5, 1)
    assert assessment.scores == dict.fromkeys(taxonomy.ABILITY_CODES, 4)
    assert assessment.remark == "本月进步明显，群众工作更主动"


def test_next_month_adds_an_assessment_and_leaves_the_last_one_as_it_was(
    placed: Placed, settings: Any
) -> None:
    client = placed.client("mentor")
    _assess(client, placed, remark="五月", **_scores(3))
    settings.LIANBING_TODAY = "2026-06-02"

    response = _assess(client, placed, remark="六月", **_scores(5))

    assert response.status_code == 302
    assert [(a.month, a.remark) for a in MonthlyAssessment.objects.order_by("month")] == [
        (datetime.date(2026, 5, 1), "五月"),
        (datetime.date(2026, 6, 1), "六月"),
    ]


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        (_scores(political=6), "“政治能力”的评分应为 1 到 5 之间的整数"),
        (_scores(research=0), "“调查研究能力”的评分应为 1 到 5 之间的整数"),
        (_scores(decision="3.5"), "“科学决策能力”的评分应为 1 到 5 之间的整数"),
        (_scores(reform=""), "请为“改革攻坚能力”评分（1–5 分）"),
    ],
)
def test_a_score_off_the_programs_scale_is_refused(
    placed: Placed, scores: dict[str, Any], message: str
) -> None:
    response = _assess(placed.client("mentor"), placed, **scores)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MonthlyAssessment.objects.exists()


def test_a_program_on_a_ten_point_scale_takes_scores_up_to_ten(placed: Placed) -> None:
    program = placed.secondment.program
    program.assessment_scale = 10
    program.save()

    accepted = _assess(placed.client("mentor"), placed, **_scores(9))
    refused = _assess(placed.client("mentor"), placed, **_scores(11))

    assert (accepted.status_code, refused.status_code) == (302, 400)
    assert MonthlyAssessment.objects.get().scores["political"] == 9


def test_a_remark_longer_than_300_characters_is_refused(placed: Placed) -> None:
    response = _assess(placed.client("mentor"), placed, remark="很" * 301)

    assert response.status_code == 400
    assert not MonthlyAssessment.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("trainee", 403), ("staff", 403), ("other_mentor", 404)]
)
def test_only_the_mentor_assesses(placed: Placed, who: str, status: int) -> None:
    response = _assess(placed.client(who), placed)

    assert response.status_code == status
    assert not MonthlyAssessment.objects.exists()


def test_the_assessment_form_shows_only_to_the_mentor_filled_with_this_months_scores(
    placed: Placed,
) -> None:
    _assess(placed.client("mentor"), placed, remark="稳步提升", **_scores(2))

    mentor_page = placed.client("mentor").get(_detail(placed.secondment)).content.decode()
    trainee_page = placed.client("trainee").get(_detail(placed.secondment)).content.decode()

    assert 'data-testid="assessment-form"' in mentor_page
    assert "修改2026年5月月度评价" in mentor_page
    assert 'data-testid="assessment-form"' not in trainee_page
    assert "稳步提升" in trainee_page


# --------------------------------------------------------------------------- timeline


def test_the_timeline_merges_plan_logs_milestones_and_assessments_newest_first(
    placed: Placed,
) -> None:
    plan = _approved_plan(placed, ("2026-04-30", "完成一次专题调研", None))
    _log(placed, on="2026-04-20")
    MilestoneUpdate.objects.create(
        milestone=plan.milestones.get(),
        author=placed.trainee,
        on=datetime.date(2026, 4, 25),
        note="初稿完成",
    )
    _log(placed, on="2026-05-10")
    MonthlyAssessment.objects.create(
        secondment=placed.secondment,
        month=datetime.date(2026, 4, 1),
        scores=dict.fromkeys(taxonomy.ABILITY_CODES, 4),
        remark="四月表现良好",
        author=placed.mentor,
    )

    response = placed.client("staff").get(_detail(placed.secondment))

    timeline = response.context["record"].timeline
    assert [(entry.kind, entry.event, entry.day.isoformat()) for entry in timeline] == [
        ("log", "", "2026-05-10"),
        ("assessment", "", "2026-04-30"),
        ("milestone", "", "2026-04-25"),
        ("log", "", "2026-04-20"),
        ("plan", "approved", "2026-03-10"),
        ("plan", "submitted", "2026-03-08"),
    ]
    page = response.content.decode()
    for text in ("第 1 版练兵计划获批准", "四月表现良好", "初稿完成"):
        assert text in page


def test_a_returned_plan_shows_its_reason_on_the_timeline(placed: Placed) -> None:
    at = timezone.make_aware(datetime.datetime(2026, 3, 5, 9, 0))
    TrainingPlan.objects.create(
        secondment=placed.secondment,
        version=1,
        status=PlanStatus.RETURNED,
        submitted_at=at,
        decided_at=at + datetime.timedelta(days=1),
        return_reason="目标要对应岗位重点任务",
    )

    page = placed.client("trainee").get(_detail(placed.secondment)).content.decode()

    assert "第 1 版练兵计划被退回" in page
    assert "目标要对应岗位重点任务" in page


def test_the_page_reads_in_the_same_number_of_queries_however_many_logs(
    placed: Placed, media: Path
) -> None:
    client = placed.client("mentor")
    _approved_plan(placed, ("2026-04-30", "完成一次专题调研", None))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_detail(placed.secondment)).status_code == 200
        return len(captured)

    for day in (1, 2):
        log = _log(placed, on=f"2026-05-0{day}")
        LogComment.objects.create(log=log, author=placed.mentor, text="好")
    few = queries()
    for day in range(3, 10):
        log = _log(placed, on=f"2026-05-0{day}")
        LogComment.objects.create(log=log, author=placed.staff, text="好")
        LogAttachment.objects.create(
            log=log,
            file="training/logs/x.pdf",
            name="x.pdf",
            content_type="application/pdf",
            size=1,
        )

    assert queries() == few
