"""Writes of progress: work logs with attachments, milestone updates, comments, monthly assessments.

Who writes what (checked here, whatever the page showed):

- the trainee (:func:`~lianbing.training.access.is_trainee_of`) files work logs
  (练兵日志) and milestone updates;
- the mentor (:func:`~lianbing.training.access.is_mentor_of`) and the department
  comment on logs;
- the mentor records one monthly assessment per month, and may change it until
  the month ends.

A log is never edited once filed: it is the dated record the mentor and the
department comment on and the follow-up counts, and a comment must keep the
text it answered. A correction is a new log that says what it corrects.

Dates come from :mod:`lianbing.training.clock`: a log or a milestone update is
dated neither in the future nor before the secondment started.

Attachments are all-or-nothing with their log. Every file is checked before
anything is written: the extension must be one of :data:`ATTACHMENT_KINDS`, the
file's leading bytes must be those of that type (the browser's content type is
not trusted), and size and count must stay within
``LIANBING_LOG_ATTACHMENT_MAX_BYTES`` and ``LIANBING_LOG_ATTACHMENTS_MAX``.
Files are written to ``MEDIA_ROOT`` only after that, inside the transaction of
the log, and removed again when the transaction fails.
"""

from __future__ import annotations

import datetime
import uuid
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, Final

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lianbing.engine import taxonomy

from .. import clock
from ..access import is_department, is_mentor_of, is_trainee_of
from ..models import (
    LogAttachment,
    LogComment,
    Milestone,
    MilestoneUpdate,
    MonthlyAssessment,
    PlanStatus,
    Secondment,
    WorkLog,
)

#: Largest attachment, in bytes (``settings.LIANBING_LOG_ATTACHMENT_MAX_BYTES`` overrides).
LIANBING_LOG_ATTACHMENT_MAX_BYTES: Final = 10 * 1024 * 1024
#: Most attachments on one log (``settings.LIANBING_LOG_ATTACHMENTS_MAX`` overrides).
LIANBING_LOG_ATTACHMENTS_MAX: Final = 5
#: Longest comment on a log and longest milestone note.
COMMENT_MAX: Final = 500
#: Longest sentence of a monthly assessment (the model's column).
ASSESSMENT_REMARK_MAX: Final = 300


def attachment_max_bytes() -> int:
    return int(
        getattr(settings, "LIANBING_LOG_ATTACHMENT_MAX_BYTES", LIANBING_LOG_ATTACHMENT_MAX_BYTES)
    )


def attachments_max() -> int:
    return int(getattr(settings, "LIANBING_LOG_ATTACHMENTS_MAX", LIANBING_LOG_ATTACHMENTS_MAX))


