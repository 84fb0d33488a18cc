from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpreadsheetsConfig(AppConfig):
    name = "lianbing.spreadsheets"
    label = "spreadsheets"
    verbose_name = _("表格导入")

    def ready(self) -> None:
        # Who uploaded which workbook belongs in the audit trail; the rows an
        # import writes are recorded by their own models' registrations.
        from lianbing.accounts import audit

        from .models import ImportJob

        audit.register(ImportJob)
