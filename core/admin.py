from django.contrib import admin

from core.models import AuditEvent, EmailTemplate, OutboxEmail, Party


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "specialty", "organization", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "specialty"]
    autocomplete_fields = ["organization"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor__username"]
    readonly_fields = ["at", "actor", "action", "object_type", "object_id", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["key", "description", "subject", "updated_at"]
    search_fields = ["key", "subject"]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "template_key"]
    search_fields = ["subject", "dedupe_key"]
    readonly_fields = ["created_at", "sent_at", "attempts", "last_error"]


class ReadOnlyAdminMixin:
    """For records that change only through services (versions, decisions, offers, logs): listed and readable in
    the admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
