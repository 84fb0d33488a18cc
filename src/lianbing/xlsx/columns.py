"""The sheet layouts, declared once.

Each column of the sheets ``干部``, ``岗位`` and ``导师`` is one :class:`Column`: its
Chinese header, whether it is required, what it means, its format, the parser
that turns a cell into a profile value (raising :class:`CellValueError` with a
Chinese explanation), the renderer that turns a profile value back into a cell,
and the hints the template writer turns into drop-down lists and number
validation. The template writer, the reader, the profile writers and the
column reference in the documentation (:func:`columns_markdown`) all read these
lists, so no header, rule or allowed value is written twice.

Categories, abilities and unit kinds come from :mod:`lianbing.engine.taxonomy`;
the cell parsers and renderers from :mod:`lianbing.xlsx.cells`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from lianbing.engine import mentor_profiles, taxonomy
from lianbing.engine.mentor_profiles import MentorProfile
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.xlsx.cells import (
    GENDERS,
    Parser,
    Renderer,
    abilities,
    abilities_cell,
    core_abilities,
    core_abilities_cell,
    email,
    gender,
    joined,
    label_of,
    number,
    number_cell,
    number_text,
    one_of,
    plain,
    split_list,
    text,
    year_month,
)

P = TypeVar("P", CadreProfile, PostProfile, MentorProfile)


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    ``field`` is the profile attribute the column fills; ``position`` is set
    when the attribute is a tuple filled by several columns (the seven
    abilities). ``parse`` receives a non-blank cell value (``str`` already
    stripped, or a number or a date) and returns the profile value; ``render``
    does the reverse for writing. ``default`` is used when an optional cell is
    blank. ``choices`` become a drop-down list; ``minimum``/``maximum`` with
    ``whole`` become number validation in the template. ``hint``, when set,
    replaces the allowed values shown on the instructions sheet.
    """

    header: str
    field: str
    required: bool
    meaning: str
    format: str
    parse: Parser
    render: Renderer
    default: Any = None
    position: int | None = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    whole: bool = False
    width: int = 12
    example: str = ""
    hint: str = ""

    @property
    def allowed(self) -> str:
        """Allowed values or range, as the instructions sheet shows them."""
        if self.hint:
            return self.hint
        if self.choices:
            return "、".join(self.choices)
        if self.minimum is not None and self.maximum is not None:
            return f"{number_text(self.minimum)}–{number_text(self.maximum)}"
        if self.minimum is not None:
            return f"不小于 {number_text(self.minimum)}"
        return ""


@dataclass(frozen=True)
class SheetSpec(Generic[P]):
    """A sheet: its Chinese title, its columns in order, and how a row becomes a profile."""

    kind: str
    title: str
    noun: str
    columns: tuple[Column, ...]
    factory: Callable[..., P]
    complete: Callable[[dict[str, Any]], dict[str, Any]]

    @property
    def id_column(self) -> Column:
        return self.columns[0]

    def column(self, header: str) -> Column:
        for col in self.columns:
            if col.header == header:
                return col
        raise KeyError(header)

    def build(self, values: Mapping[Column, Any]) -> P:
        """The profile for one row, from each column's parsed (or default) value."""
        kwargs: dict[str, Any] = {}
        parts: dict[str, dict[int, Any]] = {}
        for col, value in values.items():
            if col.position is None:
                kwargs[col.field] = value
            else:
                parts.setdefault(col.field, {})[col.position] = value
        for name, by_position in parts.items():
            kwargs[name] = tuple(by_position[k] for k in sorted(by_position))
        return self.factory(**self.complete(kwargs))

    def cells(self, profile: P) -> list[Any]:
        """The row of cell values for one profile, in column order (before formula neutralising)."""
        row: list[Any] = []
        for col in self.columns:
            value = getattr(profile, col.field)
            if col.position is not None:
                value = value[col.position]
            row.append(col.render(value))
        return row


# ---------------------------------------------------------------- the sheets


