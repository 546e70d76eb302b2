from django.contrib import admin

from core.events import after_commit
from core.models import AuditEvent, EmailTemplate, OutboxEmail, Party
from core.tasks import send_outbox_email


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
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # append-only, like the access log


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["key", "description", "subject", "updated_at"]
    search_fields = ["key", "subject"]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits for another attempt, and what the mail server refused for good
    (filter "Failed (not retried)"; fix the address, then "Send again")."""

    list_display = ["created_at", "subject", "recipients", "status", "attempts", "smtp_code", "next_attempt_at"]
    list_filter = ["status", "smtp_code", "template_key"]
    search_fields = ["subject", "dedupe_key", "last_error"]
    readonly_fields = ["created_at", "sent_at", "attempts", "smtp_code", "last_error", "next_attempt_at"]
    actions = ["send_again"]

    @admin.display(description="To")
    def recipients(self, email: OutboxEmail) -> str:
        return ", ".join(email.to)

    @admin.action(description="Send again (failed or waiting e-mails)")
    def send_again(self, request, queryset):
        ids = list(
            queryset.filter(status__in=[OutboxEmail.Status.FAILED, OutboxEmail.Status.QUEUED])
            .exclude(to=[])
            .values_list("pk", flat=True)
        )
        OutboxEmail.objects.filter(pk__in=ids).update(
            status=OutboxEmail.Status.QUEUED, attempts=0, next_attempt_at=None
        )
        for email_id in ids:
            after_commit(send_outbox_email.delay, email_id)
        self.message_user(request, f"{len(ids)} e-mail(s) queued again.")


class ReadOnlyAdminMixin:
    """For records that change only through services (versions, decisions, offers, logs): listed and readable in
    the admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
