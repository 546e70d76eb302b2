from django.contrib import admin

from audit.admin import AccessLoggedAdminMixin
from core.admin import ReadOnlyAdminMixin
from letters.models import FROZEN_FIELDS, Letter, LetterDownload, RedactionTerm, Service, ServiceRecipient


class ServiceInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Service is recorded from the letter center and never rewritten: a wrong record is followed by a new one."""

    model = Service
    extra = 0
    fields = ("served_on", "method", "recipients", "note", "by", "at")
    readonly_fields = fields


@admin.register(Letter)
class LetterAdmin(AccessLoggedAdminMixin, admin.ModelAdmin):
    access_object_type = "letter"

    def access_case_number(self, obj) -> str:
        return obj.case.case_number

    list_display = ("case", "rendition", "version", "state", "signed_at", "superseded_at")
    list_filter = ("rendition", "state")
    search_fields = ("case__case_number", "sha256", "verification_code")
    readonly_fields = (
        *[name.removesuffix("_id") for name in FROZEN_FIELDS],
        "timestamped",
        "superseded_at",
        "correction_reason",
        "error",
        "created_at",
        "created_by",
    )
    inlines = [ServiceInline]

    def has_add_permission(self, request) -> bool:
        return False  # letters are made by letters.services only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the register keeps every version


@admin.register(LetterDownload)
class LetterDownloadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("letter", "by", "at", "ip", "in_bulk")
    readonly_fields = ("letter", "by", "at", "ip", "in_bulk")
    actions = None


class ServiceRecipientInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Recorded by ``letters.services.record_service`` only, with the addresses of the day."""

    model = ServiceRecipient
    extra = 0
    fields = ("position", "key", "role", "name", "address", "email")
    readonly_fields = fields


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("letter", "served_on", "method", "by", "at")
    list_filter = ("method",)
    readonly_fields = ("letter", "by", "at")
    actions = None
    inlines = [ServiceRecipientInline]


@admin.register(ServiceRecipient)
class ServiceRecipientAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who each service reached, at which address (what the proof of service prints)."""

    list_display = ("service", "role", "name")
    search_fields = ("name", "service__letter__case__case_number")
    readonly_fields = ("service", "position", "key", "role", "name", "address", "email")
    actions = None


@admin.register(RedactionTerm)
class RedactionTermAdmin(AccessLoggedAdminMixin, admin.ModelAdmin):
    """Terms the public copy of a case never prints. They are added from the redaction check (workspace, QA); a term
    added by mistake (a common word) is deleted here, and no signed letter changes (a correction re-renders)."""

    access_object_type = "redaction_term"

    def access_case_number(self, obj) -> str:
        return obj.case.case_number

    list_display = ("case", "text", "added_by", "added_at")
    search_fields = ("case__case_number",)
    readonly_fields = ("case", "text", "added_by", "added_at")

    def has_add_permission(self, request) -> bool:
        return False  # added from the redaction check, where the text is selected
