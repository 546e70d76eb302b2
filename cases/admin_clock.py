"""Admin pages of the clock's tables: the MTUS Drug List, version by version (administrators edit it; a new DWC list
is imported as a new version: ``manage.py import_drug_list``); the records checklists and appeals, read-only and
access-logged (they change only through the case page's services, which keep the timeline)."""

from django.contrib import admin

from audit.admin import AccessLoggedAdminMixin
from cases.clock_models import Appeal, FormularyDrug, FormularyList, RecordsDocument
from core.admin import ReadOnlyAdminMixin


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


class CaseRowAdmin(AccessLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """A row about a case: read-only here, its reads logged under the case."""

    def access_case_number(self, obj) -> str:
        return obj.case.case_number


@admin.register(RecordsDocument)
class RecordsDocumentAdmin(CaseRowAdmin):
    access_object_type = "records_document"
    list_display = ["case", "kind", "received_on", "received_from", "recorded_at"]
    list_filter = ["kind"]
    search_fields = ["case__case_number", "received_from"]
    list_select_related = ["case"]


@admin.register(Appeal)
class AppealAdmin(CaseRowAdmin):
    access_object_type = "appeal"
    list_display = ["case", "filed_by", "filed_on", "ground", "served_on", "service_method", "outcome"]
    list_filter = ["outcome", "ground", "filed_by"]
    search_fields = ["case__case_number"]
    list_select_related = ["case"]
