"""What the audit trail's object codes mean to a reader.

The trail stores codes (``people.Cadre``, ``web:unit_list``) because its rows
are chained and never rewritten; the auditor's page shows the names a person
reads (干部, 单位列表) instead. A model code reads as the model's verbose name;
a page code (the URL name of a refused page or of an export) as the page's title.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

#: Codes the trail stores that are neither a model nor a page.
OTHER_LABELS = {
    "auth.User": _("账号"),
    "backup": _("数据库备份"),
}

#: Page titles by URL name (refused pages and exports are recorded by page).
PAGE_LABELS = {
    "accounts:home": _("我的首页"),
    "accounts:password_change": _("修改密码"),
    "accounts:otp_setup": _("两步验证设置"),
    "accounts:otp_verify": _("两步验证"),
    "accounts:audit_list": _("审计日志"),
    "accounts:audit_export": _("审计日志导出"),
    "accounts:role_list": _("角色授予"),
    "login": _("登录"),
    "logout": _("退出"),
    "imports:import_list": _("导入名册"),
    "imports:template_download": _("导入模板下载"),
    "imports:import_detail": _("导入详情"),
    "imports:import_status": _("导入进度"),
    "imports:import_cancel": _("取消导入"),
    "imports:import_problems": _("导入问题清单"),
    "matching:run_list": _("匹配方案列表"),
    "matching:run_create": _("新建匹配"),
    "matching:run_detail": _("匹配方案"),
    "matching:run_status": _("匹配进度"),
    "matching:run_cancel": _("取消匹配"),
    "matching:run_analysis": _("方案分析进度"),
    "matching:balance": _("干部选配平衡表"),
    "matching:pair": _("配对说明"),
    "matching:decision_create": _("记录研判决定"),
    "matching:decision_withdraw": _("撤销研判决定"),
    "matching:reoptimise": _("重新优化"),
    "matching:reoptimisation_status": _("重新优化进度"),
    "matching:reoptimisation_cancel": _("取消重新优化"),
    "matching:finalise": _("确认方案"),
    "matching:charts": _("方案图表"),
    "matching:compare": _("方案比较"),
    "matching:print": _("方案打印"),
    "matching:exports": _("方案导出"),
    "matching:export_create": _("生成方案导出"),
    "matching:export_download": _("方案导出下载"),
    "survey:round_list": _("需求填报"),
    "survey:round_create": _("新建调研轮次"),
    "survey:round_detail": _("调研轮次"),
    "survey:demand_new": _("填报需求"),
    "survey:round_convert": _("批量转为岗位"),
    "survey:gap_export": _("缺口分析导出"),
    "survey:gap_unit": _("单位缺口"),
    "survey:demand_suggest": _("需求建议"),
    "survey:demand_detail": _("需求详情"),
    "survey:demand_edit": _("修改需求"),
    "survey:demand_submit": _("提交需求"),
    "survey:demand_review": _("审核需求"),
    "survey:demand_convert": _("需求转为岗位"),
    "survey:gap_overview": _("缺口分析"),
    "survey:my_gap": _("本单位缺口"),
    "web:dashboard": _("工作台"),
    "web:cadre_list": _("干部库"),
    "web:cadre_export": _("干部名册导出"),
    "web:cadre_detail": _("干部详情"),
    "web:post_list": _("练兵岗位列表"),
    "web:post_export": _("练兵岗位导出"),
    "web:post_detail": _("岗位详情"),
    "web:unit_list": _("单位列表"),
    "web:unit_detail": _("单位详情"),
    "web:unit_create": _("新增单位"),
    "web:mentor_list": _("练兵导师列表"),
    "web:mentor_export": _("练兵导师导出"),
    "web:calendar": _("全年日程"),
    "web:program_calendar": _("全年日程"),
    "training:overview": _("跟踪督办"),
    "evaluation:public_rate": _("群众代表评价链接"),
    "evaluation:public_rate_session": _("群众代表评价"),
    "evaluation:public_thanks": _("群众代表评价完成"),
    "evaluation:qr_sheet": _("群众代表评价二维码"),
    "training:secondment_list": _("练兵安排"),
    "training:secondment_export": _("练兵安排导出"),
    "training:pairing": _("导师结对"),
    "training:pairing_propose": _("生成导师建议"),
    "training:pairing_confirm": _("确认导师"),
    "training:pairing_confirm_all": _("确认全部导师建议"),
    "training:secondment_detail": _("练兵档案"),
    "evaluation:index": _("成长指数"),
    "training:log_create": _("填写练兵日志"),
    "training:log_comment": _("点评练兵日志"),
    "training:milestone_update": _("填报节点进展"),
    "training:assessment_record": _("月度评价"),
    "training:attachment_download": _("日志附件下载"),
    "training:plan_current": _("练兵计划"),
    "training:plan_start": _("起草练兵计划"),
    "training:plan_compare": _("练兵计划版本对照"),
    "training:plan_detail": _("练兵计划版本"),
    "training:plan_edit": _("修改练兵计划"),
    "training:plan_submit": _("提交练兵计划"),
    "training:plan_revise": _("修订练兵计划"),
    "training:plan_return": _("退回练兵计划"),
    "training:plan_approve": _("批准练兵计划"),
    "training:plan_comment": _("练兵计划意见"),
    "training:plan_print": _("打印练兵计划书"),
    "training:plan_export": _("练兵计划导出"),
    "evaluation:record": _("成长档案"),
    "evaluation:record_docx": _("成长档案下载"),
    "evaluation:round_list": _("一线考察"),
    "evaluation:round_create": _("新建考察"),
    "evaluation:round_detail": _("考察轮次"),
    "evaluation:round_status": _("变更考察状态"),
    "evaluation:item_save": _("保存评价项目"),
    "evaluation:item_remove": _("删除评价项目"),
    "evaluation:team_create": _("建立考察组"),
    "evaluation:round_team": _("专项考察组"),
    "evaluation:team_cover": _("调整考察对象"),
    "evaluation:member_add": _("添加考察组成员"),
    "evaluation:member_remove": _("移出考察组成员"),
    "evaluation:conflict_declare": _("申报回避"),
    "evaluation:conflict_withdraw": _("撤销回避申报"),
    "evaluation:rate": _("考察评价"),
    "evaluation:rate_trainee": _("评价练兵干部"),
    "activities:score": _("赋能活动评分"),
    "activities:score_entry": _("赋能活动评分录入"),
    "activities:results": _("赋能活动成绩"),
    "activities:person": _("个人赋能活动成绩"),
    "activities:series_export": _("赋能活动成绩导出"),
    "activities:series_list": _("赋能活动"),
    "activities:series_create": _("新建活动系列"),
    "activities:series_detail": _("活动系列"),
    "activities:series_edit": _("编辑活动系列"),
    "activities:series_rotation": _("轮值安排"),
    "activities:pair_rule_add": _("添加分组规则"),
    "activities:pair_rule_delete": _("删除分组规则"),
    "activities:activity_create": _("新建赋能活动"),
    "activities:activity_detail": _("赋能活动详情"),
    "activities:activity_edit": _("编辑赋能活动"),
    "activities:activity_status": _("变更活动状态"),
    # 赋能活动 · 分组
    "activities:groups": _("活动分组"),
    "activities:groups_move": _("调整活动分组"),
    "activities:group_edit": _("小组组长、任务和成果"),
    "activities:groups_leaders": _("轮流指定组长"),
    "activities:groups_print": _("打印分组表"),
}


def object_type_label(code: str) -> str:
    """The reader's name for an object code; the code itself when nothing better is known."""
    if not code:
        return ""
    known = OTHER_LABELS.get(code) or PAGE_LABELS.get(code)
    if known is not None:
        return str(known)
    if ":" in code:
        return str(_("页面 %(name)s") % {"name": code})
    try:
        return str(apps.get_model(code)._meta.verbose_name)
    except (LookupError, ValueError):
        return code
