"""A deterministic generator of demonstration programs.

The default program is the one of the feature article (``../shared/seed``): the
city of Pinghu, its nine towns and streets, its economic-development zone and
city task forces as host units, about forty city departments as origin units,
110 cadres and 100 posts. The six cadres the article names, and the posts they
took, are always present with fixed ids; everything else is drawn from phrase
banks with ``random.Random(seed)``, so equal arguments give equal programs.

Pure Python: no Django, no database, no clock. The same function builds the
province-scale pools of the benchmarks (10,000 cadres x 2,000 posts).
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from lianbing.engine import taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile

__all__ = ["DemoProgram", "MentorSpec", "UnitSpec", "WorkHistorySpec", "generate"]

_T = TypeVar("_T")

# The vocabularies are unpacked from the taxonomy so that no code or label is
# spelled here; a change there fails loudly at import instead of drifting.
_PARTY, _ECONOMY, _CONSTRUCTION, _SOCIAL, _LIVELIHOOD = taxonomy.CATEGORY_CODES
(
    _POLITICAL,
    _RESEARCH,
    _DECISION,
    _REFORM,
    _EMERGENCY,
    _MASS_WORK,
    _EXECUTION,
) = taxonomy.ABILITY_CODES
_DEPARTMENT, _TOWN, _PLATFORM = taxonomy.UNIT_KIND_CODES
_ALL_CATEGORIES = taxonomy.CATEGORY_CODES


# --------------------------------------------------------------------------- #
# Public types
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class UnitSpec:
    """A unit of the program: an origin department or a host unit."""

    name: str
    kind: str
    parent: str | None = None
    short_name: str = ""


@dataclass(frozen=True)
class MentorSpec:
    """A training mentor (练兵导师) at a host unit."""

    id: str
    name: str
    unit: str
    position: str


@dataclass(frozen=True)
class WorkHistorySpec:
    """One stretch of a cadre's career; ``end`` is "" for the current post."""

    cadre_id: str
    start: str
    end: str
    unit: str
    position: str
    grassroots: bool


@dataclass(frozen=True)
class DemoProgram:
    """A whole training program, ready to be loaded or matched."""

    name: str
    start: datetime.date
    end: datetime.date
    units: tuple[UnitSpec, ...]
    cadres: tuple[CadreProfile, ...]
    posts: tuple[PostProfile, ...]
    mentors: tuple[MentorSpec, ...]
    work_history: tuple[WorkHistorySpec, ...]


# --------------------------------------------------------------------------- #
# Phrase banks: the city
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class _Department:
    name: str
    short: str
    category: str
    sections: tuple[str, ...]
    expertise: tuple[str, ...]
    deputy: str  # the unit-level deputy title (副局长, 副主任 ...)


@dataclass(frozen=True)
class _Host:
    name: str
    short: str
    kind: str
    weight: int  # share of the posts
    categories: tuple[tuple[str, int], ...]  # category weights of its posts
    mentors: tuple[tuple[str, tuple[str, ...]], ...]  # position, categories it covers
    parent: str | None = None


_TOWN_MENTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("副镇长", (_ECONOMY, _CONSTRUCTION)),
    ("镇党委委员、组织委员", (_PARTY,)),
    ("镇党委副书记", (_SOCIAL, _PARTY)),
    ("副镇长", (_LIVELIHOOD, _SOCIAL)),
    ("镇党委委员、宣传委员", (_PARTY, _LIVELIHOOD)),
    ("镇党委委员、武装部长", (_SOCIAL,)),
    ("镇人大副主席", (_LIVELIHOOD,)),
    ("副镇长", (_CONSTRUCTION, _ECONOMY)),
)
_STREET_MENTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("街道办事处副主任", (_ECONOMY, _CONSTRUCTION)),
    ("街道党工委委员、组织委员", (_PARTY,)),
    ("街道党工委副书记", (_SOCIAL, _PARTY)),
    ("街道办事处副主任", (_LIVELIHOOD, _SOCIAL)),
    ("街道党工委委员、宣传委员", (_PARTY, _LIVELIHOOD)),
    ("街道党工委委员、武装部长", (_SOCIAL,)),
    ("街道人大工委副主任", (_LIVELIHOOD,)),
    ("街道办事处副主任", (_CONSTRUCTION, _ECONOMY)),
)
# Towns' posts lean to livelihood and away from economy, which the platforms mostly
# ask for, so that the five categories end up in similar numbers.
_TOWN_BASE_WEIGHTS = {_PARTY: 2, _ECONOMY: 1, _CONSTRUCTION: 2, _SOCIAL: 2, _LIVELIHOOD: 3}


def _town(name: str, short: str, *known_for: str) -> _Host:
    """A town or street; a category it is known for gets one more share of its posts."""
    weights = tuple((c, w + (c in known_for)) for c, w in _TOWN_BASE_WEIGHTS.items())
    mentors = _STREET_MENTORS if name.endswith("街道") else _TOWN_MENTORS
    return _Host(name, short, _TOWN, 7, weights, mentors)


_TOWNS: tuple[_Host, ...] = (
    _town("当湖街道", "当湖", _CONSTRUCTION, _SOCIAL),  # old town centre, old housing estates
    _town("钟埭街道", "钟埭", _ECONOMY, _CONSTRUCTION),  # industry
    _town("曹桥街道", "曹桥", _ECONOMY),  # the rowing town
    _town("乍浦镇", "乍浦", _ECONOMY, _CONSTRUCTION),  # port area, sea wall
    _town("新埭镇", "新埭", _ECONOMY),  # science-city park
    _town("新仓镇", "新仓", _CONSTRUCTION),  # beautiful town and villages, farming
    _town("广陈镇", "广陈", _ECONOMY),  # agricultural development zone
    _town("林埭镇", "林埭", _ECONOMY),  # industry
    _town("独山港镇", "独山港", _ECONOMY, _SOCIAL),  # port and energy
)

_PLATFORMS: tuple[_Host, ...] = (
    _Host(
        "平湖经济技术开发区",
        "平湖经开区",
        _PLATFORM,
        8,
        ((_ECONOMY, 5), (_CONSTRUCTION, 2), (_PARTY, 1), (_SOCIAL, 1)),
        (
            ("开发区党工委委员、管委会副主任", (_ECONOMY, _CONSTRUCTION)),
            ("开发区党工委委员", (_PARTY, _SOCIAL)),
            ("开发区招商服务中心主任", (_ECONOMY,)),
            ("开发区规划建设局局长", (_CONSTRUCTION,)),
            ("开发区管委会副主任", (_ECONOMY, _SOCIAL)),
        ),
    ),
    _Host(
        "数字化改革专班",
        "数改专班",
        _PLATFORM,
        4,
        ((_ECONOMY, 2), (_PARTY, 1), (_SOCIAL, 1)),
        (("专班常务副组长", _ALL_CATEGORIES), ("专班副组长", _ALL_CATEGORIES)),
        parent="市委办",
    ),
    _Host(
        "独山能源三期项目分拆破难组",
        "独山能源破难组",
        _PLATFORM,
        3,
        ((_ECONOMY, 2), (_CONSTRUCTION, 1)),
        (("破难组副组长", _ALL_CATEGORIES), ("破难组综合协调组组长", _ALL_CATEGORIES)),
        parent="市发改局",
    ),
    _Host(
        "美丽城镇建设办公室",
        "市美城办",
        _PLATFORM,
        3,
        ((_CONSTRUCTION, 2), (_PARTY, 1)),
        (("办公室常务副主任", _ALL_CATEGORIES), ("办公室副主任", _ALL_CATEGORIES)),
        parent="市建设局",
    ),
    _Host(
        "招商引资专班",
        "招商专班",
        _PLATFORM,
        3,
        ((_ECONOMY, 1),),
        (("专班常务副组长", _ALL_CATEGORIES), ("专班副组长", _ALL_CATEGORIES)),
        parent="市商务局",
    ),
    _Host(
        "疫情防控工作专班",
        "疫情防控专班",
        _PLATFORM,
        3,
        ((_SOCIAL, 1), (_LIVELIHOOD, 2), (_PARTY, 1)),
        (("专班副组长", _ALL_CATEGORIES), ("专班综合组组长", _ALL_CATEGORIES)),
        parent="市卫生健康局",
    ),
)
_HOSTS: tuple[_Host, ...] = _TOWNS + _PLATFORMS
_HOST_BY_NAME = {h.name: h for h in _HOSTS}


