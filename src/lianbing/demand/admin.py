from django.contrib import admin

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
    list_display = ["code", "name", "unit", "category", "seats", "duration_months", "mentor"]
    list_filter = ["program", "category", "unit"]
    search_fields = ["code", "name", "key_tasks", "expertise_needed"]
    autocomplete_fields = ["unit", "mentor", "preferred_by"]
    inlines = [CoreAbilityInline]
    list_select_related = ["unit", "mentor", "mentor__unit"]
