from django.contrib import admin

from .models import Demand, DemandAbility, SurveyRound


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin[SurveyRound]):
    list_display = ["name", "deadline_at", "program"]
    search_fields = ["name"]


class DemandAbilityInline(admin.TabularInline[DemandAbility, Demand]):
    model = DemandAbility
    extra = 0


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin[Demand]):
    list_display = ["title", "unit", "survey_round", "category", "seats", "status", "post"]
    list_filter = ["status", "category", "survey_round"]
    search_fields = ["title", "key_task", "unit__name"]
    list_select_related = ["unit", "survey_round", "post"]
    inlines = [DemandAbilityInline]
    raw_id_fields = ["post"]