# A department: name | short name | unit-level deputy title | sections, then its expertise.
_DEPARTMENT_TABLE: dict[str, str] = {
    _PARTY: """
    市委办 | 市委办 | 副主任 | 综合科 督查科 信息科 秘书科
        综合文字材料起草 重大决策部署督查督办 政务信息报送 会务组织协调
    市政府办 | 市府办 | 副主任 | 综合科 督查科 秘书科 政务公开科
        政府工作报告起草 政务督查 政务公开 应急值守
    市纪委监委 | 市纪委监委 | 监委委员 | 党风政风监督室 案件审理室 第一纪检监察室 宣传部
        监督执纪问责 审查调查 廉政教育 作风建设
    市委组织部 | 市委组织部 | 副部长 | 组织科 干部科 干部监督科 人才工作科
        基层党组织建设 干部考察 人才工作 党员教育管理
    市委宣传部 | 市委宣传部 | 副部长 | 宣传科 理论科 文明办 网信办
        新闻宣传 文明城市创建 网络舆情应对 理论宣讲
    市委统战部 | 市委统战部 | 副部长 | 党派科 经济联络科 民族宗教科
        统一战线工作 民营经济人士联系服务 民族宗教事务 新的社会阶层人士工作
    市机关事务中心 | 机关事务中心 | 副主任 | 接待科 综合科 公物管理科 节能管理科
        公务接待 机关后勤保障 公共机构节能 公物管理
    团市委 | 团市委 | 副书记 | 组织部 宣传部 青少年发展部 办公室
        共青团工作 青年志愿服务 青少年思想引领
    市妇联 | 市妇联 | 副主席 | 组织联络部 权益部 家庭和儿童工作部 办公室
        妇女儿童权益维护 家庭家教家风建设 巾帼志愿服务
    市总工会 | 市总工会 | 副主席 | 组织部 权益保障部 职工服务中心 办公室
        工会组织建设 职工权益保障 劳模工匠服务
""",
    _ECONOMY: """
    市发改局 | 发改局 | 副局长 | 综合规划科 项目管理科 价格科 能源科
        重大项目谋划 国民经济发展规划 投资项目管理 能源双控
    市经信局 | 经信局 | 副局长 | 综合科 工业投资科 数字经济科 企业服务科 运行监测科
        工业经济运行监测 企业技术改造 数字经济发展 亩均效益评价 企业服务
    市科技局 | 科技局 | 副局长 | 高新技术科 科技合作科 科技人才科 局长办公室
        科技项目管理 高新技术企业培育 产学研合作 科技人才引进
    市财政局 | 财政局 | 副局长 | 预算科 国库科 综合科 农业农村科
        财政预算管理 政府债务管理 财政资金绩效评价 国有资产管理
    市农业农村局 | 农业农村局 | 副局长 | 农村社会事业促进科 乡村产业科 农田建设科 农村经营管理科
        乡村振兴 农业产业化 美丽乡村建设 农村集体经济
    市商务局 | 商务局 | 副局长 | 外资科 外贸科 商贸流通科 开放平台科
        招商引资 外贸稳增长 商贸流通 外资项目服务
    市行政审批局 | 行政审批局 | 副局长 | 投资项目审批科 政务服务科 综合审批科
        投资项目审批 政务服务 营商环境优化 最多跑一次改革
    市统计局 | 统计局 | 副局长 | 综合科 工业统计科 农村统计科
        统计调查 经济运行分析 数据建模
    市审计局 | 审计局 | 副局长 | 经济责任审计科 投资审计科 财政审计科
        经济责任审计 政府投资审计 财政资金审计
    市大数据局 | 大数据局 | 副局长 | 数据资源科 电子政务科 数字化改革科
        公共数据归集共享 政务信息系统建设 数字化改革
""",
    _CONSTRUCTION: """
    市自然资源和规划局 | 资规局 | 副局长 | 国土空间规划科 耕地保护科 用地审批科 测绘地理信息科
        国土空间规划 土地综合整治 建设用地审批 耕地保护
    市生态环境局 | 生态环境局 | 副局长 | 污染防治科 环评科 执法大队 综合科
        污染防治 环境影响评价 生态环境执法 水环境治理
    市建设局 | 建设局 | 副局长 | 办公室 建筑业管理科 城建科 村镇建设科 质安站
        建设工程管理 城镇建设 建筑市场监管 工程质量安全
    市交通运输局 | 交通运输局 | 副局长 | 综合规划科 建设管理科 运输管理科 公路科
        交通项目建设管理 农村公路管养 道路运输管理 港航管理
    市水利局 | 水利局 | 副局长 | 水利工程科 河湖管理科 农村水利科 综合科
        水利工程建设 河湖长制 防汛防台 农村饮用水安全
""",
    _SOCIAL: """
    市委政法委 | 市委政法委 | 副书记 | 综治科 执法监督科 维稳科
        平安建设 社会治安综合治理 矛盾纠纷多元化解 基层社会治理
    市公安局 | 公安局 | 副局长 | 治安大队 指挥中心 法制大队 政治处
        社会治安防控 应急指挥调度 矛盾纠纷排查 警务数据分析
    市应急管理局 | 应急管理局 | 副局长 | 安全生产综合协调科 应急救援指挥中心 危化品监管科 防灾减灾科
        安全生产监管 应急救援指挥 危险化学品监管 防汛防台
    市市场监管局 | 市场监管局 | 副局长 | 食品安全科 特种设备科 登记注册科 知识产权科
        食品安全监管 特种设备安全 商事登记 知识产权保护
    市信访局 | 信访局 | 副局长 | 办信科 接访科 督查科
        信访接待 矛盾纠纷化解 信访积案化解
    市综合执法局 | 综合执法局 | 副局长 | 执法科 市容环卫科 法制科
        城市管理综合执法 市容环境整治 违法建筑治理
    市司法局 | 司法局 | 副局长 | 人民调解科 法治督察科 公共法律服务科 社区矫正科
        人民调解 公共法律服务 行政执法监督 社区矫正
""",
    _LIVELIHOOD: """
    市教育局 | 教育局 | 副局长 | 基础教育科 人事科 计划财务科 教育督导室
        学校建设规划 教育教学管理 校园安全管理 教育督导
    市民政局 | 民政局 | 副局长 | 社会救助科 养老服务科 社会事务科 基层政权科
        社会救助 养老服务体系建设 社区建设 社会组织管理
    市人社局 | 人社局 | 副局长 | 就业促进科 社会保险科 劳动关系科 人才开发科
        就业创业服务 社会保险政策 劳动关系协调 人才招引
    市文化和广电旅游体育局 | 文广旅体局 | 副局长 | 文化科 旅游科 体育科 文物科
        文旅融合发展 体育赛事组织 公共文化服务 文物保护
    市卫生健康局 | 卫健局 | 副局长 | 医政科 疾病预防控制科 基层卫生科 规划发展科
        公共卫生管理 疫情防控 基层医疗卫生服务 医疗机构管理
    市少体校 | 少体校 | 副校长 | 训练科 教务科 办公室
        运动训练 青少年体育培训 体育赛事组织
    市医保局 | 医保局 | 副局长 | 医保待遇科 基金监管科 医药服务管理科
        医保政策 医保基金监管 医药服务管理
    市退役军人事务局 | 退役军人局 | 副局长 | 优抚科 就业创业科 综合科
        退役军人服务保障 优抚安置 退役军人就业创业
""",
}


def _parse_departments(table: dict[str, str]) -> tuple[_Department, ...]:
    departments: list[_Department] = []
    for category, block in table.items():
        lines = block.strip().splitlines()
        for header, expertise in zip(lines[::2], lines[1::2], strict=True):
            name, short, deputy, sections = (f.strip() for f in header.split("|"))
            departments.append(
                _Department(
                    name, short, category, tuple(sections.split()), tuple(expertise.split()), deputy
                )
            )
    return tuple(departments)


_DEPARTMENTS = _parse_departments(_DEPARTMENT_TABLE)
_DEPARTMENT_BY_NAME = {d.name: d for d in _DEPARTMENTS}


# --------------------------------------------------------------------------- #
# Phrase banks: posts
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class _PostTemplate:
    """A kind of post. Text placeholders: {u} unit, {s} its short name, {n} and {m} counts."""

    name: str
    category: str
    duties: str
    tasks: tuple[str, ...]
    expertise: str
    core: tuple[tuple[str, float], ...]
    develops: tuple[str, ...]  # ability codes the post trains
    experience: str  # experience the post gives
    units: tuple[str, ...] = ()  # where it is offered; () = any town or street


def _tpl(
    name: str,
    category: str,
    duties: str,
    tasks: Sequence[str],
    expertise: str,
    core: Sequence[tuple[str, float]],
    develops: Sequence[str],
    experience: str,
    units: Sequence[str] = (),
) -> _PostTemplate:
    return _PostTemplate(
        name,
        category,
        duties,
        tuple(tasks),
        expertise,
        tuple(core),
        tuple(develops),
        experience,
        tuple(units),
    )


_ANY_TOWN = ""  # among a template's units: any town or street as well
_ZONE = "平湖经济技术开发区"
_DIGITAL = "数字化改革专班"
_ENERGY = "独山能源三期项目分拆破难组"
_BEAUTIFUL = "美丽城镇建设办公室"
_INVEST = "招商引资专班"
_EPIDEMIC = "疫情防控工作专班"

