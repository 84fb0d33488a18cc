"""``changepassword`` that makes the holder choose a new password at the next sign-in.

Django's command sets the password and nothing else; a password typed at the
server's console is known to whoever typed it, so, like a reset in the admin,
it has to be replaced by one only the holder knows. ``lianbing.accounts``
comes before ``django.contrib.auth`` in ``INSTALLED_APPS`` so this command is
the one ``manage`` runs.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands.changepassword import Command as ChangePassword

from lianbing.accounts import services


class Command(ChangePassword):
    def handle(self, *args: Any, **options: Any) -> str:
        message = super().handle(*args, **options)
        username = options["username"] or getpass.getuser()
        user = (
            get_user_model()
            ._default_manager.db_manager(options["database"])
            .get(**{get_user_model().USERNAME_FIELD: username})
        )
        services.account_password_set_at_console(user=user)
        return str(message) + "\n该账号下次登录时须修改密码。"