def _ability_columns() -> tuple[Column, ...]:
    return tuple(
        Column(
            header=term.label,
            field="abilities",
            position=k,
            required=True,
            meaning=f"{term.label}评分（研判或测评结果）",
            format="数字",
            parse=number(taxonomy.ABILITY_MIN, taxonomy.ABILITY_MAX),
            render=number_cell,
            minimum=taxonomy.ABILITY_MIN,
            maximum=taxonomy.ABILITY_MAX,
            width=10,
            example=str(80 - 3 * k),
        )
        for k, term in enumerate(taxonomy.ABILITIES)
    )


_TOWN: Final = taxonomy.unit_kind("town").label
_PLATFORM: Final = taxonomy.unit_kind("platform").label
_MASS_WORK: Final = taxonomy.ability("mass_work").label
_EMERGENCY: Final = taxonomy.ability("emergency").label


def _text(
    header: str,
    field: str,
    meaning: str,
    *,
    required: bool = False,
    format: str = "文字",
    width: int = 12,
    example: str = "",
) -> Column:
    """A free-text column; an optional one defaults to the empty string."""
    return Column(
        header=header,
        field=field,
        required=required,
        meaning=meaning,
        format=format,
        parse=text,
        render=plain,
        default=None if required else "",
        width=width,
        example=example,
    )


def _list(header: str, field: str, meaning: str, items: str, example: str) -> Column:
    """A column holding several items separated by any of :data:`LIST_SEPARATORS`."""
    return Column(
        header=header,
        field=field,
        required=False,
        meaning=meaning,
        format=f"{items}，多个用“；”分隔",
        parse=split_list,
        render=joined,
        default=(),
        width=16,
        example=example,
    )


def _category(*, required: bool, meaning: str) -> Column:
    return Column(
        header="类别",
        field="category",
        required=required,
        meaning=meaning,
        format="从下拉列表选择",
        parse=one_of(taxonomy.CATEGORIES, "类别"),
        render=label_of(taxonomy.CATEGORIES),
        default=None,
        choices=taxonomy.CATEGORY_LABELS,
        width=10,
        example=taxonomy.category("construction").label,
    )


def _cadre_complete(kwargs: dict[str, Any]) -> dict[str, Any]:
    return kwargs


CADRES: Final[SheetSpec[CadreProfile]] = SheetSpec(
    kind="cadres",
    title="干部",
    noun="干部",
    factory=CadreProfile,
    complete=_cadre_complete,
    columns=(
        _text(
            "编号",
            "id",
            "干部的唯一编号，不可重复",
            required=True,
            format="文字或数字",
            width=10,
            example="GB001",
        ),
        _text("姓名", "name", "干部姓名", required=True, width=10, example="孙杰"),
        Column(
            header="性别",
            field="gender",
            required=False,
            meaning="性别",
            format="从下拉列表选择",
            parse=gender,
            render=plain,
            default="",
            choices=GENDERS,
            width=6,
            example="男",
        ),
        Column(
            header="出生年月",
            field="birth_month",
            required=False,
            meaning="出生年月",
            format="年-月（YYYY-MM）",
            parse=year_month,
            render=plain,
            default="",
            width=10,
            example="1986-04",
        ),
        _text("学历", "education", "最高学历", width=10, example="大学本科"),
        _text("专业", "major", "所学专业", example="土木工程"),
        _text(
            "现单位",
            "origin_unit",
            "现工作单位（派出单位）",
            required=True,
            width=16,
            example="市建设局",
        ),
        _text("现职务", "position", "现任职务", example="办公室主任"),
        _text("职级", "rank", "职级", width=10, example="四级主任科员"),
        _category(required=False, meaning="五大类别之一；留空则由系统根据能力与经历自动研判"),
        *_ability_columns(),
        Column(
            header="基层工作年限",
            field="grassroots_years",
            required=False,
            meaning="在乡镇（街道）、村（社区）工作的年数",
            format="数字（年）",
            parse=number(0, None),
            render=number_cell,
            default=0.0,
            minimum=0,
            width=12,
            example="0",
        ),
        _text(
            "专长", "expertise", "专业特长、擅长领域", width=24, example="建设工程管理、项目推进"
        ),
        _text(
            "工作经历",
            "experience",
            "主要工作经历",
            width=30,
            example="在市建设局工作 9 年，负责重点工程协调",
        ),
        _text(
            "短板",
            "shortcomings",
            "需要在练兵中补齐的短板（可不填）",
            width=20,
            example="缺乏基层工作经历",
        ),
        _list(
            "回避单位",
            "avoided_units",
            "不得选派去的单位（如亲属任职单位）",
            "单位名称",
            "新埭镇；乍浦镇",
        ),
        _list(
            "志愿岗位", "preferred_posts", "本人希望去的岗位（可不填）", "岗位编号", "GW012；GW015"
        ),
    ),
)


