from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "lianbing.web"
    label = "web"
    verbose_name = _("界面")

    def ready(self) -> None:
        from .empty_choice import empty_choice_install

        empty_choice_install()
