"""The admin site belongs to the system administrator (三员分立).

The system administrator manages accounts (create, deactivate, reset
passwords; each recorded in the audit trail, and a reset password must be
changed by its holder at the next sign-in) but cannot grant roles, nor reset
another administrator's password: ``Profile.role`` and the superuser and staff
flags are read-only to them. Roles are granted by the security administrator
on their own page; the audit trail is not in the admin at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from . import services
from .models import Profile, Role
from .roles import roles_of


def _is_system_admin(request: HttpRequest) -> bool:
    return Role.SYSTEM_ADMIN in roles_of(request.user)


def _admin_site_has_permission(request: HttpRequest) -> bool:
    return bool(request.user.is_active and _is_system_admin(request))


admin.site.has_permission = _admin_site_has_permission  # type: ignore[method-assign]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ["user", "role", "unit", "mentor", "cadre", "must_change_password"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name"]
    autocomplete_fields = ["unit", "cadre"]
    list_select_related = ["user", "unit", "mentor", "cadre"]

    def get_readonly_fields(self, request: HttpRequest, obj: Profile | None = None) -> Any:
        if request.user.is_superuser:
            return ()
        # The "must change password" gate is armed by a reset and lifted only by
        # the holder choosing a password: never switched off by hand.
        return (
            "user",
            "role",
            "unit",
            "mentor",
            "cadre",
            "must_change_password",
            "password_reset_by",
            "password_reset_at",
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):  # type: ignore[type-arg]
    """Accounts for the system administrator; privilege flags stay with superusers."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff", "groups", "user_permissions", "last_login"]
        return fields

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Set a password for someone: re-armed "must change", holder told, audited."""
        user = self.get_object(request, unquote(id))
        if user is not None and not services.account_password_reset_allowed(
            user=user, by=request.user
        ):
            raise PermissionDenied(str(services.PasswordResetRefused()))
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and user is not None:
            services.account_password_reset(user=user, by=request.user)
            if user.pk != request.user.pk:
                messages.info(request, _("该账号下次登录时须修改密码；已记入审计日志。"))
        return response

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.account_admin_saved(
            user=obj,
            created=not change,
            changed=[] if not change else list(form.changed_data),
            by=request.user,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.account_admin_deleted(user=obj, by=request.user)
        super().delete_model(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_system_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return _is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return _is_system_admin(request)
