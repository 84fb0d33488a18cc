from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandConfig(AppConfig):
    name = "lianbing.demand"
    label = "demand"
    verbose_name = _("练兵批次与岗位")
