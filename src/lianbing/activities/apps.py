from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "lianbing.activities"
    label = "activities"
    verbose_name = _("青鸢赋能计划")