_TEMPLATES: tuple[_PostTemplate, ...] = (
    # 党政群团 ------------------------------------------------------------
    _tpl(
        "基层党建岗",
        _PARTY,
        "协助抓好{u}机关和村（社区）党组织建设，做好党员教育管理和党建阵地运行",
        (
            "推进{n}个村（社区）党群服务中心提档升级，打造党建引领基层治理示范点",
            "开展后进村党组织整转提升，建立“一村一策”整改台账并按月销号",
            "组织党员“亮身份、作表率”活动，完成年度党员发展和教育培训计划",
        ),
        "基层党建、党员教育管理",
        ((_POLITICAL, 3), (_MASS_WORK, 2), (_EXECUTION, 1)),
        (_MASS_WORK, _POLITICAL),
        "基层党建实务经历",
    ),
    _tpl(
        "宣传文化岗",
        _PARTY,
        "负责{u}宣传思想、新闻报道和新时代文明实践工作",
        (
            "策划{s}重点工作系列宣传报道，全年在市级以上媒体刊发稿件{m}篇",
            "推进新时代文明实践站点建设，组织志愿服务活动{m}场",
            "做好网络舆情监测和应对处置，完善舆情快速响应机制",
        ),
        "新闻宣传、文字写作、活动策划",
        ((_POLITICAL, 3), (_RESEARCH, 2)),
        (_RESEARCH, _MASS_WORK),
        "基层宣传文化阵地工作经历",
    ),
    _tpl(
        "群团工作岗",
        _PARTY,
        "协助做好{u}工会、共青团、妇联等群团组织建设和服务工作",
        (
            "推动辖区规模企业建立工会组织，新建职工之家{n}个",
            "组建青年突击队参与中心工作，开展青年志愿服务活动{m}场",
            "推进妇女儿童之家规范化建设，开展家庭家教家风宣传",
        ),
        "群团工作、活动组织",
        ((_POLITICAL, 2), (_MASS_WORK, 3)),
        (_MASS_WORK,),
        "基层群团工作经历",
    ),
    _tpl(
        "综合文字岗",
        _PARTY,
        "负责{u}党政办综合文字材料起草和重点工作督查",
        (
            "起草{s}年度工作总结、重要讲话和专题调研报告",
            "建立重点工作督查清单，按月通报进展并跟踪问题整改",
            "围绕中心工作开展专题调研，形成调研报告{n}篇",
        ),
        "综合文字材料写作、督查督办",
        ((_POLITICAL, 2), (_RESEARCH, 3), (_EXECUTION, 2)),
        (_DECISION, _RESEARCH),
        "基层综合协调经历",
    ),
    _tpl(
        "统战工作岗",
        _PARTY,
        "协助开展{u}统一战线工作，联系服务民营经济人士和新的社会阶层人士",
        (
            "建立辖区民营企业家联系走访台账，全年走访{m}人次",
            "推进新的社会阶层人士实践创新基地建设",
            "组织统一战线成员参与乡村振兴和结对帮扶",
        ),
        "统一战线工作、联系服务",
        ((_POLITICAL, 3), (_MASS_WORK, 2)),
        (_MASS_WORK, _RESEARCH),
        "基层统战工作经历",
    ),
    _tpl(
        "基层监督岗",
        _PARTY,
        "协助{u}纪（工）委开展基层监督和作风建设",
        (
            "开展村级小微权力运行专项监督，督促整改问题{n}个",
            "对重点项目建设和惠民资金使用开展跟踪监督",
            "推进清廉村居建设，打造清廉建设示范点{n}个",
        ),
        "纪检监察、作风建设",
        ((_POLITICAL, 3), (_RESEARCH, 2), (_EXECUTION, 1)),
        (_RESEARCH, _MASS_WORK),
        "基层监督一线经历",
    ),
    _tpl(
        "非公党建岗",
        _PARTY,
        "负责{u}非公企业党建和人才服务工作",
        (
            "推进园区非公企业党组织和党的工作“双覆盖”，打造企业党建示范点{n}个",
            "建立企业人才服务专员制度，帮助企业引进急需紧缺人才",
        ),
        "非公企业党建、人才服务",
        ((_POLITICAL, 3), (_MASS_WORK, 2)),
        (_MASS_WORK, _RESEARCH),
        "企业党建一线经历",
        (_ZONE,),
    ),
    _tpl(
        "党建统领整体智治岗",
        _PARTY,
        "参与构建党建统领的整体智治体系，做好数字化改革综合协调和材料起草",
        (
            "梳理党建统领整体智治重点任务清单，建立周例会和进度通报机制",
            "提炼数字化改革典型经验，形成专报和案例{n}篇",
        ),
        "综合文字材料写作、数字化改革",
        ((_POLITICAL, 3), (_DECISION, 2), (_RESEARCH, 2)),
        (_DECISION, _REFORM),
        "全市层面统筹协调经验",
        (_DIGITAL,),
    ),
    _tpl(
        "综合协调岗",
        _PARTY,
        "负责{u}日常运转、会议组织、信息报送和督查考核",
        (
            "建立工作任务清单和周报制度，跟踪各成员单位任务进度",
            "编发工作简报，及时报送工作动态和经验做法",
        ),
        "综合协调、信息报送、督查考核",
        ((_POLITICAL, 2), (_EXECUTION, 3), (_DECISION, 1)),
        (_DECISION, _EXECUTION),
        "全市层面统筹协调经验",
        (_BEAUTIFUL, _EPIDEMIC),
    ),
    _tpl(
        "浙沪毗邻党建岗",
        _PARTY,
        "负责广陈镇与上海毗邻地区党建联建和区域协同工作",
        (
            "深化浙沪毗邻村党建联建，推动共建项目{n}个落地",
            "推进毗邻地区公共服务共享和联合执法、联防联控机制",
        ),
        "基层党建、区域合作",
        ((_POLITICAL, 3), (_MASS_WORK, 2), (_DECISION, 1)),
        (_DECISION, _MASS_WORK),
        "区域协同工作经验",
        ("广陈镇",),
    ),
    # 经济管理 ------------------------------------------------------------
    _tpl(
        "招商引资岗",
        _ECONOMY,
        "负责{u}招商引资项目洽谈、跟踪和落地服务",
        (
            "全年走访对接意向项目{m}个，推动{n}个亿元以上产业项目签约落地",
            "围绕主导产业链开展精准招商，建立在谈项目清单并按周更新",
            "参加长三角招商推介活动，收集有效项目信息{m}条",
        ),
        "招商引资、产业分析、项目洽谈",
        ((_REFORM, 3), (_DECISION, 2), (_EXECUTION, 2)),
        (_DECISION, _REFORM),
        "招商一线实战经验",
        (_ANY_TOWN, _ZONE, _INVEST),
    ),
    _tpl(
        "企业服务岗",
        _ECONOMY,
        "负责联系服务{u}重点企业，协调解决企业发展难题",
        (
            "联系服务辖区规上企业{m}家，协调解决用工、用地、融资等问题",
            "指导企业申报技术改造、专精特新等政策项目，全年申报{n}项",
            "建立企业诉求清单，实行交办、督办、销号闭环管理",
        ),
        "企业服务、产业政策、项目申报",
        ((_RESEARCH, 2), (_EXECUTION, 3), (_MASS_WORK, 1)),
        (_RESEARCH,),
        "企业服务一线经验",
        (_ANY_TOWN, _ZONE),
    ),
    _tpl(
        "经济运行岗",
        _ECONOMY,
        "负责{u}经济运行监测和统计分析",
        (
            "建立重点企业运行监测台账，按月形成经济运行分析报告",
            "开展亩均效益综合评价，推动{n}家低效企业整治提升",
            "运用数据建模分析经济走势，为决策提供研判参考",
        ),
        "经济运行分析、统计调查、数据分析",
        ((_RESEARCH, 3), (_DECISION, 2)),
        (_DECISION,),
        "基层经济工作经历",
        (_ANY_TOWN, _ZONE),
    ),
    _tpl(
        "项目推进岗",
        _ECONOMY,
        "负责{u}重点产业项目前期和建设推进",
        (
            "跟踪推进{n}个省市重点项目，协调解决政策处理和要素保障问题",
            "建立项目推进“一图一表”，按周通报项目进度",
            "推动已签约项目早开工、早投产，全年开工项目{n}个",
        ),
        "项目管理、政策处理",
        ((_EXECUTION, 3), (_REFORM, 2), (_EMERGENCY, 1)),
        (_REFORM, _EXECUTION),
        "重大项目一线推进经历",
        (_ANY_TOWN, _ZONE),
    ),
    _tpl(
        "农业经济岗",
        _ECONOMY,
        "负责{u}现代农业发展和农业项目推进",
        (
            "培育农业龙头企业和家庭农场{n}家，打响特色农产品品牌",
            "推进高标准农田建设和粮食生产功能区提标改造",
            "推动农业招商，引进现代农业项目{n}个",
        ),
        "农业产业化、农业项目管理",
        ((_RESEARCH, 2), (_EXECUTION, 3), (_MASS_WORK, 2)),
        (_MASS_WORK,),
        "农村一线工作经历",
        ("新仓镇", "广陈镇", "林埭镇", "新埭镇", "乍浦镇", "独山港镇"),
    ),
    _tpl(
        "文旅发展岗",
        _ECONOMY,
        "负责{u}文化旅游资源开发和文旅项目推进",
        (
            "策划举办文旅节庆和体育赛事活动{n}场，提升{s}文旅品牌影响力",
            "推进乡村旅游精品线路打造和民宿规范发展",
            "招引文旅项目，推动文旅消费提质扩容",
        ),
        "文旅策划、活动组织",
        ((_REFORM, 3), (_DECISION, 2), (_EXECUTION, 2)),
        (_REFORM,),
        "文旅项目运营经验",
    ),
    _tpl(
        "强村富民岗",
        _ECONOMY,
        "推进{u}村级集体经济发展和农民增收",
        (
            "推动{n}个村组建强村公司，村级集体经济经常性收入增长10%以上",
            "谋划“飞地抱团”项目，拓宽村集体增收渠道",
        ),
        "农村集体经济、项目运营",
        ((_REFORM, 2), (_MASS_WORK, 2), (_EXECUTION, 2)),
        (_MASS_WORK, _REFORM),
        "村级一线工作经历",
    ),
    _tpl(
        "数字化改革岗",
        _ECONOMY,
        "参与全市数字化改革重大应用谋划、开发和推广",
        (
            "谋划数字化改革重大应用场景{n}个，推动跨部门数据共享和业务协同",
            "梳理核心业务事项，完成业务流程再造和数据需求清单",
            "推动应用场景在镇街道和部门贯通落地，收集问题并迭代优化",
        ),
        "数字化改革、信息系统建设、数据分析",
        ((_REFORM, 3), (_DECISION, 2), (_RESEARCH, 2)),
        (_REFORM, _DECISION),
        "全市层面统筹协调经验",
        (_DIGITAL,),
    ),
    _tpl(
        "数据治理岗",
        _ECONOMY,
        "负责数字化改革专班公共数据归集、治理和共享",
        (
            "完成{n}个部门业务数据归集和质量治理，建立数据问题清单",
            "推进公共数据开放和数据安全管理",
        ),
        "数据分析、信息系统建设",
        ((_RESEARCH, 3), (_REFORM, 2)),
        (_REFORM, _DECISION),
        "全市层面统筹协调经验",
        (_DIGITAL,),
    ),
    _tpl(
        "场景应用岗",
        _ECONOMY,
        "负责数字化改革应用场景需求梳理、设计和推广",
        (
            "梳理{n}个重点领域核心业务，完成多跨协同场景设计",
            "组织应用场景培训推广，提升部门和镇街道使用率",
        ),
        "数字化改革、业务流程梳理",
        ((_REFORM, 3), (_RESEARCH, 2), (_EXECUTION, 1)),
        (_REFORM, _RESEARCH),
        "全市层面统筹协调经验",
        (_DIGITAL,),
    ),
    _tpl(
        "项目分拆攻坚岗",
        _ECONOMY,
        "参与独山能源三期项目分拆方案论证和推进",
        (
            "会同企业梳理项目分拆方案，开展多方论证和政策研究",
            "协调发改、经信、资规等部门解决项目审批和要素保障问题",
        ),
        "重大项目谋划、政策研究、企业服务",
        ((_REFORM, 3), (_DECISION, 3), (_RESEARCH, 2)),
        (_REFORM, _DECISION),
        "重大项目攻坚经历",
        (_ENERGY,),
    ),
    _tpl(
        "政策研究岗",
        _ECONOMY,
        "负责{u}政策研究、方案起草和对上争取",
        (
            "研究国家和省市产业、能源政策，形成专题研究报告{n}篇",
            "起草项目推进方案和请示报告，做好对上汇报衔接",
        ),
        "政策研究、综合文字材料写作",
        ((_RESEARCH, 3), (_DECISION, 2)),
        (_DECISION, _REFORM),
        "重大项目攻坚经历",
        (_ENERGY, _INVEST),
    ),
    _tpl(
        "产业研究岗",
        _ECONOMY,
        "负责产业链研究、招商图谱绘制和项目评估",
        (
            "绘制主导产业链招商图谱，梳理目标企业清单{m}家",
            "对拟引进项目开展投入产出和亩均效益评估",
        ),
        "产业分析、项目评估",
        ((_RESEARCH, 3), (_DECISION, 2)),
        (_DECISION,),
        "招商一线实战经验",
        (_INVEST,),
    ),
    _tpl(
        "开放型经济岗",
        _ECONOMY,
        "负责开发区外资外贸和开放平台建设",
        (
            "服务外资企业增资扩产，完成实际利用外资目标",
            "推动外贸企业拓市场，帮助{n}家企业参加境外展会",
        ),
        "外资外贸、涉外服务",
        ((_DECISION, 2), (_REFORM, 2), (_EXECUTION, 2)),
        (_REFORM,),
        "开放平台一线经历",
        (_ZONE,),
    ),
    _tpl(
        "赛艇小镇运营岗",
        _ECONOMY,
        "负责曹桥街道赛艇小镇运营推广和赛事承办",
        (
            "策划承办赛艇赛事和水上运动推广活动{n}场",
            "推动赛艇运动与乡村旅游、民宿经济融合发展",
        ),
        "体育赛事组织、文旅运营",
        ((_REFORM, 3), (_EXECUTION, 2)),
        (_REFORM, _DECISION),
        "文旅项目运营经验",
        ("曹桥街道",),
    ),
    _tpl(
        "港口物流服务岗",
        _ECONOMY,
        "负责{u}港口物流和临港产业企业服务",
        (
            "服务临港企业和港口物流项目，协调解决集疏运和用地问题",
            "推进临港产业招商，引进港航物流项目{n}个",
        ),
        "港口物流、企业服务",
        ((_DECISION, 2), (_EXECUTION, 3), (_REFORM, 1)),
        (_DECISION,),
        "临港产业一线经历",
        ("独山港镇", "乍浦镇"),
    ),
    _tpl(
        "科技城服务岗",
        _ECONOMY,
        "负责张江长三角科技城平湖园项目招引和企业服务",
        (
            "对接上海科创资源，引进科技型项目{n}个",
            "服务入园科技企业，协助申报高新技术企业和科技型中小企业",
        ),
        "科技招商、科技项目管理",
        ((_REFORM, 3), (_RESEARCH, 2), (_EXECUTION, 2)),
        (_REFORM,),
        "科创平台一线经历",
        ("新埭镇",),
    ),
    _tpl(
        "农业开发区服务岗",
        _ECONOMY,
        "负责平湖农业经济开发区项目招引和园区服务",
        (
            "引进现代农业和农产品加工项目{n}个",
            "推进农业开发区基础设施配套和数字农业工厂建设",
        ),
        "农业招商、农业项目管理",
        ((_REFORM, 2), (_EXECUTION, 3), (_DECISION, 1)),
        (_REFORM, _DECISION),
        "农业产业平台一线经历",
        ("广陈镇",),
    ),
    _tpl(
        "工业园区服务岗",
        _ECONOMY,
        "负责{u}工业园区企业服务和亩均效益提升",
        (
            "推动{n}家企业实施技术改造和“机器换人”",
            "开展低效工业用地整治，盘活存量用地",
        ),
        "工业经济、企业服务",
        ((_EXECUTION, 3), (_RESEARCH, 2), (_REFORM, 1)),
        (_RESEARCH, _REFORM),
        "企业服务一线经验",
        ("林埭镇", "钟埭街道"),
    ),
    # 城建交通 ------------------------------------------------------------
    _tpl(
        "美丽城镇建设岗",
        _CONSTRUCTION,
        "负责{u}美丽城镇建设项目推进和创建资料管理",
        (
            "推进{u}美丽城镇样板创建，完成{n}个老旧小区改造项目",
            "跟踪美丽城镇在建项目，建立问题清单并督促限期整改",
            "推进集镇环境综合整治和“一路一景”打造",
        ),
        "城镇建设、工程项目管理",
        ((_EXECUTION, 3), (_DECISION, 2), (_MASS_WORK, 1)),
        (_EXECUTION, _MASS_WORK),
        "项目建设现场管理经历",
    ),
    _tpl(
        "美丽城镇统筹岗",
        _CONSTRUCTION,
        "负责全市美丽城镇建设项目统筹、进度调度和创建指导",
        (
            "建立全市美丽城镇建设项目库，按月调度{m}个在建项目进度",
            "指导各镇街道做好省级样板镇创建和考核验收准备",
        ),
        "城镇建设、项目统筹",
        ((_DECISION, 3), (_EXECUTION, 2), (_RESEARCH, 1)),
        (_DECISION, _RESEARCH),
        "全市层面统筹协调经验",
        (_BEAUTIFUL,),
    ),
    _tpl(
        "项目建设岗",
        _CONSTRUCTION,
        "负责{u}政府投资项目建设管理和政策处理",
        (
            "推进文体中心、安置小区等{n}个政府投资项目按期建设，落实质量安全监管",
            "协调项目政策处理，推动征迁清零",
            "建立项目周例会制度，及时解决施工推进中的问题",
        ),
        "工程建设管理、质量安全监管",
        ((_EXECUTION, 3), (_EMERGENCY, 2), (_MASS_WORK, 2)),
        (_MASS_WORK, _EMERGENCY),
        "工程现场协调经历",
        (_ANY_TOWN, _ZONE),
    ),
    _tpl(
        "村庄整治岗",
        _CONSTRUCTION,
        "负责{u}农村人居环境整治和全域秀美创建",
        (
            "推进{n}个村全域秀美整治，发动村民开展房前屋后清理和庭院美化",
            "推进农村生活垃圾分类，分类准确率达到85%以上",
            "建立村庄环境长效管护机制，落实“门前三包”",
        ),
        "美丽乡村建设、农村人居环境整治",
        ((_MASS_WORK, 3), (_EXECUTION, 2)),
        (_MASS_WORK,),
        "村级一线工作经历",
        ("新仓镇", "广陈镇", "林埭镇", "新埭镇", "乍浦镇", "独山港镇", "曹桥街道", "钟埭街道"),
    ),
    _tpl(
        "治水工作岗",
        _CONSTRUCTION,
        "协助{u}治水办推进五水共治和河湖长制工作",
        (
            "排查辖区排水管网雨污混接问题，巩固提升“污水零直排区”创建成果",
            "推进{n}条河道综合整治，落实河湖长巡河制度",
            "推进农村生活污水处理设施标准化运维",
        ),
        "水环境治理、管网排查",
        ((_EXECUTION, 3), (_EMERGENCY, 2)),
        (_EXECUTION, _EMERGENCY),
        "治水一线工作经历",
    ),
    _tpl(
        "规划管理岗",
        _CONSTRUCTION,
        "负责{u}国土空间规划和村庄规划实施管理",
        (
            "配合编制国土空间总体规划，完成{n}个村庄规划编制",
            "开展全域土地综合整治，推进耕地连片保护",
            "做好农村建房规划许可和批后监管",
        ),
        "国土空间规划、土地整治",
        ((_DECISION, 3), (_RESEARCH, 2)),
        (_DECISION, _MASS_WORK),
        "基层规划实施经历",
    ),
    _tpl(
        "交通建设岗",
        _CONSTRUCTION,
        "负责{u}交通基础设施建设和农村公路管养",
        (
            "推进农村公路提档升级{m}公里，完成{n}座危桥改造",
            "配合推进干线公路和快速路项目政策处理",
        ),
        "交通工程建设、公路养护管理",
        ((_EXECUTION, 3), (_MASS_WORK, 2), (_DECISION, 1)),
        (_MASS_WORK,),
        "工程现场协调经历",
    ),
    _tpl(
        "城市更新岗",
        _CONSTRUCTION,
        "负责{u}城市更新、老旧小区改造和未来社区建设",
        (
            "推进城区{n}个老旧小区综合改造，同步完善加装电梯等配套",
            "推进未来社区创建，完善“一老一小”服务场景",
        ),
        "城市更新、工程项目管理",
        ((_EXECUTION, 3), (_MASS_WORK, 2), (_DECISION, 1)),
        (_MASS_WORK, _EXECUTION),
        "城区一线工作经历",
        ("当湖街道", "钟埭街道"),
    ),
    _tpl(
        "海塘安澜项目岗",
        _CONSTRUCTION,
        "负责乍浦镇海塘安澜工程沿线政策处理和建设协调",
        (
            "推进海塘安澜工程沿线征迁和政策处理",
            "协调施工单位做好防汛防台期间安全度汛",
        ),
        "水利工程建设、政策处理",
        ((_EXECUTION, 3), (_EMERGENCY, 2), (_MASS_WORK, 2)),
        (_EMERGENCY, _MASS_WORK),
        "重大工程现场经历",
        ("乍浦镇",),
    ),
    _tpl(
        "园区建设岗",
        _CONSTRUCTION,
        "负责开发区基础设施建设和低效用地再开发",
        (
            "推进园区道路、管网等基础设施项目{n}个",
            "完成低效用地再开发{n}宗，提高土地利用效率",
        ),
        "工程建设管理、土地整治",
        ((_EXECUTION, 3), (_DECISION, 2)),
        (_DECISION, _EXECUTION),
        "园区建设一线经历",
        (_ZONE,),
    ),
    _tpl(
        "要素保障岗",
        _CONSTRUCTION,
        "负责独山能源三期项目用地、用能和规划要素保障",
        (
            "协调落实项目建设用地指标和规划调整",
            "推进项目能评、环评等前期审批",
        ),
        "用地审批、项目前期",
        ((_EXECUTION, 3), (_DECISION, 2), (_REFORM, 1)),
        (_REFORM, _DECISION),
        "重大项目攻坚经历",
        (_ENERGY,),
    ),
    _tpl(
        "督查考核岗",
        _CONSTRUCTION,
        "负责全市美丽城镇建设督查考核和问题交办",
        (
            "对各镇街道美丽城镇创建开展实地督查，交办问题{m}个",
            "完善美丽城镇建设考核办法，按季度通报进展",
        ),
        "城镇建设、督查考核",
        ((_DECISION, 2), (_EXECUTION, 3), (_RESEARCH, 2)),
        (_DECISION, _RESEARCH),
        "全市层面统筹协调经验",
        (_BEAUTIFUL,),
    ),
    # 社会管理 ------------------------------------------------------------
    _tpl(
        "基层治理岗",
        _SOCIAL,
        "负责{u}基层治理“四平台”和网格化管理工作",
        (
            "优化全科网格设置，推动{n}个村（社区）网格事件按期办结",
            "推进基层治理数字化应用落地，提升事件流转效率",
            "开展“网格员+志愿者”联动服务，完善网格议事机制",
        ),
        "基层社会治理、网格化管理",
        ((_MASS_WORK, 3), (_EMERGENCY, 2), (_RESEARCH, 1)),
        (_MASS_WORK, _EMERGENCY),
        "基层社会治理一线经历",
    ),
    _tpl(
        "基层智治岗",
        _SOCIAL,
        "推进基层治理数字化应用在镇街道和村（社区）落地",
        (
            "推动基层治理数字化应用在{n}个镇街道贯通落地，提升事件流转效率",
            "收集基层使用中的问题和需求，迭代优化应用功能",
        ),
        "基层社会治理、数字化改革",
        ((_REFORM, 2), (_MASS_WORK, 2), (_RESEARCH, 2)),
        (_MASS_WORK, _RESEARCH),
        "基层治理一线经验",
        (_DIGITAL,),
    ),
    _tpl(
        "信访维稳岗",
        _SOCIAL,
        "负责{u}信访接待、矛盾纠纷排查化解和维稳工作",
        (
            "落实领导干部接访下访制度，化解信访积案{n}件",
            "开展矛盾纠纷常态化排查，建立风险隐患清单",
            "推进矛盾纠纷调处化解中心规范化运行",
        ),
        "信访工作、矛盾调解",
        ((_MASS_WORK, 3), (_EMERGENCY, 3), (_POLITICAL, 1)),
        (_EMERGENCY, _MASS_WORK),
        "信访维稳一线经历",
    ),
    _tpl(
        "应急管理岗",
        _SOCIAL,
        "负责{u}安全生产和应急管理工作",
        (
            "开展企业安全生产隐患排查整治，督促{m}家企业完成隐患整改",
            "完善防汛防台应急预案，组织开展应急演练{n}次",
            "推进消防安全和危化品领域专项整治",
        ),
        "安全生产监管、应急管理",
        ((_EMERGENCY, 3), (_EXECUTION, 2)),
        (_EMERGENCY,),
        "应急处置一线经历",
        (_ANY_TOWN, _ZONE),
    ),
    _tpl(
        "综合执法岗",
        _SOCIAL,
        "协助{u}综合行政执法队开展执法和市容管理",
        (
            "开展违法建筑专项治理，完成{n}个重点点位整治销号",
            "推进市容环境秩序整治，建立长效管理机制",
        ),
        "综合执法、市容管理",
        ((_EMERGENCY, 2), (_MASS_WORK, 2), (_EXECUTION, 2)),
        (_EMERGENCY, _MASS_WORK),
        "执法一线经历",
    ),
    _tpl(
        "平安建设岗",
        _SOCIAL,
        "负责{u}平安建设和社会治安综合治理",
        (
            "推进平安村（社区）创建，开展反诈宣传进村入户",
            "排查整治治安乱点{n}处，完善群防群治力量",
        ),
        "平安建设、社会治安综合治理",
        ((_EMERGENCY, 3), (_MASS_WORK, 2), (_POLITICAL, 1)),
        (_EMERGENCY, _MASS_WORK),
        "基层社会治理一线经历",
    ),
    _tpl(
        "疫情防控岗",
        _SOCIAL,
        "负责{u}常态化疫情防控和应急处置相关工作",
        (
            "落实重点人员排查管控，规范隔离点运行管理",
            "组织开展重点人群核酸检测和疫苗接种",
            "完善疫情应急处置预案，组织开展实战演练{n}次",
        ),
        "疫情防控、应急处置",
        ((_EMERGENCY, 3), (_EXECUTION, 2), (_MASS_WORK, 1)),
        (_EMERGENCY,),
        "应急处置一线经历",
        (_ANY_TOWN, _EPIDEMIC),
    ),
    _tpl(
        "港区安全岗",
        _SOCIAL,
        "负责{u}临港企业安全生产和危化品监管",
        (
            "开展临港化工企业安全生产隐患排查，督促整改问题{m}个",
            "完善危化品运输和储存应急处置预案",
        ),
        "安全生产监管、危化品管理",
        ((_EMERGENCY, 3), (_EXECUTION, 2)),
        (_EMERGENCY,),
        "应急处置一线经历",
        ("独山港镇", "乍浦镇"),
    ),
    _tpl(
        "社区治理岗",
        _SOCIAL,
        "负责{u}城市社区治理和物业管理",
        (
            "推进{n}个社区“红色物业”建设，化解物业矛盾纠纷",
            "完善社区协商议事机制，提升居民自治水平",
        ),
        "社区治理、矛盾调解",
        ((_MASS_WORK, 3), (_EMERGENCY, 2)),
        (_MASS_WORK,),
        "城市社区一线经历",
        ("当湖街道", "钟埭街道", "曹桥街道"),
    ),
    # 民生事业 ------------------------------------------------------------
    _tpl(
        "社会事业岗",
        _LIVELIHOOD,
        "负责{u}社会事业发展和民生实事项目推进",
        (
            "推进{n}项民生实事项目按期完成",
            "完善居家养老服务照料中心运营，扩大助餐服务覆盖面",
            "推进公共服务设施补短板，提升群众满意度",
        ),
        "社会事业管理、民生项目推进",
        ((_MASS_WORK, 3), (_EXECUTION, 2)),
        (_MASS_WORK,),
        "民生服务一线经历",
    ),
    _tpl(
        "民政服务岗",
        _LIVELIHOOD,
        "负责{u}社会救助、养老服务和残疾人帮扶",
        (
            "开展低收入家庭动态排查，落实分类救助帮扶措施",
            "推进{n}家居家养老服务站提档升级",
            "推进困难群众帮扶“一件事”联办",
        ),
        "社会救助、养老服务",
        ((_MASS_WORK, 3), (_RESEARCH, 2)),
        (_MASS_WORK, _RESEARCH),
        "民生服务一线经历",
    ),
    _tpl(
        "卫生健康岗",
        _LIVELIHOOD,
        "协助{u}做好公共卫生和健康促进工作",
        (
            "推进爱国卫生运动和健康村镇建设",
            "落实重点人群健康管理和家庭医生签约服务",
        ),
        "公共卫生管理、健康促进",
        ((_EMERGENCY, 2), (_MASS_WORK, 2), (_EXECUTION, 2)),
        (_MASS_WORK, _EMERGENCY),
        "民生服务一线经历",
    ),
    _tpl(
        "就业社保岗",
        _LIVELIHOOD,
        "负责{u}就业创业和社会保障服务",
        (
            "开展就业援助活动，帮扶{m}名就业困难人员实现就业",
            "推进全民参保扩面，提升城乡居民医保参保率",
        ),
        "就业服务、社会保险",
        ((_MASS_WORK, 3), (_EXECUTION, 2)),
        (_MASS_WORK,),
        "民生服务一线经历",
    ),
    _tpl(
        "文体服务岗",
        _LIVELIHOOD,
        "负责{u}公共文化服务和群众体育工作",
        (
            "推进文化礼堂、城市书房等基层文化阵地建设，组织文化惠民活动{m}场",
            "开展全民健身活动和村（社区）运动会",
        ),
        "公共文化服务、群众文体活动组织",
        ((_MASS_WORK, 2), (_EXECUTION, 2), (_RESEARCH, 1)),
        (_MASS_WORK,),
        "基层文化阵地工作经历",
    ),
    _tpl(
        "共同富裕岗",
        _LIVELIHOOD,
        "负责{u}共同富裕示范点建设",
        (
            "推进{n}个村（社区）共同富裕试点，打造“一老一小”服务场景",
            "研究低收入群体增收举措，形成专题调研报告",
        ),
        "社会政策研究、民生项目策划",
        ((_RESEARCH, 3), (_REFORM, 2)),
        (_REFORM, _RESEARCH),
        "基层改革探索经历",
    ),
    _tpl(
        "流调溯源岗",
        _LIVELIHOOD,
        "参与疫情防控专班流行病学调查和数据分析",
        (
            "协助开展流行病学调查，分析传播链条",
            "建立重点人员数据库，实现数据每日比对更新",
        ),
        "数据分析、公共卫生管理",
        ((_RESEARCH, 3), (_EMERGENCY, 2)),
        (_EMERGENCY, _RESEARCH),
        "应急处置一线经历",
        (_EPIDEMIC,),
    ),
    _tpl(
        "物资保障岗",
        _LIVELIHOOD,
        "负责疫情防控物资储备、调拨和后勤保障",
        (
            "建立防疫物资储备清单，保障{n}个隔离点物资供应",
            "做好一线防控人员后勤保障",
        ),
        "后勤保障、物资管理",
        ((_EXECUTION, 3), (_EMERGENCY, 2)),
        (_EMERGENCY,),
        "应急处置一线经历",
        (_EPIDEMIC,),
    ),
)

