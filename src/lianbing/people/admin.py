from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lianbing.engine import taxonomy

from . import services
from .models import AbilityAssessment, Cadre, Mentor, Unit, WorkHistoryEntry
from .versioning import VersionedModelForm


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


class WorkHistoryInline(admin.TabularInline[WorkHistoryEntry, Cadre]):
    model = WorkHistoryEntry
    extra = 0


class AbilityAssessmentInline(admin.TabularInline[AbilityAssessment, Cadre]):
    model = AbilityAssessment
    extra = 0
    fields = ["assessed_on", "source", *taxonomy.ABILITY_CODES, "note"]


@admin.register(Cadre)
class CadreAdmin(admin.ModelAdmin[Cadre]):
    form = VersionedModelForm
    list_display = [
        "code",
        "name",
        "origin_unit",
        "position",
        "category",
        "grassroots_years",
        "phone_shown",
    ]
    list_filter = ["category", "gender", "origin_unit"]
    search_fields = ["code", "name", "expertise", "experience"]
    autocomplete_fields = ["origin_unit", "avoided_units"]
    inlines = [AbilityAssessmentInline, WorkHistoryInline]
    list_select_related = ["origin_unit"]

    @admin.display(description=_("联系电话"))
    def phone_shown(self, cadre: Cadre) -> str:
        """Lists show the phone masked; the edit form holds the clear value."""
        return cadre.phone_masked or "—"

    def save_model(self, request: HttpRequest, obj: Cadre, form: Any, change: bool) -> None:
        # Two administrators editing one cadre: the later save is refused, not silently applied.
        services.cadre_save(
            cadre=obj,
            version=form.cleaned_data.get("loaded_version"),
            token=form.cleaned_data.get("loaded_values") or "",
            values_of=form.record_values,
        )


@admin.register(Mentor)
class MentorAdmin(admin.ModelAdmin[Mentor]):
    list_display = ["code", "name", "unit", "position"]
    list_filter = ["unit"]
    search_fields = ["name", "code"]
    list_select_related = ["unit"]
