from django.contrib import admin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ["user", "role", "unit", "mentor", "cadre", "must_change_password"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name"]
    autocomplete_fields = ["unit", "cadre"]
    list_select_related = ["user", "unit", "mentor", "cadre"]