# Offices of a town or street, and the first jobs of graduates sent to villages.
_GRASSROOTS_OFFICES = ("党政办", "经济发展办", "社会事务办", "农业农村办", "综合治理办")
_GRASSROOTS_FIRST_JOBS = ("驻村指导员", "社区工作人员")
_POLICE = "市公安局"
# Departments whose posts are not filled by transfer from other departments.
_CLOSED_DEPARTMENTS = (_POLICE, "市少体校", "市纪委监委")
_GENERAL_SKILLS = (
    "公文写作",
    "数据分析",
    "项目管理",
    "政策研究",
    "活动策划",
    "新闻写作",
    "法律事务",
    "财务管理",
    "信息化建设",
)
_WEAKNESS_TEXT = {
    _POLITICAL: "政治理论学习不够系统深入",
    _RESEARCH: "调查研究不够深入，掌握一线情况不足",
    _DECISION: "统筹谋划和科学决策能力有待提升",
    _REFORM: "改革创新意识不强，破难攻坚经验不足",
    _EMERGENCY: "应急处突经验欠缺",
    _MASS_WORK: "群众工作经验不足",
    _EXECUTION: "抓落实的韧劲和闭环意识有待加强",
}
# Abilities a category's cadres tend to be strong in; the rest of the profile is noise.
_CATEGORY_STRENGTHS = {
    _PARTY: (_POLITICAL, _RESEARCH),
    _ECONOMY: (_DECISION, _REFORM),
    _CONSTRUCTION: (_EXECUTION, _DECISION),
    _SOCIAL: (_EMERGENCY, _MASS_WORK),
    _LIVELIHOOD: (_MASS_WORK, _EXECUTION),
}
_MAJORS = {
    _PARTY: ("汉语言文学", "法学", "思想政治教育", "行政管理", "新闻学", "中共党史"),
    _ECONOMY: ("经济学", "金融学", "国际经济与贸易", "会计学", "工商管理", "计算机科学与技术"),
    _CONSTRUCTION: ("土木工程", "城乡规划", "交通工程", "水利水电工程", "环境工程", "工程管理"),
    _SOCIAL: ("法学", "社会学", "公共事业管理", "治安学", "安全工程", "行政管理"),
    _LIVELIHOOD: ("教育学", "公共卫生", "社会工作", "体育教育", "旅游管理", "劳动与社会保障"),
}
_EDUCATION = (
    ("大学本科", 64, 22),
    ("硕士研究生", 30, 25),
    ("大学专科", 3, 21),
    ("博士研究生", 3, 28),
)

