"""The six cadres of the program feature article and their posts, as profiles.

Source: ``../shared/seed/program-feature-article.zh.txt`` (see DOMAIN.md).
Expertise, work history, origin units and the posts' key tasks follow the
article; ability scores, grassroots years and the wording of 短板 and 锻炼方向
are not in the article and are filled in plausibly. Twenty distractor posts at
the city's other towns, streets and task forces make the ranking meaningful.

``article_placements()`` is what the department actually decided; the scores
and the assignment over these fixtures should reproduce it.
"""

from __future__ import annotations

from lianbing.engine import taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile


def _category(label: str) -> str:
    return taxonomy.category(label).code


def _kind(label: str) -> str:
    return taxonomy.unit_kind(label).code


def _core(**weights: float) -> tuple[tuple[str, float], ...]:
    return tuple((taxonomy.ability(key).code, weight) for key, weight in weights.items())


def _abilities(**scores: float) -> tuple[float, ...]:
    return tuple(scores[code] for code in taxonomy.ABILITY_CODES)


TOWN = "镇街道"
PLATFORM = "市级平台"


def article_cadres() -> list[CadreProfile]:
    """王楠楠, 屠东君, 金伟, 孙杰, 张徐园, 徐菊, as the article describes them."""
    return [
        CadreProfile(
            id="C01",
            name="王楠楠",
            gender="女",
            origin_unit="市少体校",
            position="副校长",
            abilities=_abilities(
                political=75,
                research=70,
                decision=72,
                reform=74,
                emergency=68,
                mass_work=66,
                execution=80,
            ),
            grassroots_years=1,
            expertise="赛艇；体育赛事组织",
            experience=(
                "做过10年赛艇专业运动员，退役后在少体校担任赛艇教练，"
                "参加过多项赛艇比赛，熟悉各地赛艇基地"
            ),
            shortcomings="缺乏文旅项目运营和镇街道基层工作经验",
        ),
        CadreProfile(
            id="C02",
            name="屠东君",
            gender="男",
            origin_unit="市经信局",
            position="综合科科长",
            abilities=_abilities(
                political=76,
                research=82,
                decision=74,
                reform=85,
                emergency=70,
                mass_work=64,
                execution=78,
            ),
            grassroots_years=4,
            expertise="数字化；数据分析；健康码矩阵研发",
            experience="在市经信局从事工业经济和数字经济工作，参与健康码矩阵的研发",
            shortcomings="视角局限于一个部门，缺少全市层面统筹谋划经验",
        ),
        CadreProfile(
            id="C03",
            name="金伟",
            gender="男",
            origin_unit="市农业农村局",
            position="农村社会事业促进科科长",
            abilities=_abilities(
                political=75,
                research=80,
                decision=82,
                reform=72,
                emergency=66,
                mass_work=68,
                execution=74,
            ),
            grassroots_years=1,
            expertise="美丽乡村建设；全域秀美；农村人居环境整治",
            experience="在市美村办工作多年，熟悉美丽乡村和全域秀美检查标准，善于排兵布阵",
            shortcomings="长期做检查考核，缺少镇村一线抓落实和群众工作经验",
        ),
        CadreProfile(
            id="C04",
            name="孙杰",
            gender="男",
            origin_unit="市建设局",
            position="办公室主任",
            abilities=_abilities(
                political=78,
                research=72,
                decision=74,
                reform=70,
                emergency=64,
                mass_work=62,
                execution=80,
            ),
            grassroots_years=0,
            expertise="工程建设管理；城建政策",
            experience="在建设部门工作9年，先后在局里业务科室和办公室工作，熟悉工程建设管理",
            shortcomings="基层经验缺乏，缺少项目现场管理经验",
        ),
        CadreProfile(
            id="C05",
            name="张徐园",
            gender="女",
            origin_unit="市科技局",
            position="局长办公室主任",
            abilities=_abilities(
                political=80,
                research=68,
                decision=70,
                reform=66,
                emergency=64,
                mass_work=62,
                execution=78,
            ),
            grassroots_years=0,
            expertise="科技政策；文稿起草；综合协调",
            experience="长期在市科技局局长办公室工作，从未在科室从事业务工作",
            shortcomings="缺乏业务工作经验，几乎不与企业打交道，不熟悉科技项目申报",
        ),
        CadreProfile(
            id="C06",
            name="徐菊",
            gender="女",
            origin_unit="市机关事务中心",
            position="接待科科长",
            abilities=_abilities(
                political=78,
                research=66,
                decision=66,
                reform=64,
                emergency=60,
                mass_work=70,
                execution=76,
            ),
            grassroots_years=0,
            expertise="公务接待；会务保障；机关事务",
            experience="长期在市机关事务中心从事公务接待，熟悉城区机关事业单位",
            shortcomings="缺乏基层一线和工程实务经验，应急处突能力较弱",
        ),
    ]


