from django.contrib import admin

from letters.models import FROZEN_FIELDS, Letter, LetterDownload, Service, ServiceRecipient


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ("served_on", "method", "recipients", "note", "by", "at")
    readonly_fields = ("by", "at")


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
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
class LetterDownloadAdmin(admin.ModelAdmin):
    list_display = ("letter", "by", "at", "ip", "in_bulk")
    readonly_fields = ("letter", "by", "at", "ip", "in_bulk")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ServiceRecipientInline(admin.TabularInline):
    model = ServiceRecipient
    extra = 0
    fields = ("position", "key", "role", "name", "address")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # recorded by letters.services.record_service only


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("letter", "served_on", "method", "by", "at")
    list_filter = ("method",)
    readonly_fields = ("letter", "by", "at")
    inlines = [ServiceRecipientInline]


@admin.register(ServiceRecipient)
class ServiceRecipientAdmin(admin.ModelAdmin):
    """Who each service reached, at which address (what the proof of service prints)."""

    list_display = ("service", "role", "name")
    search_fields = ("name", "service__letter__case__case_number")
    readonly_fields = ("service", "position", "key", "role", "name", "address")

    def has_add_permission(self, request) -> bool:
        return False
