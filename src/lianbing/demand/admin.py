from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lianbing.people.versioning import VersionedModelForm

from . import services
from .models import Post, PostCoreAbility, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    list_display = ["name", "started_on", "ended_on"]
    filter_horizontal = ["cadres"]


class CoreAbilityInline(admin.TabularInline[PostCoreAbility, Post]):
    model = PostCoreAbility
    extra = 0


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    form = VersionedModelForm
    list_display = ["code", "name", "unit", "category", "seats", "duration_months", "mentor"]
    list_filter = ["program", "category", "unit"]
    search_fields = ["code", "name", "key_tasks", "expertise_needed"]
    autocomplete_fields = ["unit", "mentor", "preferred_by"]
    inlines = [CoreAbilityInline]
    list_select_related = ["unit", "mentor", "mentor__unit"]

    def save_model(self, request: HttpRequest, obj: Post, form: Any, change: bool) -> None:
        services.post_save(
            post=obj,
            version=form.cleaned_data.get("loaded_version"),
            token=form.cleaned_data.get("loaded_values") or "",
            values_of=form.record_values,
        )