# --------------------------------------------------------------------------- #
# Phrase banks: names
# --------------------------------------------------------------------------- #

_MALE, _FEMALE = taxonomy.GENDERS
_SURNAMES = (
    "沈陆顾朱张王李陈徐金钱周吴孙屠俞姚褚汪冯杨黄马郑蒋许何胡高戴曹潘范"
    "赵刘邱施严盛倪费宋唐韩鲁卢叶吕夏谢袁程丁邵方莫姜贾杜於柴童钟计薛"
)
_MALE_FIRST = "建志文晓国海俊宇子浩家明振立永天嘉博一思春卫晨佳"
_MALE_SECOND = "伟杰峰斌涛军强辉鹏磊华明超勇刚平飞林波宁龙洋健锋栋彬凯豪昊睿晨诚"
_MALE_SINGLE = "伟杰峰斌涛军强辉鹏磊华超勇刚平飞波宁洋健锋栋彬凯昊晨诚毅"
_FEMALE_FIRST = "晓丽佳雅思欣梦静雨文慧美春秋嘉一诗亚秀玉"
_FEMALE_SECOND = "婷娟敏燕芳丽雪琳颖洁倩萍怡玲霞红芬英兰蕾璐瑶菲娜琴艳"
_FEMALE_SINGLE = "婷娟敏燕芳丽雪琳颖洁倩萍怡玲霞红芬英兰蕾璐瑶菲娜琴艳静"
# People named in the article who are not trainees in the data: never reuse their names.
_ARTICLE_BYSTANDERS = ("顾峰莲", "陈结加", "蒋赫", "朱娜", "吴金华", "李雨婷", "汪洵", "王强")