class ProgressError(Exception):
    """A progress record that breaks a rule; the message is Chinese and says what to do.

    ``field`` names the form field the message belongs to (None: the whole form).
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --------------------------------------------------------------------------- file types


def _starts_with(magic: bytes) -> Callable[[IO[bytes]], bool]:
    def check(handle: IO[bytes]) -> bool:
        handle.seek(0)
        return handle.read(len(magic)) == magic

    return check


def _office_archive(part: str) -> Callable[[IO[bytes]], bool]:
    """An Office Open XML file: a zip archive holding its content types and ``part``.

    Only the archive's directory is read; nothing in it is decompressed.
    """

    def check(handle: IO[bytes]) -> bool:
        handle.seek(0)
        if handle.read(4) != b"PK\x03\x04":
            return False
        handle.seek(0)
        try:
            with zipfile.ZipFile(handle) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return False
        return "[Content_Types].xml" in names and part in names

    return check


@dataclass(frozen=True)
class AttachmentKind:
    """An allowed attachment type: what it is called, how it is served, how it is recognised."""

    label: str
    content_type: str
    looks_right: Callable[[IO[bytes]], bool]


_PDF = AttachmentKind("PDF", "application/pdf", _starts_with(b"%PDF-"))
_JPEG = AttachmentKind("JPG", "image/jpeg", _starts_with(b"\xff\xd8\xff"))

#: The allowed extensions and the content each must have.
ATTACHMENT_KINDS: Final[Mapping[str, AttachmentKind]] = {
    "pdf": _PDF,
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "png": AttachmentKind("PNG", "image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
    "docx": AttachmentKind(
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _office_archive("word/document.xml"),
    ),
    "xlsx": AttachmentKind(
        "Excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _office_archive("xl/workbook.xml"),
    ),
}

#: For the file input's ``accept`` attribute and the form's help text.
ACCEPT: Final = ",".join(f".{extension}" for extension in ATTACHMENT_KINDS)


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f}".removesuffix(".0")


def _display_name(upload: UploadedFile) -> str:
    name = PurePath((upload.name or "").replace("\\", "/")).name.strip()
    return name or _("（无文件名）")


def _short_name(name: str) -> str:
    """The original name within the column's 200 characters, keeping its extension."""
    if len(name) <= 200:
        return name
    suffix = PurePath(name).suffix[:20]
    return name[: 200 - len(suffix)] + suffix


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, with what it will be stored as."""

    upload: UploadedFile
    name: str
    extension: str
    kind: AttachmentKind
    size: int


def attachment_check(upload: UploadedFile) -> CheckedFile:
    """Check one upload; raise :class:`ProgressError` (field ``attachments``) when it is refused.

    The extension must be allowed and the leading bytes must match it; an empty
    file or one over :func:`attachment_max_bytes` is refused.
    """
    name = _display_name(upload)
    extension = PurePath(name).suffix.lower().removeprefix(".")
    allowed = _("PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）")
    kind = ATTACHMENT_KINDS.get(extension)
    if kind is None:
        raise ProgressError(
            _("附件“%(name)s”的类型不允许上传：附件只能是 %(allowed)s 文件。")
            % {"name": name, "allowed": allowed},
            "attachments",
        )
    size = upload.size or 0
    limit = attachment_max_bytes()
    if size > limit:
        raise ProgressError(
            _(
                "附件“%(name)s”有 %(size)s MB，超过单个附件 %(limit)s MB 的上限。"
                "请压缩（如降低照片分辨率）或拆分后再上传。"
            )
            % {"name": name, "size": _mb(size), "limit": _mb(limit)},
            "attachments",
        )
    if size == 0:
        raise ProgressError(
            _("附件“%(name)s”是空文件，请重新选择。") % {"name": name}, "attachments"
        )
    handle: IO[bytes] = upload.file  # type: ignore[assignment]  # an UploadedFile wraps a binary file
    try:
        right = kind.looks_right(handle)
    finally:
        handle.seek(0)
    if not right:
        raise ProgressError(
            _(
                "附件“%(name)s”的内容不是 %(label)s 文件（与扩展名 .%(extension)s 不符）。"
                "请上传原始文件，不要只修改扩展名。"
            )
            % {"name": name, "label": kind.label, "extension": extension},
            "attachments",
        )
    return CheckedFile(
        upload=upload, name=_short_name(name), extension=extension, kind=kind, size=size
    )


def attachments_check(uploads: Sequence[UploadedFile]) -> list[CheckedFile]:
    """Check every upload of one log before anything is written (see :func:`attachment_check`)."""
    limit = attachments_max()
    if len(uploads) > limit:
        raise ProgressError(
            _("每篇日志最多 %(limit)d 个附件，这次选择了 %(count)d 个。请减少后再提交。")
            % {"limit": limit, "count": len(uploads)},
            "attachments",
        )
    return [attachment_check(upload) for upload in uploads]


def _nothing_saved(error: ProgressError) -> ProgressError:
    return ProgressError(
        error.message + _("本篇日志和所选附件都没有保存，请修改后重新提交。"), error.field
    )


# --------------------------------------------------------------------------- dates


def _check_day(secondment: Secondment, on: datetime.date, *, what: str) -> None:
    today = clock.today()
    if on > today:
        raise ProgressError(
            _("%(what)s的日期不能晚于今天（%(today)s）。")
            % {"what": what, "today": date_format(today, "Y年n月j日")},
            "on",
        )
    if on < secondment.started_on:
        raise ProgressError(
            _("%(what)s的日期不能早于练兵开始日期（%(start)s）。")
            % {"what": what, "start": date_format(secondment.started_on, "Y年n月j日")},
            "on",
        )


def _required(text: str, message: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ProgressError(message, field)
    return text


def _within(text: str, limit: int, field: str) -> str:
    if len(text) > limit:
        raise ProgressError(
            _("最多 %(limit)d 个字（现有 %(count)d 个），请精简后再提交。")
            % {"limit": limit, "count": len(text)},
            field,
        )
    return text


def results_have_numbers(results: str) -> bool:
    """Whether the results name a number (a digit, half- or full-width).

    Results without one are accepted; the page only suggests adding numbers.
    """
    return any(character.isdigit() for character in results)


# --------------------------------------------------------------------------- work logs


def _full_clean(row: Any) -> None:
    try:
        row.full_clean()
    except ValidationError as exc:
        raise ProgressError("；".join(exc.messages)) from None


def log_create(
    *,
    user: Any,
    secondment: Secondment,
    on: datetime.date,
    work: str,
    results: str,
    files: Sequence[UploadedFile] = (),
) -> WorkLog:
    """File a work log of ``secondment`` with its attachments, all or nothing.

    Only the trainee of the secondment files it (:class:`PermissionDenied`
    otherwise). A rule broken by the log or by any file raises
    :class:`ProgressError` and nothing is stored: no log and no file.
    """
    if not is_trainee_of(user, secondment):
        raise PermissionDenied(_("只有练兵干部本人可以填写练兵日志。"))
    _check_day(secondment, on, what=_("日志"))
    work = _within(_required(work, _("请填写工作内容：这一天做了什么。"), "work"), 2000, "work")
    results = _within(
        _required(results, _("请填写工作成效，尽量用数字说明，如“走访农户 23 户”。"), "results"),
        2000,
        "results",
    )
    try:
        checked = attachments_check(files)
    except ProgressError as error:
        raise _nothing_saved(error) from None

    written: list[LogAttachment] = []
    try:
        with transaction.atomic():
            log = WorkLog(secondment=secondment, on=on, work=work, results=results, author=user)
            _full_clean(log)
            log.save()
            for item in checked:
                attachment = LogAttachment(
                    log=log,
                    name=item.name,
                    content_type=item.kind.content_type,
                    size=item.size,
                )
                # A name of our own on disk: the user's name is kept in ``name`` only.
                attachment.file.save(
                    f"{uuid.uuid4().hex}.{item.extension}", item.upload, save=False
                )
                written.append(attachment)
                _full_clean(attachment)
                attachment.save()
    except BaseException as exc:
        for attachment in written:
            attachment.file.delete(save=False)
        if isinstance(exc, OSError):
            raise ProgressError(
                _(
                    "附件未能写入服务器存储，本篇日志和所选附件都没有保存。"
                    "请稍后重试；如仍不成功，请联系系统管理员。"
                ),
                "attachments",
            ) from exc
        raise
    return log


def log_comment_create(*, user: Any, log: WorkLog, text: str) -> LogComment:
    """The mentor's or the department's comment on a log."""
    if not (is_mentor_of(user, log.secondment) or is_department(user)):
        raise PermissionDenied(_("只有该干部的练兵导师和组织部干部科可以点评日志。"))
    text = _within(_required(text, _("请填写点评内容。"), "text"), COMMENT_MAX, "text")
    with transaction.atomic():
        comment = LogComment(log=log, author=user, text=text)
        _full_clean(comment)
        comment.save()
    return comment


# --------------------------------------------------------------------------- milestones


def milestone_update_create(
    *,
    user: Any,
    secondment: Secondment,
    milestone_id: int,
    on: datetime.date,
    note: str,
    done: bool,
) -> MilestoneUpdate:
    """The trainee's progress on a milestone of the approved plan; ``done`` marks it done on ``on``.

    A milestone already done keeps its first done date.
    """
    if not is_trainee_of(user, secondment):
        raise PermissionDenied(_("只有练兵干部本人可以填报节点进展。"))
    _check_day(secondment, on, what=_("节点进展"))
    note = _within(_required(note, _("请填写节点进展。"), "note"), COMMENT_MAX, "note")
    with transaction.atomic():
        milestone = (
            Milestone.objects.select_for_update(of=("self",))
            .filter(
                pk=milestone_id,
                plan__secondment=secondment,
                plan__status=PlanStatus.APPROVED,
            )
            .first()
        )
        if milestone is None:
            raise ProgressError(_("请选择已批准练兵计划中的一个节点。"), "milestone")
        update = MilestoneUpdate(milestone=milestone, author=user, on=on, note=note, done=done)
        _full_clean(update)
        update.save()
        if done and milestone.done_on is None:
            milestone.done_on = on
            milestone.save(update_fields=["done_on"])
    return update


# --------------------------------------------------------------------------- assessments


def assessment_scores_check(scores: Mapping[str, Any], *, scale: int) -> dict[str, int]:
    """The seven abilities' scores as whole numbers from 1 to ``scale``; ProgressError otherwise."""
    checked: dict[str, int] = {}
    for term in taxonomy.ABILITIES:
        value = scores.get(term.code)
        if value in (None, ""):
            raise ProgressError(
                _("请为“%(ability)s”评分（1–%(scale)d 分）。")
                % {"ability": term.label, "scale": scale},
                f"score_{term.code}",
            )
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or str(number) != str(value).strip() or not 1 <= number <= scale:
            raise ProgressError(
                _("“%(ability)s”的评分应为 1 到 %(scale)d 之间的整数。")
                % {"ability": term.label, "scale": scale},
                f"score_{term.code}",
            )
        checked[term.code] = number
    unknown = sorted(set(scores) - set(checked))
    if unknown:
        raise ProgressError(_("评分中有未知的能力项：%(codes)s。") % {"codes": "、".join(unknown)})
    return checked


