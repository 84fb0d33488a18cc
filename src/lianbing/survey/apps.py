from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "lianbing.survey"
    label = "survey"
    verbose_name = _("需求调研")