# --------------------------------------------------------------------------- #
# The article's six cadres and their posts
# --------------------------------------------------------------------------- #

_FIXED_MENTOR_NAME = "李俊"
_FIXED_MENTOR_UNIT = "新仓镇"


@dataclass(frozen=True)
class _ArticlePost:
    name: str
    unit: str
    category: str
    duties: str
    key_tasks: str
    expertise: str
    core: tuple[tuple[str, float], ...]
    develops: tuple[str, ...]
    experience: str
    mentor: str = ""


@dataclass(frozen=True)
class _ArticleCadre:
    name: str
    gender: str
    age: int
    birth_month: int
    education: str
    major: str
    origin: str
    position: str
    rank: str
    category: str | None
    abilities: tuple[int, ...]
    expertise: str
    shortcomings: str
    # (years before the program, month, unit, position); the last one is current
    history: tuple[tuple[int, int, str, str], ...]
    prefers_own_post: bool


_ARTICLE_POSTS: tuple[_ArticlePost, ...] = (
    _ArticlePost(
        "文旅发展岗",
        "曹桥街道",
        _ECONOMY,
        "负责曹桥街道赛艇小镇文旅项目谋划、赛事活动组织和运营推广",
        "以创新思维推动赛艇小镇提升发展，策划承办赛艇友谊赛等赛事活动；"
        "推动赛事承办、赛艇运动推广与文旅消费融合，提出周边设施改造提升方案",
        "赛艇运动、体育赛事组织、文旅融合发展",
        ((_REFORM, 3), (_DECISION, 2), (_EXECUTION, 2)),
        (_REFORM, _DECISION),
        "基层一线经历、文旅项目运营经验",
    ),
    _ArticlePost(
        "数字化改革岗",
        _DIGITAL,
        _ECONOMY,
        "参与全市数字化改革重大应用谋划、开发和推广",
        "围绕构建党建统领的整体智治体系，谋划数字化改革重大应用场景，"
        "推动跨部门数据共享和业务协同；参与独山能源三期项目分拆方案论证和推进",
        "数字化改革、信息系统建设、数据分析",
        ((_REFORM, 3), (_DECISION, 3), (_RESEARCH, 2)),
        (_DECISION, _REFORM),
        "全市层面统筹协调经验",
    ),
    _ArticlePost(
        "美丽乡村建设岗",
        "新仓镇",
        _CONSTRUCTION,
        "负责新仓镇农村人居环境整治和全域秀美创建项目推进",
        "领办双红村张家浜全域秀美整治项目，组建专项攻坚组，发动村民开展房前屋后清理和庭院美化；"
        "推进垃圾分类智能化收运体系应用，以点带面推动全镇环境整治提升",
        "美丽乡村建设、农村人居环境整治、垃圾分类",
        ((_MASS_WORK, 3), (_EXECUTION, 2), (_RESEARCH, 2)),
        (_MASS_WORK, _EXECUTION),
        "村级一线工作经历",
    ),
    _ArticlePost(
        "美丽城镇项目建设岗",
        "新仓镇",
        _CONSTRUCTION,
        "在新仓镇镇办协助推进美丽城镇建设项目的现场管理和问题整改",
        "服务工业型特色型美丽城镇省级样板镇创建，跟踪文体中心、印刷展示馆、政务服务中心、"
        "新仓老街等在建项目；建立项目问题清单，督促责任单位立说立改、限期销号",
        "工程建设管理、城镇建设政策",
        ((_EXECUTION, 3), (_MASS_WORK, 2), (_EMERGENCY, 1)),
        (_MASS_WORK, _EXECUTION),
        "基层一线经历、项目现场管理经验",
        mentor=_FIXED_MENTOR_NAME,
    ),
    _ArticlePost(
        "科技企业服务岗",
        "曹桥街道",
        _ECONOMY,
        "负责曹桥街道科技项目申报指导和企业走访服务",
        "走访辖区科技型企业，指导企业申报平湖市重点科技项目；"
        "精准掌握企业发展需求，对接投资机构为企业提供融资服务",
        "科技政策、科技项目申报、企业服务",
        ((_RESEARCH, 3), (_EXECUTION, 2), (_MASS_WORK, 1)),
        (_RESEARCH,),
        "企业服务经验、业务工作经历",
    ),
    _ArticlePost(
        "治水工作岗",
        "当湖街道",
        _CONSTRUCTION,
        "在当湖街道治水办协助推进污水零直排区建设和管网排查",
        "协助推进城区机关事业单位蓄水试验，排查管网漏点和雨污混接问题；"
        "巩固提升“污水零直排区”创建成果，建立问题点位整改台账",
        "机关事业单位协调、排水管网排查、污水零直排区建设",
        ((_EXECUTION, 3), (_EMERGENCY, 2), (_MASS_WORK, 1)),
        (_EMERGENCY, _EXECUTION),
        "基层一线经历、治水实务经验",
    ),
)

_ARTICLE_CADRES: tuple[_ArticleCadre, ...] = (
    _ArticleCadre(
        "王楠楠",
        _FEMALE,
        37,
        5,
        "大学本科",
        "运动训练",
        "市少体校",
        "副校长",
        "副科级",
        None,  # sport and culture-tourism both: left to be derived
        (78, 68, 72, 82, 64, 74, 85),
        "赛艇运动、赛艇专业训练、体育赛事组织、青少年体育培训",
        "缺乏基层工作经历；长期从事体育训练和学校管理，调查研究和应急处突经验欠缺",
        (
            (20, 9, "浙江省赛艇队", "赛艇专业运动员"),
            (10, 12, "市少体校", "赛艇教练"),
            (4, 3, "市少体校", "副校长"),
        ),
        True,
    ),
    _ArticleCadre(
        "屠东君",
        _MALE,
        34,
        10,
        "硕士研究生",
        "计算机科学与技术",
        "市经信局",
        "综合科科长",
        "四级主任科员",
        _ECONOMY,
        (80, 86, 82, 88, 70, 64, 82),
        "数字化改革、健康码矩阵研发、信息系统建设、数据分析、工业经济运行监测",
        "长期在部门工作，缺乏全市层面统筹协调经验；群众工作经验不足",
        (
            (10, 8, "市经信局", "信息化推进科科员"),
            (5, 3, "市经信局", "数字经济科副科长"),
            (2, 6, "市经信局", "综合科科长"),
        ),
        True,
    ),
    _ArticleCadre(
        "金伟",
        _MALE,
        37,
        2,
        "大学本科",
        "农业经济管理",
        "市农业农村局",
        "农村社会事业促进科科长",
        "三级主任科员",
        _CONSTRUCTION,
        (82, 84, 86, 76, 66, 70, 83),
        "美丽乡村建设、农村人居环境整治、全域秀美创建、垃圾分类",
        "长期从事指导检查工作，缺乏基层一线实战经验；群众工作经验不足",
        (
            (13, 8, "市农业局", "农村经济科科员"),
            (8, 3, "市美丽乡村建设办公室", "综合组副组长"),
            (3, 4, "市农业农村局", "农村社会事业促进科科长"),
        ),
        False,
    ),
    _ArticleCadre(
        "孙杰",
        _MALE,
        33,
        7,
        "大学本科",
        "土木工程",
        "市建设局",
        "办公室主任",
        "三级主任科员",
        _CONSTRUCTION,
        (84, 78, 80, 74, 70, 62, 82),
        "建设工程管理、城镇建设政策、建筑市场监管、综合协调",
        "缺乏基层工作经历；项目现场管理经验不足；群众工作经验不足",
        (
            (9, 8, "市建设局", "建筑业管理科科员"),
            (5, 3, "市建设局", "城建科副科长"),
            (2, 6, "市建设局", "办公室主任"),
        ),
        False,
    ),
    _ArticleCadre(
        "张徐园",
        _FEMALE,
        32,
        11,
        "硕士研究生",
        "汉语言文学",
        "市科技局",
        "局长办公室主任",
        "四级主任科员",
        _ECONOMY,
        (82, 68, 76, 70, 68, 64, 84),
        "公文写作、办公室综合协调、科技政策文件起草",
        "长期在局办公室工作，未从事过科室业务工作；未接触过企业服务；缺乏基层工作经历",
        (
            (7, 8, "市科技局", "局长办公室科员"),
            (3, 4, "市科技局", "局长办公室主任"),
        ),
        False,
    ),
    _ArticleCadre(
        "徐菊",
        _FEMALE,
        38,
        4,
        "大学本科",
        "旅游管理",
        "市机关事务中心",
        "接待科科长",
        "四级主任科员",
        _CONSTRUCTION,
        (80, 70, 72, 68, 64, 76, 86),
        "公务接待、机关后勤保障、机关事业单位协调、公共机构节水节能",
        "缺乏基层工作经历；应急处突经验欠缺；未接触过治水等专业工作",
        (
            (15, 8, "市机关事务管理局", "综合科科员"),
            (7, 3, "市机关事务中心", "接待科副科长"),
            (3, 5, "市机关事务中心", "接待科科长"),
        ),
        False,
    ),
)


# --------------------------------------------------------------------------- #
# Generation
# --------------------------------------------------------------------------- #

# The program starts in March, as in the article ("今年3月 ... 启动实施").
_START_MONTH = 3


