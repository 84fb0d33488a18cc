from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lianbing.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import admin_names, audit, checks, files, signals

        if not checks.defusedxml_active():
            # Refuse to start rather than parse uploaded workbooks unprotected.
            raise ImproperlyConfigured(
                "defusedxml 未启用：请安装 defusedxml 后再启动（上传的 Excel 须经安全解析）。"
            )
        unknown = audit.register_from_settings()
        if unknown:
            raise ImproperlyConfigured(
                "LIANBING_AUDITED_MODELS 中有未知模型：" + "、".join(unknown)
            )
        signals.connect_axes()
        admin_names.name_third_party_apps()
        connection_created.connect(files.secure_sqlite_file, dispatch_uid="lianbing-sqlite-0600")
        files.secure_data_dirs()
