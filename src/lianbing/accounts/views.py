"""Account pages: home by role, password change, two-step sign-in, audit trail, role grants."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from . import selectors, services
from .export import audit_workbook
from .forms import AuditFilterForm, OtpTokenForm, RoleGrantForm
from .middleware import OTP_PENDING
from .models import Role
from .policy import any_account, require_roles
from .roles import roles_of

ADMINS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)


@any_account
def home(request: HttpRequest) -> HttpResponse:
    """Where an account lands after signing in: its home page, whatever its role."""
    if roles_of(request.user):
        return redirect("web:dashboard")
    return render(request, "accounts/no_role.html")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        services.profile_password_changed(user=self.request.user)
        messages.success(self.request, _("密码已修改。"))
        return response


password_change = any_account(PasswordChangeView.as_view())


@require_roles(*ADMINS)
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code, then enter one code to confirm."""
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_device_confirm(
                user=request.user, token=form.cleaned_data["token"]
            )
        except services.OtpTokenError as exc:
            form.add_error("token", str(exc))
        else:
            otp_login(request, device)
            messages.success(request, _("两步验证已启用：今后登录时需输入验证器中的 6 位数字。"))
            return redirect("accounts:home")
    device = services.otp_device_start(user=request.user)
    import segno

    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    secret = _base32(device.bin_key)
    return render(request, "accounts/otp_setup.html", {"form": form, "qr": qr, "secret": secret})


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@any_account
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in for an account with a confirmed device."""
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_sign_in_verify(
                user=request.user, token=form.cleaned_data["token"]
            )
        except services.OtpTokenError as exc:
            form.add_error("token", str(exc))
        else:
            otp_login(request, device)
            request.session.pop(OTP_PENDING, None)
            services.sign_in_completed(user=request.user, second_factor=True)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = reverse("accounts:home")
            return HttpResponseRedirect(target)
    return render(request, "accounts/otp_verify.html", {"form": form})


@require_roles(Role.AUDITOR)
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail with filters (审计员)."""
    form = AuditFilterForm(request.GET or None)
    events = selectors.audit_event_list(filters=form.filters())
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "accounts/audit_list.html"
    if getattr(request, "htmx", False):
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page_obj": page,
            "query": query.urlencode(),
            "object_types": selectors.audit_object_types(),
        },
    )


@require_roles(Role.AUDITOR)
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered audit trail as an Excel file; the download itself is audited."""
    form = AuditFilterForm(request.GET or None)
    data = audit_workbook(selectors.audit_event_list(filters=form.filters()).iterator())
    name = f"audit-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_roles(Role.SECURITY_ADMIN)
def role_list(request: HttpRequest) -> HttpResponse:
    """Accounts and their roles; the security administrator grants roles here."""
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_grant(**form.cleaned_data, granted_by=request.user)
        except services.RoleGrantError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("角色已授予。"))
            return redirect("accounts:role_list")
    return render(
        request, "accounts/role_list.html", {"form": form, "accounts": selectors.account_list()}
    )
