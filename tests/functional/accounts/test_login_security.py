"""Sign-in: lockout, password rules, first-login change, idle timeout, TOTP, headers, CSRF."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianbing.accounts.middleware import LAST_SEEN
from lianbing.accounts.models import AuditAction, AuditEvent, Role
from tests import factories

pytestmark = pytest.mark.django_db

GOOD = "Lianbing-2026!"


def _login(client: Client, username: str, password: str) -> object:
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_sixth_attempt_is_refused_even_with_the_right_password() -> None:
    factories.account(Role.STAFF, username="ganbuke")
    attacker = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(5):
        _login(attacker, "ganbuke", "wrong-password")

    response = _login(attacker, "ganbuke", GOOD)

    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in attacker.session


def test_another_account_still_signs_in_from_the_same_address_during_a_lockout() -> None:
    factories.account(Role.STAFF, username="ganbuke")
    factories.account(Role.STAFF, username="zhangsan")
    client = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(5):
        _login(client, "ganbuke", "wrong-password")

    response = _login(client, "zhangsan", GOOD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="zhangsan").pk)


def test_four_failures_do_not_lock_the_account() -> None:
    factories.account(Role.STAFF, username="ganbuke")
    client = Client()
    for _ in range(4):
        _login(client, "ganbuke", "wrong-password")

    response = _login(client, "ganbuke", GOOD)

    assert response.status_code == 302


def test_failed_and_successful_sign_ins_are_audited_without_the_password() -> None:
    factories.account(Role.STAFF, username="ganbuke")
    client = Client()

    _login(client, "ganbuke", "wrong-password")
    _login(client, "ganbuke", GOOD)

    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, username="ganbuke").count() == 1
    assert not AuditEvent.objects.filter(detail__contains="wrong-password").exists()


def test_a_new_account_must_change_its_password_before_any_page() -> None:
    user = factories.account(Role.STAFF, must_change_password=True)
    client = Client()
    client.force_login(user)

    response = client.get(reverse("web:cadre_list"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")


def test_changing_the_password_lifts_the_first_login_gate() -> None:
    user = factories.account(Role.STAFF, must_change_password=True, password=GOOD)
    client = Client()
    client.force_login(user)

    client.post(
        reverse("accounts:password_change"),
        {"old_password": GOOD, "new_password1": "Qiang-Mima-77", "new_password2": "Qiang-Mima-77"},
    )

    assert client.get(reverse("web:cadre_list")).status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "至少"),
        ("lianbingtai2026", "至少 3 类"),
        ("Password1", "常见"),
    ],
)
def test_a_weak_new_password_is_refused_in_chinese(password: str, message: str) -> None:
    user = factories.account(Role.STAFF, must_change_password=True, password=GOOD)
    client = Client()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": GOOD, "new_password1": password, "new_password2": password},
    )

    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_session_idle_for_more_than_30_minutes_ends() -> None:
    client = Client()
    client.force_login(factories.account(Role.STAFF))
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()

    response = client.get(reverse("web:cadre_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_a_session_active_within_30_minutes_continues() -> None:
    client = Client()
    client.force_login(factories.account(Role.STAFF))
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 29 * 60
    session.save()

    assert client.get(reverse("web:cadre_list")).status_code == 200


def test_sessions_are_configured_to_expire_after_30_minutes() -> None:
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_an_administrator_sets_up_totp_and_is_asked_for_it_at_the_next_sign_in() -> None:
    admin = factories.account(Role.SECURITY_ADMIN, username="anquan", password=GOOD)
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    client.post(reverse("accounts:otp_setup"), {"token": _code(device)})
    client.post(reverse("logout"))

    # A code is accepted once; this sign-in happens within the same 30-second step.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    _login(client, "anquan", GOOD)
    gated = client.get(reverse("accounts:role_list"))
    client.post(reverse("accounts:otp_verify"), {"token": _code(device)})
    opened = client.get(reverse("accounts:role_list"))

    assert "data:image/svg+xml" in page.content.decode()
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).count() == 1
    assert gated.status_code == 302
    assert gated["Location"] == reverse("accounts:otp_verify")
    assert opened.status_code == 200


def test_a_wrong_totp_code_keeps_the_gate_closed() -> None:
    admin = factories.account(Role.AUDITOR, username="shenji", password=GOOD)
    TOTPDevice.objects.create(user=admin, name="练兵台", confirmed=True)
    client = Client()
    _login(client, "shenji", GOOD)

    response = client.post(reverse("accounts:otp_verify"), {"token": "000000"})

    assert "验证码不正确" in response.content.decode()
    assert client.get(reverse("accounts:audit_list")).status_code == 302


def test_totp_set_up_is_not_offered_to_department_staff() -> None:
    client = Client()
    client.force_login(factories.account(Role.STAFF))

    assert client.get(reverse("accounts:otp_setup")).status_code == 403


def test_every_page_carries_a_csp_without_inline_script_and_no_referrer() -> None:
    client = Client()

    response = client.get(reverse("login"))

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert "<script>" not in response.content.decode()


def _csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    return client, page.context["csrf_token"]


def test_a_same_origin_post_with_a_null_origin_passes_csrf() -> None:
    factories.account(Role.STAFF, username="ganbuke")
    client, token = _csrf_client()

    response = client.post(
        reverse("login"),
        {"username": "ganbuke", "password": GOOD, "csrfmiddlewaretoken": token},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
        secure=True,
    )

    assert response.status_code == 302


def test_a_cross_site_post_with_a_null_origin_is_refused() -> None:
    factories.account(Role.STAFF, username="ganbuke")
    client, token = _csrf_client()

    response = client.post(
        reverse("login"),
        {"username": "ganbuke", "password": GOOD, "csrfmiddlewaretoken": token},
        headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        secure=True,
    )

    assert response.status_code == 403


def test_argon2_is_the_first_password_hasher_outside_the_test_suite() -> None:
    from lianbing.config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_one_address_trying_many_accounts_is_locked_beside_the_per_account_lock() -> None:
    from django.conf import settings

    factories.account(Role.STAFF, username="ganbuke")
    sprayer = Client(REMOTE_ADDR="10.0.0.66")
    limit = settings.LIANBING_ADDRESS_FAILURE_LIMIT
    for k in range(limit):
        # Two tries per account: never near any one account's own limit of 5.
        _login(sprayer, f"guess{k // 2}", "Password-1")

    refused = _login(sprayer, "ganbuke", GOOD)
    elsewhere = _login(Client(REMOTE_ADDR="10.0.0.67"), "ganbuke", GOOD)

    assert refused.status_code == 429
    assert "_auth_user_id" not in sprayer.session
    assert elsewhere.status_code == 302


def test_a_few_failures_on_several_accounts_do_not_lock_the_address() -> None:
    factories.account(Role.STAFF, username="ganbuke")
    office = Client(REMOTE_ADDR="10.0.0.68")
    for k in range(6):
        _login(office, f"colleague{k}", "Password-1")

    assert _login(office, "ganbuke", GOOD).status_code == 302


def test_two_step_sign_in_is_compulsory_for_administrators_in_production() -> None:
    from tests.functional.accounts.test_deploy_and_backup import PROD_ENV, _manage

    done = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.LIANBING_OTP_REQUIRED_FOR_ADMINS)",
        env=PROD_ENV,
    )

    assert done.stdout.strip().splitlines()[-1] == "True", done.stderr