def generate(
    *, seed: int = 2021, n_cadres: int = 110, n_posts: int = 100, year: int = 2021
) -> DemoProgram:
    """Build a whole demonstration program.

    Inputs: ``seed`` for the random draws, the number of cadres and posts, and
    the ``year`` the program starts (in March; it ends twelve months later).
    Output: a :class:`DemoProgram` whose units are the city's departments,
    towns, streets and platforms (the same set at every size), whose first six
    cadres (ids ``C001``... with as many digits as the count needs) and first six
    posts (``P001``...) are those of the feature article, the same at every seed
    (fewer when fewer are asked for), and whose other cadres and posts are drawn
    from phrase banks.

    Rules: equal arguments give an equal program (only ``random.Random(seed)``
    is used, never a clock or a set's order). Every post has a mentor at its
    unit, seats are 1 or 2 and add up to at most ``n_cadres`` whenever
    ``n_posts <= n_cadres``, durations are 6-12 months, ability scores are
    whole numbers (as floats, the profile's type) within the taxonomy's bounds,
    ids are unique; names are unique as long as the name banks allow it (at
    province scale a few may repeat). Raises ``ValueError`` on a negative size.
    """
    if n_cadres < 0 or n_posts < 0:
        raise ValueError("干部数和岗位数不能为负数")
    rng = random.Random(seed)
    names = _NamePool(rng)
    post_ids = _ids("P", n_posts)
    posts = _posts(rng, post_ids, n_cadres)
    mentors, posts = _mentors(rng, names, posts)
    cadres, history = _cadres(rng, names, n_cadres, year, posts)
    start = datetime.date(year, _START_MONTH, 1)
    end = datetime.date(year + 1, _START_MONTH, 1) - datetime.timedelta(days=1)
    return DemoProgram(
        name=f"{year}年度百岗大练兵",
        start=start,
        end=end,
        units=_units(),
        cadres=cadres,
        posts=posts,
        mentors=mentors,
        work_history=history,
    )


def _ids(prefix: str, count: int) -> list[str]:
    width = max(3, len(str(count)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, count + 1)]


def _units() -> tuple[UnitSpec, ...]:
    hosts = tuple(UnitSpec(h.name, h.kind, h.parent, h.short) for h in _HOSTS)
    departments = tuple(UnitSpec(d.name, _DEPARTMENT, None, d.short) for d in _DEPARTMENTS)
    return hosts + departments


def _apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, ties to the first)."""
    whole = sum(weights)
    quotas = [total * w / whole for w in weights]
    counts = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _spread(rng: random.Random, count: int, weighted: Sequence[tuple[_T, int]]) -> list[_T]:
    """``count`` items in proportion to their weights (systematic sampling), shuffled."""
    whole = sum(w for _, w in weighted)
    offset = rng.random()
    picked: list[_T] = []
    for i in range(count):
        point = (offset + i) * whole / count
        acc = 0
        for item, w in weighted:
            acc += w
            if point < acc:
                picked.append(item)
                break
        else:
            picked.append(weighted[-1][0])
    rng.shuffle(picked)
    return picked


def _develops_text(abilities: Sequence[str], experience: str) -> str:
    labels = "、".join(taxonomy.ability(code).label for code in abilities)
    return f"{labels}；{experience}"


def _templates_for(host: _Host, category: str) -> list[_PostTemplate]:
    found = []
    for t in _TEMPLATES:
        if t.category != category:
            continue
        generic_town = host.kind == _TOWN and (not t.units or _ANY_TOWN in t.units)
        if generic_town or host.name in t.units:
            found.append(t)
    return found


def _posts(rng: random.Random, ids: list[str], n_cadres: int) -> tuple[PostProfile, ...]:
    fixed = _ARTICLE_POSTS[: len(ids)]
    posts: list[PostProfile] = []
    used_names: dict[str, dict[str, int]] = {h.name: {} for h in _HOSTS}
    for post_id, a in zip(ids, fixed, strict=False):
        host = _HOST_BY_NAME[a.unit]
        posts.append(
            PostProfile(
                id=post_id,
                name=a.name,
                unit=a.unit,
                category=a.category,
                unit_kind=host.kind,
                duties=a.duties,
                key_tasks=a.key_tasks,
                expertise_needed=a.expertise,
                core_abilities=a.core,
                develops=_develops_text(a.develops, a.experience),
                seats=1,
                duration_months=taxonomy.DURATION_MAX_MONTHS,
                mentor=a.mentor,
            )
        )
        used_names[a.unit][a.name] = used_names[a.unit].get(a.name, 0) + 1

    per_host = _apportion(len(ids) - len(fixed), [h.weight for h in _HOSTS])
    drafts: list[tuple[_Host, _PostTemplate]] = []
    for host, count in zip(_HOSTS, per_host, strict=True):
        for category in _spread(rng, count, host.categories):
            candidates = _templates_for(host, category)
            used = used_names[host.name]
            # Least-used name first so that a unit's posts differ; a unit's own
            # templates (its known features) before the generic ones.
            template = min(
                candidates, key=lambda t: (used.get(t.name, 0), not t.units, rng.random())
            )
            used[template.name] = used.get(template.name, 0) + 1
            drafts.append((host, template))

    # Two-seat posts only while the seats stay within the pool of cadres.
    n_double = max(0, min(len(drafts) // 20, n_cadres - len(ids)))
    double = set(rng.sample(range(len(drafts)), n_double))
    durations = (6, 8, 9, 10, 12)
    duration_weights = (25, 5, 15, 5, 50)
    for i, (host, template) in enumerate(drafts):
        values = {
            "u": host.name,
            "s": host.short,
            "n": rng.randint(2, 6),
            "m": rng.choice((10, 12, 15, 20, 30, 50)),
        }
        n_tasks = 2 if len(template.tasks) > 1 and rng.random() < 0.7 else 1
        picks = sorted(rng.sample(range(len(template.tasks)), n_tasks))
        tasks = "；".join(template.tasks[j].format(**values) for j in picks)
        posts.append(
            PostProfile(
                id=ids[len(fixed) + i],
                name=template.name,
                unit=host.name,
                category=template.category,
                unit_kind=host.kind,
                duties=template.duties.format(**values),
                key_tasks=tasks,
                expertise_needed=template.expertise,
                core_abilities=template.core,
                develops=_develops_text(template.develops, template.experience),
                seats=2 if i in double else 1,
                duration_months=rng.choices(durations, duration_weights)[0],
            )
        )
    return tuple(posts)


class _NamePool:
    """Chinese names, unique within a program as long as the banks allow it."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._taken = set(_ARTICLE_BYSTANDERS)
        self._taken.update(c.name for c in _ARTICLE_CADRES)
        self._taken.add(_FIXED_MENTOR_NAME)

    def draw(self, gender: str) -> str:
        rng = self._rng
        name = ""
        for _ in range(30):
            surname = rng.choice(_SURNAMES)
            if gender == _MALE:
                given = (
                    rng.choice(_MALE_SINGLE)
                    if rng.random() < 0.3
                    else rng.choice(_MALE_FIRST) + rng.choice(_MALE_SECOND)
                )
            else:
                given = (
                    rng.choice(_FEMALE_SINGLE)
                    if rng.random() < 0.3
                    else rng.choice(_FEMALE_FIRST) + rng.choice(_FEMALE_SECOND)
                )
            if len(given) == 2 and given[0] == given[1]:
                continue
            name = surname + given
            if name not in self._taken:
                break
        self._taken.add(name)
        return name


def _mentors(
    rng: random.Random, names: _NamePool, posts: tuple[PostProfile, ...]
) -> tuple[tuple[MentorSpec, ...], tuple[PostProfile, ...]]:
    """Mentors at each host unit with posts (one for about four posts), and posts' mentors.

    A post goes to the least-loaded mentor of its unit whose portfolio covers
    its category; a post that already names its mentor (the article's) keeps it.
    """
    by_unit: dict[str, list[int]] = {}
    for i, post in enumerate(posts):
        by_unit.setdefault(post.unit, []).append(i)

    # The article's mentor first, so that he keeps id M001.
    order = sorted(by_unit, key=lambda u: (u != _FIXED_MENTOR_UNIT, list(_HOST_BY_NAME).index(u)))
    drafts: list[tuple[str, str, str, tuple[str, ...]]] = []  # name, unit, position, covers
    for unit in order:
        host = _HOST_BY_NAME[unit]
        count = math.ceil(len(by_unit[unit]) / 4)
        for k in range(count):
            position, covers = host.mentors[k % len(host.mentors)]
            if unit == _FIXED_MENTOR_UNIT and k == 0:
                name = _FIXED_MENTOR_NAME
            else:
                name = names.draw(_MALE if rng.random() < 0.7 else _FEMALE)
            drafts.append((name, unit, position, covers))

    mentor_ids = _ids("M", len(drafts))
    mentors = tuple(
        MentorSpec(mid, name, unit, position)
        for mid, (name, unit, position, _) in zip(mentor_ids, drafts, strict=True)
    )
    load = [0] * len(drafts)
    unit_mentors: dict[str, list[int]] = {}
    for j, (_, unit, _, _) in enumerate(drafts):
        unit_mentors.setdefault(unit, []).append(j)
    assigned = list(posts)
    for post in posts:
        if post.mentor:
            load[next(j for j in unit_mentors[post.unit] if drafts[j][0] == post.mentor)] += 1
    for i, post in enumerate(posts):
        if post.mentor:
            continue
        options = unit_mentors[post.unit]
        j = min(options, key=lambda j: (post.category not in drafts[j][3], load[j], j))
        load[j] += 1
        assigned[i] = replace(post, mentor=drafts[j][0])
    return mentors, tuple(assigned)


# --------------------------------------------------------------------------- #
# Cadres
# --------------------------------------------------------------------------- #

# Title of a section's staff, deputy head and head, by the section's suffix.
_SECTION_TITLES = (
    ("大队", ("队员", "副大队长", "大队长")),
    ("中心", ("科员", "副主任", "主任")),
    ("科", ("科员", "副科长", "科长")),
    ("室", ("科员", "副主任", "主任")),
    ("办", ("科员", "副主任", "主任")),
    ("部", ("干事", "副部长", "部长")),
    ("站", ("科员", "副站长", "站长")),
    ("处", ("科员", "副主任", "主任")),
)
# Level 0 staff, 1 deputy head of a section, 2 head of a section, 3 deputy head of the unit.
_LEVEL_WEIGHTS_BY_AGE = ((31, (35, 45, 20, 0)), (37, (10, 35, 47, 8)), (200, (3, 22, 60, 15)))
_RANKS = (
    (("一级科员", 70), ("四级主任科员", 30)),
    (("一级科员", 30), ("四级主任科员", 50), ("三级主任科员", 20)),
    (("四级主任科员", 35), ("三级主任科员", 40), ("二级主任科员", 20), ("一级主任科员", 5)),
    (("副科级", 90), ("正科级", 10)),
)


def _weighted(rng: random.Random, pairs: Sequence[tuple[_T, int]]) -> _T:
    return rng.choices([p for p, _ in pairs], [w for _, w in pairs])[0]


