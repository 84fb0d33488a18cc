from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "lianbing.matching"
    label = "matching"
    verbose_name = _("人岗匹配")
