"""The admin site belongs to the system administrator (三员分立).

The system administrator manages accounts (create, deactivate, reset
passwords) but cannot grant roles: ``Profile.role`` and the superuser and staff
flags are read-only to them. Roles are granted by the security administrator
on their own page; the audit trail is not in the admin at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

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
        return ("user", "role", "unit", "mentor", "cadre")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The system admin may only re-arm "must change password" after a reset.
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
