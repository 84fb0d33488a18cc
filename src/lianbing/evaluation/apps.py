from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "lianbing.evaluation"
    label = "evaluation"
    verbose_name = _("一线考察与成长指数")
