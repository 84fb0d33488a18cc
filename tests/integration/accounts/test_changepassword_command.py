"""A password set at the server's console must be changed by its holder at the next sign-in."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from lianbing.accounts.models import AuditAction, AuditEvent, Profile, Role

pytestmark = pytest.mark.django_db


def test_changepassword_at_the_console_rearms_the_change_gate_and_is_audited() -> None:
    user = User.objects.create_user(username="ganbu1", password="Old-Passw0rd!")
    Profile.objects.create(user=user, role=Role.STAFF, must_change_password=False)

    with mock.patch("getpass.getpass", return_value="Console-Passw0rd!"):
        call_command("changepassword", "ganbu1", stdout=io.StringIO())

    user.refresh_from_db()
    assert user.check_password("Console-Passw0rd!")
    assert Profile.objects.get(user=user).must_change_password is True
    event = AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).latest("pk")
    assert event.object_repr == "ganbu1"
    assert "命令行" in event.detail
