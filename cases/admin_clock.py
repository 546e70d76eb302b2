"""Admin pages of the clock's reference data: the MTUS Drug List, version by version (administrators edit it; a new
DWC list is imported as a new version: ``manage.py import_drug_list``)."""

from django.contrib import admin

from cases.clock_models import FormularyDrug, FormularyList


class FormularyDrugInline(admin.TabularInline):
    model = FormularyDrug
    extra = 0
    fields = ["name", "drug_class", "exempt", "special_fill", "perioperative_fill", "reference"]


@admin.register(FormularyList)
class FormularyListAdmin(admin.ModelAdmin):
    list_display = ["version", "effective_date", "note"]
    inlines = [FormularyDrugInline]


@admin.register(FormularyDrug)
class FormularyDrugAdmin(admin.ModelAdmin):
    list_display = ["name", "drug_class", "exempt", "special_fill", "perioperative_fill", "formulary_list"]
    list_filter = ["formulary_list", "exempt", "special_fill", "perioperative_fill"]
    search_fields = ["name", "drug_class"]
