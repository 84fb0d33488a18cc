"""三员分立 that holds: no self-grant, no takeover by password reset, account work audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianbing.accounts import services
from lianbing.accounts.models import AuditAction, AuditEvent, AuditResult, Profile, Role
from tests import factories

pytestmark = pytest.mark.django_db

GOOD = "Lianbing-2026!"
NEW = "Chongzhi-Mima-88"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ------------------------------------------------------------------ role grants


def test_the_security_administrator_cannot_grant_a_role_to_itself() -> None:
    anquan = factories.account(Role.SECURITY_ADMIN, username="anquan")

    response = _client(anquan).post(
        reverse("accounts:role_list"), {"user": anquan.pk, "role": Role.STAFF}
    )

    assert response.status_code == 200
    assert "不能给自己的账号授予" in response.content.decode()
    assert Profile.objects.get(user=anquan).role == Role.SECURITY_ADMIN


def test_the_grant_service_refuses_a_self_grant_whoever_calls_it() -> None:
    anquan = factories.account(Role.SECURITY_ADMIN, username="anquan")

    with pytest.raises(services.RoleGrantError, match="不能给自己的账号"):
        services.role_grant(user=anquan, role=Role.STAFF, granted_by=anquan)


def test_a_grant_to_another_account_names_the_granter_in_the_audit_trail() -> None:
    anquan = factories.account(Role.SECURITY_ADMIN, username="anquan")
    other = factories.account(None, username="xinren")

    _client(anquan).post(reverse("accounts:role_list"), {"user": other.pk, "role": Role.STAFF})

    assert Profile.objects.get(user=other).role == Role.STAFF
    assert AuditEvent.objects.filter(
        action=AuditAction.GRANT, detail__contains="授予人 anquan"
    ).exists()


def test_the_role_page_lists_no_cadre_names() -> None:
    factories.cadre(code="C9001", name="欧阳未授")
    anquan = factories.account(Role.SECURITY_ADMIN, username="anquan")

    page = _client(anquan).get(reverse("accounts:role_list")).content.decode()

    assert "欧阳未授" not in page
    assert "C9001" not in page


def test_a_trainee_account_is_linked_to_its_cadre_by_code() -> None:
    cadre = factories.cadre(code="C9002", name="李练兵")
    anquan = factories.account(Role.SECURITY_ADMIN, username="anquan")
    other = factories.account(None, username="lianbing1")

    _client(anquan).post(
        reverse("accounts:role_list"), {"user": other.pk, "role": Role.TRAINEE, "cadre": "C9002"}
    )

    assert Profile.objects.get(user=other).cadre == cadre


def test_an_unknown_cadre_code_is_refused_in_chinese() -> None:
    anquan = factories.account(Role.SECURITY_ADMIN, username="anquan")
    other = factories.account(None, username="lianbing1")

    response = _client(anquan).post(
        reverse("accounts:role_list"), {"user": other.pk, "role": Role.TRAINEE, "cadre": "NOPE"}
    )

    assert "找不到编号为“NOPE”的干部" in response.content.decode()
    assert not Profile.objects.filter(user=other).exists()


# ------------------------------------------------------------ password resets


def _reset(admin_client: Client, user: object, password: str = NEW) -> object:
    return admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),  # type: ignore[attr-defined]
        {"usable_password": "true", "password1": password, "password2": password},
    )


def test_a_password_set_by_the_system_administrator_must_be_changed_at_the_next_sign_in() -> None:
    xitong = factories.account(Role.SYSTEM_ADMIN, username="xitong")
    ganbuke = factories.account(Role.STAFF, username="ganbuke")
    admin_client = _client(xitong)

    response = _reset(admin_client, ganbuke)
    holder = Client()
    holder.post(reverse("login"), {"username": "ganbuke", "password": NEW})
    page = holder.get(reverse("web:cadre_list"))

    assert response.status_code == 302
    assert Profile.objects.get(user=ganbuke).must_change_password
    assert page.status_code == 302
    assert page["Location"] == reverse("accounts:password_change")


def test_the_administrator_keeps_its_own_session_after_a_reset() -> None:
    xitong = factories.account(Role.SYSTEM_ADMIN, username="xitong")
    ganbuke = factories.account(Role.STAFF, username="ganbuke")
    admin_client = _client(xitong)

    _reset(admin_client, ganbuke)

    assert admin_client.session["_auth_user_id"] == str(xitong.pk)
    assert admin_client.get(reverse("web:cadre_list")).status_code == 403


def test_the_holder_is_told_of_a_reset_by_email_and_at_sign_in() -> None:
    xitong = factories.account(Role.SYSTEM_ADMIN, username="xitong")
    ganbuke = factories.account(Role.STAFF, username="ganbuke")
    User.objects.filter(pk=ganbuke.pk).update(email="ganbuke@example.gov.cn")
    ganbuke.refresh_from_db()

    _reset(_client(xitong), ganbuke)
    holder = Client()
    holder.post(reverse("login"), {"username": "ganbuke", "password": NEW})
    page = holder.get(reverse("accounts:password_change")).content.decode()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ganbuke@example.gov.cn"]
    assert "xitong" in mail.outbox[0].body
    assert page.count("由管理员 xitong 重置") == 2  # the sign-in notice and the page's own


def test_choosing_a_new_password_clears_the_reset_notice() -> None:
    xitong = factories.account(Role.SYSTEM_ADMIN, username="xitong")
    ganbuke = factories.account(Role.STAFF, username="ganbuke")
    _reset(_client(xitong), ganbuke)
    holder = Client()
    holder.post(reverse("login"), {"username": "ganbuke", "password": NEW})

    holder.post(
        reverse("accounts:password_change"),
        {"old_password": NEW, "new_password1": "Ziji-Mima-99x", "new_password2": "Ziji-Mima-99x"},
    )

    profile = Profile.objects.get(user=ganbuke)
    assert not profile.must_change_password
    assert profile.password_reset_at is None
    assert holder.get(reverse("web:cadre_list")).status_code == 200


def test_a_password_reset_is_in_the_audit_trail() -> None:
    xitong = factories.account(Role.SYSTEM_ADMIN, username="xitong")
    ganbuke = factories.account(Role.STAFF, username="ganbuke")

    _reset(_client(xitong), ganbuke)

    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET)
    assert event.username == "xitong"
    assert event.object_repr == "ganbuke"


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDITOR])
def test_the_system_administrator_cannot_reset_another_administrators_password(role: str) -> None:
    xitong = factories.account(Role.SYSTEM_ADMIN, username="xitong")
    target = factories.account(role, username="target", password=GOOD)

    response = _reset(_client(xitong), target)

    assert response.status_code == 403
    target.refresh_from_db()
    assert target.check_password(GOOD)


def test_the_system_administrator_cannot_switch_the_change_gate_off_by_hand() -> None:
    from lianbing.accounts.admin import ProfileAdmin

    xitong = factories.account(Role.SYSTEM_ADMIN, username="xitong")
    request = Client().request().wsgi_request
    request.user = xitong

    readonly = ProfileAdmin(Profile, None).get_readonly_fields(request)  # type: ignore[arg-type]

    assert "must_change_password" in readonly


# ------------------------------------------------------- account management audit


def test_creating_and_deactivating_an_account_in_the_admin_is_audited() -> None:
    xitong = factories.account(Role.SYSTEM_ADMIN, username="xitong")
    admin_client = _client(xitong)

    admin_client.post(
        reverse("admin:auth_user_add"),
        {"username": "xinzhanghao", "usable_password": "true", "password1": NEW, "password2": NEW},
    )
    created = User.objects.get(username="xinzhanghao")
    change = admin_client.get(reverse("admin:auth_user_change", args=[created.pk]))
    data = {
        k: v
        for k, v in change.context["adminform"].form.initial.items()
        if v is not None and k not in ("password", "groups", "user_permissions", "last_login")
    }
    data.update({"is_active": "", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"})
    admin_client.post(reverse("admin:auth_user_change", args=[created.pk]), data)

    created.refresh_from_db()
    assert not created.is_active
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE,
        object_type="auth.User",
        object_repr="xinzhanghao",
        username="xitong",
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="auth.User", detail__startswith="停用账号"
    ).exists()


# -------------------------------------------------------------- the second step


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _half_signed_in(username: str = "shenji") -> tuple[Client, TOTPDevice]:
    admin = factories.account(Role.AUDITOR, username=username, password=GOOD)
    device = TOTPDevice.objects.create(user=admin, name="练兵台", confirmed=True)
    client = Client()
    client.post(reverse("login"), {"username": username, "password": GOOD})
    return client, device


def test_a_right_password_before_the_second_step_is_not_recorded_as_a_sign_in() -> None:
    _half_signed_in()

    assert (
        AuditEvent.objects.filter(action=AuditAction.LOGIN_PENDING, username="shenji").count() == 1
    )
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_the_sign_in_is_recorded_once_the_code_is_right() -> None:
    client, device = _half_signed_in()

    client.post(reverse("accounts:otp_verify"), {"token": _code(device)})

    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, username="shenji").count() == 1


def test_a_wrong_code_is_recorded_as_refused() -> None:
    client, _device = _half_signed_in()

    client.post(reverse("accounts:otp_verify"), {"token": "000000"})

    assert (
        AuditEvent.objects.filter(
            action=AuditAction.OTP_FAILED, result=AuditResult.DENIED, username="shenji"
        ).count()
        == 1
    )


@pytest.mark.parametrize("page", ["accounts:password_change", "accounts:otp_setup"])
def test_password_and_device_pages_stay_shut_before_the_second_step(page: str) -> None:
    client, _device = _half_signed_in()

    response = client.get(reverse(page))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp_verify")


def test_setting_up_totp_and_a_wrong_set_up_code_are_recorded() -> None:
    admin = factories.account(Role.SECURITY_ADMIN, username="anquan")
    client = _client(admin)
    client.get(reverse("accounts:otp_setup"))
    client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    device = TOTPDevice.objects.filter(user=admin, confirmed=False).latest("id")

    client.post(reverse("accounts:otp_setup"), {"token": _code(device)})

    assert AuditEvent.objects.filter(action=AuditAction.OTP_FAILED, username="anquan").exists()
    assert AuditEvent.objects.filter(action=AuditAction.OTP_SETUP, username="anquan").exists()
