from django.contrib import admin

from core.events import after_commit
from core.models import AuditEvent, EmailTemplate, OutboxEmail, Party
from core.services import record_event
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
    """The outbox, read-only: what was sent, what waits for another attempt, and what the mail server refused for good
    (filter "Failed (not retried)"). A notice is never edited here (its body names the worker, the claim and the
    treatments, and it went out as written): a failed one may be sent again unchanged, which is recorded; a wrong
    address is corrected where it comes from (the user or the party), and the next notice uses it. Every page of it
    is in the access log (``audit.admin_site``)."""

    list_display = ["created_at", "subject", "recipients", "status", "attempts", "smtp_code", "next_attempt_at"]
    list_filter = ["status", "smtp_code", "template_key"]
    search_fields = ["subject", "dedupe_key", "last_error"]
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="To")
    def recipients(self, email: OutboxEmail) -> str:
        return ", ".join(email.to)

    @admin.action(description="Send again, unchanged (failed e-mails)")
    def send_again(self, request, queryset):
        failed = list(queryset.filter(status=OutboxEmail.Status.FAILED).exclude(to=[]).order_by("pk"))
        OutboxEmail.objects.filter(pk__in=[email.pk for email in failed]).update(
            status=OutboxEmail.Status.QUEUED, attempts=0, next_attempt_at=None
        )
        for email in failed:
            record_event(request.user, "outbox.sent_again", email, to=email.to, subject=email.subject)
            after_commit(send_outbox_email.delay, email.pk)
        self.message_user(request, f"{len(failed)} e-mail(s) queued again. They are sent as they were written.")


class ReadOnlyAdminMixin:
    """For records that change only through services (versions, decisions, offers, logs): listed and readable in
    the admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
