from django.contrib import admin

from audit.admin import AccessLoggedAdminMixin
from cases.lifecycle import DECIDED_STATES
from cases.models import (
    Assignment,
    Case,
    CaseDocument,
    CaseNumberSequence,
    CaseStateCount,
    CaseTransition,
    Determination,
    DisputedItem,
    ItemDecision,
)
from cases.views.assignment import offer_to_reviewer_action
from core.admin import ReadOnlyAdminMixin
from core.services import record_event


class CaseAccessLogged(AccessLoggedAdminMixin):
    access_object_type = "case"

    def access_case_number(self, obj) -> str:
        return obj.case_number


class CasePartAccessLogged(AccessLoggedAdminMixin):
    """A part of a case (item, document, determination...): logged under its case; frozen once the case is decided."""

    def access_case_number(self, obj) -> str:
        return self._case(obj).case_number

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._open(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._open(obj)

    def _open(self, obj) -> bool:
        return obj is None or self._case(obj).status not in DECIDED_STATES

    @staticmethod
    def _case(obj):
        return obj.determination.case if isinstance(obj, ItemDecision) else obj.case


class DisputedItemInline(admin.StackedInline):
    model = DisputedItem
    extra = 0


class CaseDocumentInline(admin.TabularInline):
    model = CaseDocument
    extra = 0
    fields = ["kind", "title", "author", "document_date", "original_name", "page_count", "sha256", "uploaded_at"]
    readonly_fields = ["original_name", "page_count", "sha256", "uploaded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Documents are checked by content on upload; add them on the case page.
        return False


class CaseTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(CaseAccessLogged, admin.ModelAdmin):
    """Facts of an open case may be corrected here (each save is an audit event naming the fields); a decided case's
    facts are what its letter says, so from the determination on the page is read-only, and nothing is deleted."""

    list_display = ["case_number", "status", "priority", "employee_name", "claim_number", "due_date", "reviewer"]
    list_filter = ["status", "priority", "items__category"]
    search_fields = ["case_number", "claim_number", "employee_name"]
    date_hierarchy = "application_received"
    readonly_fields = ["case_number", "status", "due_date", "reviewer", "created_at", "updated_at", "created_by"]
    autocomplete_fields = ["employer", "claims_administrator", "employee_attorney", "requesting_provider"]
    inlines = [DisputedItemInline, CaseDocumentInline, CaseTransitionInline]
    list_select_related = ["reviewer"]
    actions = [offer_to_reviewer_action]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status not in DECIDED_STATES)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:  # a new case gets its number from the sequence
            return [name for name in self.readonly_fields if name != "case_number"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(
            request.user, "case.changed_in_admin" if change else "case.created_in_admin", obj, fields=form.changed_data
        )


@admin.register(DisputedItem)
class DisputedItemAdmin(CasePartAccessLogged, admin.ModelAdmin):
    access_object_type = "item"

    list_display = ["case", "description", "category", "ur_outcome"]
    list_filter = ["category", "ur_outcome"]
    search_fields = ["description", "case__case_number"]
    list_select_related = ["case"]


@admin.register(CaseDocument)
class CaseDocumentAdmin(CasePartAccessLogged, admin.ModelAdmin):
    access_object_type = "document"

    list_display = ["case", "kind", "title", "page_count", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["case__case_number", "title", "sha256"]
    readonly_fields = ["file", "original_name", "size", "sha256", "page_count", "uploaded_by", "uploaded_at"]
    list_select_related = ["case"]


@admin.register(CaseTransition)
class CaseTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    search_fields = ["case__case_number"]
    list_select_related = ["case", "by"]
    actions = None


@admin.register(CaseStateCount)
class CaseStateCountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Kept by the case table's triggers: read here, never edited."""

    list_display = ["status", "count"]
    actions = None


@admin.register(CaseNumberSequence)
class CaseNumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["year", "last_value"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: offers are made through ``cases.assignment`` (the conflict and qualification rules), never here."""

    list_display = ["case", "reviewer", "state", "offered_at", "responded_at"]
    list_filter = ["state"]
    search_fields = ["case__case_number", "reviewer__username"]
    list_select_related = ["case", "reviewer"]


class ItemDecisionInline(admin.StackedInline):
    model = ItemDecision
    extra = 0
    can_delete = False
    readonly_fields = ["item", "decision", "basis", "basis_none", "rationale", "qa_comment"]


@admin.register(ItemDecision)
class ItemDecisionAdmin(CasePartAccessLogged, ReadOnlyAdminMixin, admin.ModelAdmin):
    access_object_type = "item_decision"

    """Read-only, like determinations: decisions change only through the workspace and QA."""

    list_display = ["determination", "item", "decision", "basis_none"]
    list_filter = ["decision", "determination__state"]
    search_fields = ["determination__case__case_number", "item__description"]
    list_select_related = ["determination__case", "item"]


@admin.register(Determination)
class DeterminationAdmin(CasePartAccessLogged, ReadOnlyAdminMixin, admin.ModelAdmin):
    access_object_type = "determination"

    list_display = ["case", "version", "state", "author", "submitted_at", "qa_at"]
    list_filter = ["state"]
    search_fields = ["case__case_number"]
    inlines = [ItemDecisionInline]
    list_select_related = ["case", "author"]

    # Determinations change only through the workspace and QA (versions, locks, consistency checks).


# The clock's reference data (the MTUS Drug List) has its own admin module.
from cases import admin_clock  # noqa: E402, F401