def article_posts() -> list[PostProfile]:
    """The six posts of the article (P01-P06) followed by twenty distractors."""
    return [
        PostProfile(
            id="P01",
            name="文旅发展岗",
            unit="曹桥街道",
            unit_kind=_kind(TOWN),
            category=_category("民生事业"),
            key_tasks="以创新思维推动赛艇小镇提升发展",
            duties="负责赛艇小镇赛事承办、赛艇运动推广和文旅融合，对接游客群众需求，推动周边设施改造",
            expertise_needed="赛艇运动；体育赛事；文旅融合",
            core_abilities=_core(reform=2, execution=2, mass_work=1),
            develops="文旅融合发展经验；群众工作能力；改革攻坚能力",
            duration_months=12,
        ),
        PostProfile(
            id="P02",
            name="数字化改革岗",
            unit="市数字化改革专班",
            unit_kind=_kind(PLATFORM),
            category=_category("经济管理"),
            key_tasks="推进全市数字化改革，谋划多跨协同重大应用场景，推动整体智治",
            duties="梳理数字化改革重大应用，协调部门数据共享和系统集成",
            expertise_needed="数字化；数据分析；系统集成",
            core_abilities=_core(reform=3, decision=2, research=1),
            develops="全市层面统筹谋划；科学决策能力；改革攻坚能力",
            duration_months=12,
        ),
        PostProfile(
            id="P03",
            name="全域秀美整治岗",
            unit="新仓镇",
            unit_kind=_kind(TOWN),
            category=_category("民生事业"),
            key_tasks="领办双红村张家浜全域秀美整治提升，以点带面推动全镇环境整治",
            duties="对照全域秀美标准查找问题，发动村民参与庭院整治和垃圾分类，完善善治积分考核奖励机制",
            expertise_needed="美丽乡村建设；全域秀美；农村人居环境",
            core_abilities=_core(mass_work=3, execution=2, decision=1),
            develops="群众工作能力；抓落实能力；镇村一线工作经验",
            duration_months=12,
        ),
        PostProfile(
            id="P04",
            name="镇办美丽城镇项目建设岗",
            unit="新仓镇",
            unit_kind=_kind(TOWN),
            category=_category("城建交通"),
            key_tasks=(
                "创建工业型特色型美丽城镇省级样板镇，推进文体中心、印刷展示馆、"
                "政务服务中心、新仓老街等项目建设"
            ),
            duties="跟随导师抓项目、看现场，督促美丽城镇建设节点问题整改",
            expertise_needed="工程建设；项目管理",
            core_abilities=_core(execution=3, emergency=1, mass_work=1),
            develops="基层经验；项目建设经验；抓落实能力",
            mentor="李俊",
            duration_months=12,
        ),
        PostProfile(
            id="P05",
            name="科技项目企业服务岗",
            unit="曹桥街道",
            unit_kind=_kind(TOWN),
            category=_category("经济管理"),
            key_tasks="指导企业申报平湖市重点科技项目，走访企业把脉发展需求，对接投资公司提供融资服务",
            duties="负责科技项目申报指导和企业服务",
            expertise_needed="科技项目；企业服务",
            core_abilities=_core(research=2, execution=2, mass_work=1),
            develops="企业服务经验；科技项目业务工作；调查研究能力",
            duration_months=12,
        ),
        PostProfile(
            id="P06",
            name="治水办污水零直排岗",
            unit="当湖街道",
            unit_kind=_kind(TOWN),
            category=_category("城建交通"),
            key_tasks="协助推进城区机关事业单位蓄水试验，巩固提升污水零直排区创建成果",
            duties="掀管井盖、查漏排污水，观察水流方向，判别管网走向，分析漏点原因",
            expertise_needed="治水；管网排查",
            core_abilities=_core(execution=3, emergency=2, research=1),
            develops="基层一线经验；应急处突能力；工程实务",
            duration_months=6,
        ),
        *distractor_posts(),
    ]


