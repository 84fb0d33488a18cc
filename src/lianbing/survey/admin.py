from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lianbing.people.versioning import VersionedModelForm

from . import services
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
    form = VersionedModelForm
    list_display = ["title", "unit", "survey_round", "category", "seats", "status", "post"]
    list_filter = ["status", "category", "survey_round"]
    search_fields = ["title", "key_task", "unit__name"]
    list_select_related = ["unit", "survey_round", "post"]
    inlines = [DemandAbilityInline]
    raw_id_fields = ["post"]

    def save_model(self, request: HttpRequest, obj: Demand, form: Any, change: bool) -> None:
        services.demand_save(
            demand=obj,
            version=form.cleaned_data.get("loaded_version"),
            token=form.cleaned_data.get("loaded_values") or "",
            values_of=form.record_values,
        )