def _derive_unit_kind(unit: str) -> str:
    # Town and street offices are named "…镇" / "…街道"; every other host is a
    # city-level platform (专班, 破难组, 开发区).
    if unit.endswith(("镇", "街道")):
        return taxonomy.unit_kind("town").code
    return taxonomy.unit_kind("platform").code


def _post_complete(kwargs: dict[str, Any]) -> dict[str, Any]:
    if kwargs.get("unit_kind") is None:
        kwargs["unit_kind"] = _derive_unit_kind(kwargs.get("unit", ""))
    return kwargs


POSTS: Final[SheetSpec[PostProfile]] = SheetSpec(
    kind="posts",
    title="岗位",
    noun="岗位",
    factory=PostProfile,
    complete=_post_complete,
    columns=(
        _text(
            "岗位编号",
            "id",
            "岗位的唯一编号，不可重复",
            required=True,
            format="文字或数字",
            width=10,
            example="GW001",
        ),
        _text(
            "岗位名称", "name", "岗位名称", required=True, width=16, example="美丽城镇项目建设岗"
        ),
        _text(
            "单位", "unit", "岗位所在单位（用人单位）", required=True, width=16, example="新仓镇"
        ),
        Column(
            header="单位类型",
            field="unit_kind",
            required=False,
            meaning=f"用人单位的类型；留空时名称以“镇”“街道”结尾的按{_TOWN}，其余按{_PLATFORM}",
            format="从下拉列表选择",
            parse=one_of(taxonomy.HOST_UNIT_KINDS, "单位类型"),
            render=label_of(taxonomy.UNIT_KINDS),
            default=None,
            choices=tuple(t.label for t in taxonomy.HOST_UNIT_KINDS),
            width=10,
            example=_TOWN,
        ),
        _category(required=True, meaning="岗位所属的五大类别之一"),
        _text("岗位职责", "duties", "岗位的主要职责", width=24, example="协助推进美丽城镇建设项目"),
        _text(
            "重点任务",
            "key_tasks",
            "练兵期间要完成的重点任务",
            width=30,
            example="美丽城镇项目建设、征迁协调",
        ),
        _text(
            "所需专长", "expertise_needed", "岗位需要的专业特长", width=20, example="工程建设管理"
        ),
        Column(
            header="核心能力",
            field="core_abilities",
            required=False,
            meaning="岗位最需要的能力，可加权重（默认 1）",
            format="能力名称，可加“:权重”，多个用“；”分隔",
            parse=core_abilities,
            render=core_abilities_cell,
            default=(),
            width=30,
            example=f"{_MASS_WORK}:3；{_EMERGENCY}:2",
            hint="、".join(taxonomy.ABILITY_LABELS) + "；权重为正数",
        ),
        _text(
            "锻炼方向",
            "develops",
            "岗位能锻炼的能力或经历",
            width=20,
            example=f"基层工作经历、{_MASS_WORK}",
        ),
        Column(
            header="名额",
            field="seats",
            required=False,
            meaning="该岗位选派的干部人数（默认 1）",
            format="整数",
            parse=number(1, None, whole=True),
            render=plain,
            default=1,
            minimum=1,
            whole=True,
            width=6,
            example="1",
        ),
        Column(
            header="练兵期限",
            field="duration_months",
            required=False,
            meaning=f"练兵时长（月，默认 {taxonomy.DURATION_MAX_MONTHS}）",
            format="整数（月）",
            parse=number(taxonomy.DURATION_MIN_MONTHS, taxonomy.DURATION_MAX_MONTHS, whole=True),
            render=plain,
            default=taxonomy.DURATION_MAX_MONTHS,
            minimum=taxonomy.DURATION_MIN_MONTHS,
            maximum=taxonomy.DURATION_MAX_MONTHS,
            whole=True,
            width=8,
            example="12",
        ),
        _text("导师", "mentor", "练兵导师（可不填）", example="李俊（副镇长）"),
    ),
)