def monthly_assessment_record(
    *, user: Any, secondment: Secondment, scores: Mapping[str, Any], remark: str
) -> MonthlyAssessment:
    """The mentor's assessment of the current month (by the clock), created or changed.

    There is one assessment a month; within the month the mentor may change
    it, after the month it stays as recorded. The scores are the seven
    abilities on the program's scale (1 to ``program.assessment_scale``).
    """
    if not is_mentor_of(user, secondment):
        raise PermissionDenied(_("只有该干部的练兵导师可以填写月度评价。"))
    today = clock.today()
    if today < secondment.started_on:
        raise ProgressError(_("练兵尚未开始，开始后才能填写月度评价。"))
    checked = assessment_scores_check(scores, scale=secondment.program.assessment_scale)
    remark = _within(
        _required(remark, _("请用一句话写下本月评价。"), "remark"), ASSESSMENT_REMARK_MAX, "remark"
    )
    month = clock.month_start(today)
    try:
        with transaction.atomic():
            assessment = (
                MonthlyAssessment.objects.select_for_update()
                .filter(secondment=secondment, month=month)
                .first()
            )
            if assessment is None:
                assessment = MonthlyAssessment(secondment=secondment, month=month, author=user)
            assessment.scores = checked
            assessment.remark = remark
            assessment.author = user
            _full_clean(assessment)
            assessment.save()
    except IntegrityError:
        # Two saves of the same month at once: the other one won.
        raise ProgressError(_("本月评价刚被保存过，请刷新页面后再修改。")) from None
    return assessment
