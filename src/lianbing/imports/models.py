"""Imports of the department's workbooks: one row per uploaded file.

The readers and writers of :mod:`lianbing.xlsx` need no Django settings and
never import it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianbing.background.models import BackgroundWork, JobStatus, job_constraints
from lianbing.demand.models import Program

#: Uploaded workbooks are kept under MEDIA_ROOT in this folder.
IMPORT_DIR_NAME = "imports"


def stored_upload_name(instance: ImportJob, filename: str) -> str:
    """Where an upload is kept: a random name, never the one the browser sent."""
    return f"{IMPORT_DIR_NAME}/{uuid.uuid4().hex}.xlsx"


#: A job in one of these states no longer needs its uploaded workbook.
IMPORT_FINISHED = (JobStatus.DONE, JobStatus.REJECTED, JobStatus.FAILED, JobStatus.CANCELLED)

#: What the import pages call each status (the values are :class:`JobStatus`'s).
IMPORT_STATUS_CHOICES = JobStatus.choices_for(
    (JobStatus.QUEUED, JobStatus.RUNNING, *IMPORT_FINISHED),
    running=_("导入中"),
    done=_("已导入"),
    rejected=_("有问题，未导入"),
    failed=_("出错，未导入"),
)


class ImportKind(models.TextChoices):
    CADRES = "cadres", _("干部")
    POSTS = "posts", _("岗位")
    BOTH = "both", _("干部和岗位")
    #: A workbook of mentors alone; mentors alongside cadres or posts show in the counts.
    MENTORS = "mentors", _("导师")


class ImportJob(BackgroundWork):
    """One uploaded workbook and what importing it did (or why nothing was imported)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="import_jobs",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    file = models.FileField(_("文件"), upload_to=stored_upload_name, max_length=200)
    #: Run by ``lianbing import`` at the console: no upload kept, no uploader.
    from_command = models.BooleanField(_("命令行导入"), default=False)
    file_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    file_size = models.PositiveIntegerField(_("文件大小（字节）"), default=0)
    #: When the uploaded workbook was deleted after ``LIANBING_UPLOAD_RETENTION_DAYS``;
    #: the job's counts and problems stay.
    upload_removed_at = models.DateTimeField(_("上传文件删除时间"), null=True, blank=True)
    kind = models.CharField(_("内容"), max_length=10, choices=ImportKind.choices, blank=True)

    program = models.ForeignKey(
        Program,
        verbose_name=_("练兵批次"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
    )
    new_program_name = models.CharField(_("新建批次名称"), max_length=100, blank=True)
    new_program_started_on = models.DateField(_("新建批次开始日期"), null=True, blank=True)
    new_program_ended_on = models.DateField(_("新建批次结束日期"), null=True, blank=True)

    status = models.CharField(
        _("状态"), max_length=20, choices=IMPORT_STATUS_CHOICES, default=JobStatus.QUEUED
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    cadres_created = models.PositiveIntegerField(_("新增干部"), default=0)
    cadres_updated = models.PositiveIntegerField(_("更新干部"), default=0)
    cadres_unchanged = models.PositiveIntegerField(_("未变干部"), default=0)
    assessments_added = models.PositiveIntegerField(_("新增能力评定"), default=0)
    posts_created = models.PositiveIntegerField(_("新增岗位"), default=0)
    units_created = models.PositiveIntegerField(_("新增单位"), default=0)
    mentors_linked = models.PositiveIntegerField(_("关联导师"), default=0)
    mentors_created = models.PositiveIntegerField(_("新增导师"), default=0)
    mentors_updated = models.PositiveIntegerField(_("更新导师"), default=0)
    mentors_unchanged = models.PositiveIntegerField(_("未变导师"), default=0)
    program_created = models.BooleanField(_("新建了批次"), default=False)
    #: Every problem found, as dicts with sheet, row, column, value, expected and text.
    problems = models.JSONField(_("问题"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("名册导入")
        verbose_name_plural = _("名册导入")
        constraints = [
            *job_constraints("import_job", IMPORT_STATUS_CHOICES),
            models.CheckConstraint(
                condition=Q(kind__in=["", *ImportKind.values]), name="import_job_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(new_program_name="")
                | Q(
                    new_program_started_on__isnull=False,
                    new_program_ended_on__gt=models.F("new_program_started_on"),
                ),
                name="import_job_new_program_has_a_period",
            ),
            models.CheckConstraint(
                condition=Q(upload_removed_at__isnull=True) | Q(status__in=IMPORT_FINISHED),
                name="import_job_upload_removed_only_when_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"导入 #{self.pk}（{self.file_name}）"

    def get_absolute_url(self) -> str:
        return reverse("imports:import_detail", args=[self.pk])

    @property
    def cadres_total(self) -> int:
        return self.cadres_created + self.cadres_updated + self.cadres_unchanged

    @property
    def mentors_total(self) -> int:
        """The rows of the 导师 sheet; 0 when the workbook had none."""
        return self.mentors_created + self.mentors_updated + self.mentors_unchanged

    @property
    def has_cadres(self) -> bool:
        return self.kind in (ImportKind.CADRES, ImportKind.BOTH)

    @property
    def has_posts(self) -> bool:
        return self.kind in (ImportKind.POSTS, ImportKind.BOTH)