def _month(index: int) -> str:
    """``YYYY-MM`` of a month counted from year 0 (index = year * 12 + month - 1)."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _position(rng: random.Random, dept: _Department, level: int) -> str:
    if level >= 3:
        return dept.deputy
    section = rng.choice(dept.sections)
    if level == 0 and dept.name == _POLICE:
        return section + "民警"
    for suffix, titles in _SECTION_TITLES:
        if section.endswith(suffix):
            return section + titles[level]
    return section + ("科员", "副主任", "主任")[level]


def _experience_text(entries: Sequence[WorkHistorySpec]) -> str:
    parts = []
    for e in entries:
        end = e.end.replace("-", ".") if e.end else "至今"
        parts.append(f"{e.start.replace('-', '.')}-{end} {e.unit}{e.position}")
    return "；".join(parts)


def _cadres(
    rng: random.Random,
    names: _NamePool,
    count: int,
    year: int,
    posts: tuple[PostProfile, ...],
) -> tuple[tuple[CadreProfile, ...], tuple[WorkHistorySpec, ...]]:
    ids = _ids("C", count)
    now = year * 12 + _START_MONTH - 1
    cadres: list[CadreProfile] = []
    history: list[WorkHistorySpec] = []
    for i, a in enumerate(_ARTICLE_CADRES[:count]):
        cadre, entries = _article_cadre(ids[i], a, year, now, posts[i].id if i < len(posts) else "")
        cadres.append(cadre)
        history.extend(entries)

    posts_by_category: dict[str, list[PostProfile]] = {c: [] for c in _ALL_CATEGORIES}
    for post in posts:
        posts_by_category[post.category].append(post)
    departments_by_category: dict[str, list[_Department]] = {c: [] for c in _ALL_CATEGORIES}
    for dept in _DEPARTMENTS:
        departments_by_category[dept.category].append(dept)

    fixed = len(cadres)
    # Categories in equal shares, whatever the number of departments in each.
    categories = _spread(rng, count - fixed, [(c, 1) for c in _ALL_CATEGORIES])
    for cadre_id, category in zip(ids[fixed:], categories, strict=True):
        dept = rng.choice(departments_by_category[category])
        pool = posts_by_category[category] or list(posts)
        cadre, entries = _random_cadre(rng, names, cadre_id, dept, year, now, pool)
        cadres.append(cadre)
        history.extend(entries)
    return tuple(cadres), tuple(history)


def _article_cadre(
    cadre_id: str, a: _ArticleCadre, year: int, now: int, own_post: str
) -> tuple[CadreProfile, list[WorkHistorySpec]]:
    starts = [(year - years) * 12 + month - 1 for years, month, _, _ in a.history]
    entries = [
        WorkHistorySpec(
            cadre_id,
            _month(start),
            _month(starts[k + 1]) if k + 1 < len(starts) else "",
            unit,
            position,
            False,
        )
        for k, (start, (_, _, unit, position)) in enumerate(zip(starts, a.history, strict=True))
    ]
    cadre = CadreProfile(
        id=cadre_id,
        name=a.name,
        origin_unit=a.origin,
        abilities=tuple(float(s) for s in a.abilities),
        category=a.category,
        grassroots_years=0.0,
        expertise=a.expertise,
        experience=_experience_text(entries),
        shortcomings=a.shortcomings,
        preferred_posts=(own_post,) if a.prefers_own_post and own_post else (),
        gender=a.gender,
        birth_month=f"{year - a.age:04d}-{a.birth_month:02d}",
        education=a.education,
        major=a.major,
        position=a.position,
        rank=a.rank,
    )
    return cadre, entries


def _random_cadre(
    rng: random.Random,
    names: _NamePool,
    cadre_id: str,
    dept: _Department,
    year: int,
    now: int,
    post_pool: Sequence[PostProfile],
) -> tuple[CadreProfile, list[WorkHistorySpec]]:
    category = dept.category
    gender = _MALE if rng.random() < 0.55 else _FEMALE
    name = names.draw(gender)
    age = min(45, int(rng.triangular(28, 46, 34)))
    birth = (year - age) * 12 + rng.randrange(12)
    education, _, graduation_age = rng.choices(_EDUCATION, [e[1] for e in _EDUCATION])[0]
    if age < graduation_age + 3:
        education, _, graduation_age = _EDUCATION[0]
    major = rng.choice(_MAJORS[category])

    level_weights = next(w for limit, w in _LEVEL_WEIGHTS_BY_AGE if age < limit)
    level = rng.choices(range(4), level_weights)[0]
    position = _position(rng, dept, level)
    rank = _weighted(rng, _RANKS[level][:1] if level == 3 and age < 40 else _RANKS[level])

    entries = _career(rng, cadre_id, dept, level, position, birth // 12 + graduation_age, now)
    grassroots_months = sum(
        _month_index(e.end or _month(now)) - _month_index(e.start) for e in entries if e.grassroots
    )
    grassroots_years = round(grassroots_months / 12, 1)

    abilities, weak = _abilities(rng, category, grassroots_months == 0)
    shortcomings = _shortcomings(rng, category, weak, grassroots_months, entries)

    expertise = rng.sample(dept.expertise, min(len(dept.expertise), rng.choice((2, 3))))
    expertise.sort(key=dept.expertise.index)
    if rng.random() < 0.35:
        skill = rng.choice(_GENERAL_SKILLS)
        if skill not in expertise:
            expertise.append(skill)

    avoided: tuple[str, ...] = ()
    if rng.random() < 0.06:
        avoided = (rng.choice(_TOWNS).name,)
    preferred: tuple[str, ...] = ()
    if post_pool and rng.random() < 0.2:
        wanted = rng.choice((1, 1, 2))
        drawn = rng.sample(list(post_pool), min(len(post_pool), wanted + 2))
        preferred = tuple(p.id for p in drawn if p.unit not in avoided)[:wanted]

    cadre = CadreProfile(
        id=cadre_id,
        name=name,
        origin_unit=dept.name,
        abilities=abilities,
        category=None if rng.random() < 0.1 else category,
        grassroots_years=grassroots_years,
        expertise="、".join(expertise),
        experience=_experience_text(entries),
        shortcomings=shortcomings,
        avoided_units=avoided,
        preferred_posts=preferred,
        gender=gender,
        birth_month=_month(birth),
        education=education,
        major=major,
        position=position,
        rank=rank,
    )
    return cadre, entries


def _month_index(text: str) -> int:
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


_OPEN_DEPARTMENTS = {
    c: [d for d in _DEPARTMENTS if d.category == c and d.name not in _CLOSED_DEPARTMENTS]
    for c in _ALL_CATEGORIES
}


def _career(
    rng: random.Random,
    cadre_id: str,
    dept: _Department,
    level: int,
    position: str,
    first_year: int,
    now: int,
) -> list[WorkHistorySpec]:
    """Two to four stretches from graduation (an August) to now, ending in the current post.

    The first stretch is at a town or street for a little over half of the
    cadres; the ones between are earlier posts in the department or another one.
    """
    start = min(first_year * 12 + 7, now - 31)
    total = now - start
    k = rng.choice((2, 3, 3, 4))
    while k > 2 and total < 12 * k:
        k -= 1
    cuts = sorted(rng.randint(0, total - 12 * k) for _ in range(k - 1))
    lengths = [12 + b - a for a, b in zip([0, *cuts], [*cuts, total - 12 * k], strict=True)]
    starts = [start + 12 * j + (cuts[j - 1] if j else 0) for j in range(k)]

    grassroots_first = rng.random() < 0.55
    same_category = [d for d in _OPEN_DEPARTMENTS[dept.category] if d is not dept]
    entries: list[WorkHistorySpec] = []
    for j in range(k):
        end = _month(starts[j + 1]) if j + 1 < k else ""
        if j == k - 1:
            unit, title, grassroots = dept.name, position, False
        elif j == 0 and grassroots_first:
            unit, grassroots = rng.choice(_TOWNS).name, True
            title = _grassroots_position(rng, lengths[j], level)
        else:
            earlier = max(0, min(2, level - (k - 1 - j)))
            unit, title = dept.name, _position(rng, dept, earlier)
            # A stretch repeating its neighbour's post would not be a stretch of its own.
            repeats = (unit, title) == (dept.name, position) or (
                entries and (unit, title) == (entries[-1].unit, entries[-1].position)
            )
            if repeats or rng.random() < 0.4:
                other = rng.choice(same_category)
                unit, title = other.name, _position(rng, other, earlier)
            grassroots = False
        entries.append(WorkHistorySpec(cadre_id, _month(starts[j]), end, unit, title, grassroots))
    return entries


def _grassroots_position(rng: random.Random, months: int, level: int) -> str:
    """A first stretch at a town; a long one lists its promotions, as a CV does.

    Promotions stop below the cadre's current level, so that the move to the
    department never reads as a demotion.
    """
    if months < 36 and rng.random() < 0.3:
        return rng.choice(_GRASSROOTS_FIRST_JOBS)
    steps = min(1 + months // 36, 3, level + 1)
    return rng.choice(_GRASSROOTS_OFFICES) + "、".join(("科员", "副主任", "主任")[:steps])


def _abilities(
    rng: random.Random, category: str, no_grassroots: bool
) -> tuple[tuple[float, ...], list[str]]:
    """Seven integer scores around a personal level, with one or two clear weaknesses."""
    candidates = [c for c in taxonomy.ABILITY_CODES if c != _POLITICAL]
    weights = [3 if no_grassroots and c in (_MASS_WORK, _EMERGENCY) else 1 for c in candidates]
    weak: list[str] = []
    for _ in range(1 if rng.random() < 0.6 else 2):
        pick = rng.choices(candidates, weights)[0]
        if pick not in weak:
            weak.append(pick)
    base = rng.gauss(74, 4)
    strengths = _CATEGORY_STRENGTHS[category]
    scores: dict[str, int] = {}
    for code in taxonomy.ABILITY_CODES:
        if code in weak:
            continue
        raw = base + (5 if code in strengths else 0) + rng.gauss(0, 5)
        scores[code] = round(min(95.0, max(58.0, raw)))
    floor = min(scores.values())
    for code in weak:
        scores[code] = max(40, floor - rng.randint(5, 14))
    bounded = (
        max(taxonomy.ABILITY_MIN, min(taxonomy.ABILITY_MAX, scores[c]))
        for c in taxonomy.ABILITY_CODES
    )
    return tuple(float(s) for s in bounded), weak


def _shortcomings(
    rng: random.Random,
    category: str,
    weak: Sequence[str],
    grassroots_months: int,
    entries: Sequence[WorkHistorySpec],
) -> str:
    parts: list[str] = []
    if grassroots_months == 0:
        parts.append("缺乏基层工作经历")
    elif grassroots_months < 24 and rng.random() < 0.5:
        parts.append("基层工作时间较短")
    parts.extend(_WEAKNESS_TEXT[code] for code in weak)
    if category != _ECONOMY and rng.random() < 0.2:
        parts.append("未接触过企业服务")
    if len({e.unit for e in entries}) == 1 and rng.random() < 0.5:
        parts.append("长期在同一单位工作，岗位经历较为单一")
    return "；".join(parts[:3])