def _mentor_complete(kwargs: dict[str, Any]) -> dict[str, Any]:
    return kwargs


MENTORS: Final[SheetSpec[MentorProfile]] = SheetSpec(
    kind="mentors",
    title="导师",
    noun="导师",
    factory=MentorProfile,
    complete=_mentor_complete,
    columns=(
        _text(
            "导师编号",
            "id",
            "导师的唯一编号，不可重复；已有的编号会更新该导师",
            required=True,
            format="文字或数字",
            width=10,
            example="DS001",
        ),
        _text("姓名", "name", "导师姓名", required=True, width=10, example="李俊"),
        _text(
            "单位",
            "unit",
            "导师所在的用人单位（镇街道或市级平台），须是系统中已有的单位",
            required=True,
            width=16,
            example="新仓镇",
        ),
        _text("职务", "position", "导师现任职务", example="副镇长"),
        _text(
            "专长", "expertise", "导师的专业特长、擅长领域", width=24, example="征迁协调、项目推进"
        ),
        Column(
            header="擅长能力",
            field="strengths",
            required=False,
            meaning="导师擅长、能带教的能力",
            format="能力名称，多个用“；”分隔",
            parse=abilities,
            render=abilities_cell,
            default=(),
            width=30,
            example=f"{_MASS_WORK}；{_EMERGENCY}",
            hint="、".join(taxonomy.ABILITY_LABELS),
        ),
        Column(
            header="可带人数",
            field="capacity",
            required=False,
            meaning=(
                f"导师同时可带的干部人数（默认 {mentor_profiles.CAPACITY_DEFAULT}，即一对一）"
            ),
            format="整数",
            parse=number(mentor_profiles.CAPACITY_MIN, mentor_profiles.CAPACITY_MAX, whole=True),
            render=plain,
            default=mentor_profiles.CAPACITY_DEFAULT,
            minimum=mentor_profiles.CAPACITY_MIN,
            maximum=mentor_profiles.CAPACITY_MAX,
            whole=True,
            width=8,
            example=str(mentor_profiles.CAPACITY_DEFAULT),
        ),
        Column(
            header="电子邮箱",
            field="email",
            required=False,
            meaning="接收练兵提醒的电子邮箱（可不填）",
            format="电子邮箱地址",
            parse=email,
            render=plain,
            default="",
            width=24,
            example="lijun@example.gov.cn",
        ),
    ),
)

SHEETS: Final[Mapping[str, SheetSpec[Any]]] = {
    "cadres": CADRES,
    "posts": POSTS,
    "mentors": MENTORS,
}


def sheet_spec(kind: str) -> SheetSpec[Any]:
    """The layout for ``kind`` (``cadres``, ``posts`` or ``mentors``); ``ValueError`` otherwise."""
    try:
        return SHEETS[kind]
    except KeyError:
        kinds = "、".join(f"{k}（{spec.title}）" for k, spec in SHEETS.items())
        raise ValueError(f"未知的模板类型“{kind}”，应为 {kinds} 之一") from None


def columns_markdown(kind: str) -> str:
    """The column reference of one sheet as a Markdown table (for the user guide)."""
    spec = sheet_spec(kind)
    lines = [
        f"工作表“{spec.title}”（每行一个{spec.noun}）",
        "",
        "| 列名 | 必填 | 含义 | 格式 | 可选值/范围 | 示例 |",
        "|---|---|---|---|---|---|",
    ]
    for col in spec.columns:
        must = "是" if col.required else "否"
        lines.append(
            f"| {col.header} | {must} | {col.meaning} | {col.format} | {col.allowed} "
            f"| {col.example} |"
        )
    return "\n".join(lines) + "\n"
