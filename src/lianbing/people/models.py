"""Units, cadres, their work history, ability assessments and mentors.

Categories, abilities and unit kinds come from :mod:`lianbing.engine.taxonomy`;
the ability columns of :class:`AbilityAssessment` are generated from it, so
adding an ability there is one migration away.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianbing.engine import mentor_profiles, taxonomy

from .crypto import EncryptedCharField, mask_id_number, mask_phone

CATEGORY_CHOICES = taxonomy.choices(taxonomy.CATEGORIES)
UNIT_KIND_CHOICES = taxonomy.choices(taxonomy.UNIT_KINDS)
GENDER_CHOICES = [(g, g) for g in taxonomy.GENDERS]


class Unit(models.Model):
    """A city department (origin of cadres) or a host unit (town, street, city platform)."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=UNIT_KIND_CHOICES)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=taxonomy.UNIT_KIND_CODES), name="unit_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:unit_detail", args=[self.pk])

    @property
    def is_host(self) -> bool:
        return self.kind != "department"


class Cadre(models.Model):
    """A cadre of the pool, with every field of the 干部 spreadsheet template.

    The seven ability scores live in :class:`AbilityAssessment` (a cadre is
    assessed several times); ``current_assessment`` is the latest one.
    """

    code = models.CharField(_("编号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=2, choices=GENDER_CHOICES, blank=True)
    birth_month = models.CharField(
        _("出生年月"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("格式应为 YYYY-MM"))],
    )
    education = models.CharField(_("学历"), max_length=30, blank=True)
    major = models.CharField(_("专业"), max_length=60, blank=True)
    origin_unit = models.ForeignKey(
        Unit, verbose_name=_("现单位"), on_delete=models.PROTECT, related_name="cadres"
    )
    position = models.CharField(_("现职务"), max_length=60, blank=True)
    rank = models.CharField(_("职级"), max_length=30, blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=CATEGORY_CHOICES)
    category_derived = models.BooleanField(
        _("类别系推算"), default=False, help_text=_("导入时类别为空，由系统根据专长和经历推算")
    )
    grassroots_years = models.DecimalField(
        _("基层工作年限"),
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    expertise = models.TextField(_("专长"), blank=True)
    experience = models.TextField(_("工作经历"), blank=True)
    shortcomings = models.TextField(_("短板"), blank=True)
    avoided_units = models.ManyToManyField(
        Unit, verbose_name=_("回避单位"), blank=True, related_name="avoided_by"
    )
    # Personal information (个人信息保护法): encrypted at rest, masked wherever shown.
    id_number = EncryptedCharField(
        _("身份证号"),
        max_length=18,
        blank=True,
        validators=[RegexValidator(r"^\d{17}[\dXx]$", _("身份证号应为 18 位，末位可为 X"))],
    )
    phone = EncryptedCharField(
        _("联系电话"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[\d\-+ ]{7,20}$", _("联系电话只能包含数字、空格、+ 和 -"))],
    )
    # Optimistic lock: an edit form carries the version it loaded and a save is
    # refused once someone else has saved since (lianbing.people.versioning).
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=taxonomy.CATEGORY_CODES), name="cadre_category_known"
            ),
            models.CheckConstraint(
                condition=Q(grassroots_years__gte=0) & Q(grassroots_years__lte=60),
                name="cadre_grassroots_years_range",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=["", *taxonomy.GENDERS]), name="cadre_gender_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        return reverse("web:cadre_detail", args=[self.pk])

    @property
    def id_number_masked(self) -> str:
        """The ID number as lists and exports show it (3301**********1234)."""
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        """The phone number as lists and exports show it (138****5678)."""
        return mask_phone(self.phone)


class WorkHistoryEntry(models.Model):
    """One stretch of a cadre's career (工作经历)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="work_history"
    )
    started_on = models.DateField(_("开始时间"))
    ended_on = models.DateField(_("结束时间"), null=True, blank=True)
    unit_name = models.CharField(_("单位"), max_length=100)
    position = models.CharField(_("职务"), max_length=60, blank=True)
    is_grassroots = models.BooleanField(_("基层经历"), default=False)

    class Meta:
        ordering = ["cadre", "started_on"]
        verbose_name = _("工作经历")
        verbose_name_plural = _("工作经历")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="work_history_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.position}"


def _ability_fields() -> dict[str, Any]:
    return {
        term.code: models.PositiveSmallIntegerField(
            term.label,
            validators=[
                MinValueValidator(taxonomy.ABILITY_MIN),
                MaxValueValidator(taxonomy.ABILITY_MAX),
            ],
        )
        for term in taxonomy.ABILITIES
    }


def _ability_constraints() -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{t.code}__gte": taxonomy.ABILITY_MIN})
            & Q(**{f"{t.code}__lte": taxonomy.ABILITY_MAX}),
            name=f"assessment_{t.code}_0_100",
        )
        for t in taxonomy.ABILITIES
    ]


class AssessmentSource(models.TextChoices):
    IMPORT = "import", _("名册导入")
    REVIEW = "review", _("分析研判")
    INSPECTION = "inspection", _("一线考察")


class AbilityAssessment(models.Model):
    """The seven ability scores (0-100) of a cadre at one point in time."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="assessments"
    )
    source = models.CharField(
        _("来源"), max_length=20, choices=AssessmentSource.choices, default=AssessmentSource.IMPORT
    )
    assessed_on = models.DateField(_("评定日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    locals().update(_ability_fields())

    class Meta:
        ordering = ["cadre", "-assessed_on", "-id"]
        get_latest_by = ["assessed_on", "id"]
        verbose_name = _("能力评定")
        verbose_name_plural = _("能力评定")
        constraints = _ability_constraints()

    def __str__(self) -> str:
        return f"{self.cadre} {self.assessed_on}"

    def scores(self) -> tuple[int, ...]:
        """The seven scores in the order of ``taxonomy.ABILITIES``."""
        return tuple(int(getattr(self, code)) for code in taxonomy.ABILITY_CODES)


class Mentor(models.Model):
    """A training mentor (练兵导师) at a host unit, with what the pairing needs to know.

    ``strengths`` is a list of ability codes (:data:`taxonomy.ABILITY_CODES`),
    kept in the taxonomy's order; ``capacity`` is how many trainees the mentor
    takes at once (the program's 一对一 by default).
    """

    code = models.CharField(_("编号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="mentors"
    )
    position = models.CharField(_("职务"), max_length=60, blank=True)
    expertise = models.TextField(_("专长"), blank=True)
    strengths = models.JSONField(_("擅长能力"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("可带人数"),
        default=mentor_profiles.CAPACITY_DEFAULT,
        validators=[
            MinValueValidator(mentor_profiles.CAPACITY_MIN),
            MaxValueValidator(mentor_profiles.CAPACITY_MAX),
        ],
    )
    # Personal information: encrypted at rest and masked wherever shown, as a cadre's.
    phone = EncryptedCharField(
        _("联系电话"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[\d\-+ ]{7,20}$", _("联系电话只能包含数字、空格、+ 和 -"))],
    )
    email = models.EmailField(_("电子邮箱"), blank=True)

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("练兵导师")
        verbose_name_plural = _("练兵导师")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=mentor_profiles.CAPACITY_MIN)
                & Q(capacity__lte=mentor_profiles.CAPACITY_MAX),
                name="mentor_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}{self.position}）"

    def clean(self) -> None:
        """A host unit; strengths known ability codes, each once, kept in the taxonomy's order."""
        super().clean()
        errors: dict[str, Any] = {}
        if self.unit_id is not None and not self.unit.is_host:
            errors["unit"] = _("“%(unit)s”是市级部门；导师应来自用人单位（镇街道或市级平台）") % {
                "unit": self.unit.name
            }
        codes = [] if self.strengths in (None, "") else self.strengths
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            errors["strengths"] = _("擅长能力应为能力代码的列表")
        else:
            unknown = [c for c in codes if c not in taxonomy.ABILITY_CODES]
            repeated = sorted({c for c in codes if codes.count(c) > 1}, key=codes.index)
            if unknown:
                errors["strengths"] = _("“%(codes)s”不是七种能力之一") % {
                    "codes": "、".join(unknown)
                }
            elif repeated:
                errors["strengths"] = _("“%(labels)s”重复") % {
                    "labels": "、".join(taxonomy.ability(c).label for c in repeated)
                }
            else:
                self.strengths = [c for c in taxonomy.ABILITY_CODES if c in codes]
        if errors:
            raise ValidationError(errors)

    @property
    def strength_labels(self) -> list[str]:
        """The Chinese names of the mentor's strengths, in the taxonomy's order."""
        return [taxonomy.ability(c).label for c in self.strengths if c in taxonomy.ABILITY_CODES]

    @property
    def phone_masked(self) -> str:
        """The phone number as lists and exports show it (138****5678)."""
        return mask_phone(self.phone)
