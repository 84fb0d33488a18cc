"""Chinese names in ``/admin/`` for the apps we install but do not write.

django-axes, django-otp's TOTP plugin and django-tasks-db ship English (or no
zh-Hans) names, so the administration site's index mixed "AXES" and "Task
Results" into a Chinese page. Their app configs and model options are renamed
once at start-up; nothing in the database changes.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _

#: app label -> (app name, {model name: (singular, plural)}), names lazily translated.
THIRD_PARTY_NAMES: dict[str, tuple[Any, dict[str, tuple[Any, Any]]]] = {
    "axes": (
        _("登录锁定"),
        {
            "accessattempt": (_("登录失败记录"), _("登录失败记录")),
            "accesslog": (_("登录日志"), _("登录日志")),
            "accessfailurelog": (_("登录失败明细"), _("登录失败明细")),
        },
    ),
    "otp_totp": (
        _("两步验证"),
        {"totpdevice": (_("动态码验证器"), _("动态码验证器"))},
    ),
    "django_tasks_database": (
        _("后台任务"),
        {"dbtaskresult": (_("后台任务结果"), _("后台任务结果"))},
    ),
}


def name_third_party_apps() -> None:
    """Give the installed third-party apps and their models Chinese names."""
    for label, (app_name, models) in THIRD_PARTY_NAMES.items():
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        config.verbose_name = app_name
        for model_name, (singular, plural) in models.items():
            try:
                model = config.get_model(model_name)
            except LookupError:
                continue
            model._meta.verbose_name = singular
            model._meta.verbose_name_plural = plural