def distractor_posts() -> list[PostProfile]:
    """Twenty other posts at the city's towns, streets and task forces."""
    rows = [
        # id, name, unit, kind, category, key tasks, duties, expertise, core, develops
        (
            "D01",
            "基层治理岗",
            "钟埭街道",
            TOWN,
            "社会管理",
            "推进全科网格和四个平台建设，化解矛盾纠纷",
            "参与信访维稳和平安建设，指导村社组织开展基层治理",
            "基层治理；矛盾调解",
            _core(mass_work=3, emergency=2),
            "群众工作能力；应急处突能力",
        ),
        (
            "D02",
            "港口物流招商岗",
            "乍浦镇",
            TOWN,
            "经济管理",
            "围绕临港产业开展招商引资，服务港口物流项目落地",
            "对接客商，跟踪重大项目签约和要素保障",
            "招商引资；港口物流",
            _core(reform=2, execution=2, decision=1),
            "改革攻坚能力；企业服务经验",
        ),
        (
            "D03",
            "安全生产监管岗",
            "独山港镇",
            TOWN,
            "社会管理",
            "开展化工企业安全生产检查，完善应急处置预案",
            "组织安全隐患排查整治和应急演练",
            "安全生产；应急管理",
            _core(emergency=3, execution=2),
            "应急处突能力；基层一线经验",
        ),
        (
            "D04",
            "农旅融合岗",
            "广陈镇",
            TOWN,
            "民生事业",
            "打造美丽乡村精品线，推动农旅融合和乡村旅游发展",
            "策划乡村旅游活动，培育民宿经济",
            "乡村旅游；农旅融合",
            _core(decision=2, mass_work=2, execution=1),
            "群众工作能力；乡村振兴实践",
        ),
        (
            "D05",
            "征迁攻坚岗",
            "林埭镇",
            TOWN,
            "城建交通",
            "完成重点项目征迁任务，做好拆迁安置",
            "入户做群众工作，化解征迁矛盾纠纷",
            "征迁；矛盾调解",
            _core(mass_work=3, emergency=1, execution=2),
            "群众工作能力；应急处突能力",
        ),
        (
            "D06",
            "垃圾分类岗",
            "新埭镇",
            TOWN,
            "城建交通",
            "推进农村生活垃圾分类和资源化利用",
            "督查村社垃圾分类，完善智能化收运体系",
            "垃圾分类；环境整治",
            _core(execution=3, mass_work=2),
            "抓落实能力；群众工作能力",
        ),
        (
            "D07",
            "企业服务岗",
            "平湖经济技术开发区",
            PLATFORM,
            "经济管理",
            "优化营商环境，落实惠企政策，服务重大项目",
            "走访企业，协调解决企业发展难题",
            "企业服务；营商环境",
            _core(research=2, decision=2, execution=1),
            "科学决策能力；宏观经济视野",
        ),
        (
            "D08",
            "独山能源三期项目分拆破难组成员",
            "独山能源三期项目分拆破难组",
            PLATFORM,
            "经济管理",
            "推进独山能源三期项目分拆，与企业梳理分拆方案",
            "多方论证，制订项目分拆方案并协调落实",
            "能源项目；项目管理",
            _core(reform=3, decision=2),
            "改革攻坚能力；科学决策能力",
        ),
        (
            "D09",
            "共同富裕专班岗",
            "市共同富裕专班",
            PLATFORM,
            "民生事业",
            "谋划共同富裕示范举措，推进强村富民和低收入农户帮扶",
            "起草共同富裕政策文件，督查任务落实",
            "政策研究；乡村振兴",
            _core(research=2, decision=2, political=1),
            "科学决策能力；全市层面统筹谋划",
        ),
        (
            "D10",
            "营商环境专班岗",
            "市营商环境优化专班",
            PLATFORM,
            "经济管理",
            "推进政务服务一网通办和营商环境优化",
            "梳理企业办事堵点，推动审批服务改革",
            "营商环境；政务服务",
            _core(reform=3, research=1),
            "改革攻坚能力；调查研究能力",
        ),
        (
            "D11",
            "社区治理岗",
            "当湖街道",
            TOWN,
            "社会管理",
            "深化三社联动，推进社区治理和志愿服务",
            "指导社区社会组织开展服务，化解物业纠纷",
            "社区治理；社会组织",
            _core(mass_work=3, execution=1),
            "群众工作能力；基层治理经验",
        ),
        (
            "D12",
            "老旧小区改造岗",
            "钟埭街道",
            TOWN,
            "城建交通",
            "推进老旧小区改造和未来社区建设",
            "协调施工管理，征求居民意见",
            "城市更新；工程管理",
            _core(execution=2, mass_work=2),
            "群众工作能力；抓落实能力",
        ),
        (
            "D13",
            "党建办党建岗",
            "曹桥街道",
            TOWN,
            "党政群团",
            "推进基层党建和党建引领基层治理",
            "组织党员教育，指导村社党组织建设",
            "党建工作；基层党建",
            _core(political=3, mass_work=1),
            "政治能力；群众工作能力",
        ),
        (
            "D14",
            "文化礼堂和全民健身岗",
            "乍浦镇",
            TOWN,
            "民生事业",
            "建设农村文化礼堂，组织全民健身和群众体育活动",
            "策划文体活动，管理体育设施",
            "文化服务；群众体育",
            _core(mass_work=2, execution=2),
            "群众工作能力；基层一线经验",
        ),
        (
            "D15",
            "城市更新专班岗",
            "市城市更新专班",
            PLATFORM,
            "城建交通",
            "统筹全市城市更新和城中村改造计划",
            "编制城市更新年度计划，协调重大项目推进",
            "城乡规划；城市更新",
            _core(decision=3, reform=1),
            "科学决策能力；全市层面统筹谋划",
        ),
        (
            "D16",
            "信访维稳专班岗",
            "市信访维稳专班",
            PLATFORM,
            "社会管理",
            "化解信访积案，做好重大活动期间维稳",
            "研判信访形势，督办信访件办理",
            "信访维稳；舆情处置",
            _core(emergency=2, mass_work=2),
            "应急处突能力；群众工作能力",
        ),
        (
            "D17",
            "农业产业化岗",
            "新仓镇",
            TOWN,
            "经济管理",
            "培育农业龙头企业，发展现代农业和数字农业",
            "服务农业项目，推广农产品品牌",
            "现代农业；农业产业化",
            _core(execution=2, research=1),
            "抓落实能力；企业服务经验",
        ),
        (
            "D18",
            "河道整治岗",
            "广陈镇",
            TOWN,
            "城建交通",
            "落实五水共治和河长制，推进河道整治",
            "巡查河道，督促截污纳管和水质监测",
            "治水；河道整治",
            _core(execution=2, emergency=1),
            "抓落实能力；基层一线经验",
        ),
        (
            "D19",
            "办公室综合协调岗",
            "林埭镇",
            TOWN,
            "党政群团",
            "做好镇党委政府综合协调和督查督办",
            "起草文稿，组织会务保障",
            "文稿起草；综合协调",
            _core(execution=2, political=2),
            "抓落实能力；基层一线经验",
        ),
        (
            "D20",
            "数字经济专班岗",
            "市数字经济发展专班",
            PLATFORM,
            "经济管理",
            "推动数字经济核心产业招商和企业数字化转型",
            "跟踪数字经济项目，开展企业走访",
            "数字经济；招商引资",
            _core(decision=2, research=1, execution=1),
            "科学决策能力；企业服务经验",
        ),
    ]
    return [
        PostProfile(
            id=pid,
            name=name,
            unit=unit,
            unit_kind=_kind(kind),
            category=_category(category),
            key_tasks=key_tasks,
            duties=duties,
            expertise_needed=expertise,
            core_abilities=core,
            develops=develops,
        )
        for pid, name, unit, kind, category, key_tasks, duties, expertise, core, develops in rows
    ]


def article_placements() -> dict[str, str]:
    """Cadre id -> post id the department chose (the article's placements)."""
    return {
        "C01": "P01",  # 王楠楠 -> 曹桥街道 文旅发展岗 (赛艇小镇)
        "C02": "P02",  # 屠东君 -> 数字化改革专班
        "C03": "P03",  # 金伟 -> 新仓镇 张家浜全域秀美整治
        "C04": "P04",  # 孙杰 -> 新仓镇镇办 美丽城镇项目建设
        "C05": "P05",  # 张徐园 -> 曹桥街道 科技项目、企业服务
        "C06": "P06",  # 徐菊 -> 当湖街道治水办 污水零直排
    }
