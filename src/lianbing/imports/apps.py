from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "lianbing.imports"
    # The app was called "spreadsheets" when its models were first migrated:
    # keeping the label keeps its table names, its migration history and the
    # audit trail's "spreadsheets.ImportJob" for existing databases.
    label = "spreadsheets"
    verbose_name = _("表格导入")

    def ready(self) -> None:
        # Who uploaded which workbook belongs in the audit trail; the rows an
        # import writes are recorded by their own models' registrations.
        from lianbing.accounts import audit

        from .models import ImportJob

        audit.register(ImportJob)
