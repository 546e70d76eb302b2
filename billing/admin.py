"""The fee schedule and the reviewers' rates, edited by administrators here; invoices and payments are read here and
made on the billing pages (their services keep totals, statuses and the signed PDF right)."""

from django.contrib import admin

from billing.models import Fee, FeeSchedule, Invoice, InvoiceLine, Payment, ReviewerRate


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = ("effective_from", "title")
    inlines = [FeeInline]


@admin.register(ReviewerRate)
class ReviewerRateAdmin(admin.ModelAdmin):
    list_display = ("kind", "effective_from", "amount")
    list_filter = ("kind",)


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ("case", "kind", "outcome", "ended_on", "amount")
    readonly_fields = fields


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ("amount", "received_on", "method", "reference", "recorded_by", "recorded_at")
    readonly_fields = fields


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("number", "claims_administrator", "period", "status", "total", "issued_on", "due_on", "paid_on")
    list_filter = ("status", "period")
    fields = ("number", "claims_administrator", "period", "status", "total", "issued_on", "due_on", "paid_on")
    readonly_fields = fields
    inlines = [InvoiceLineInline, PaymentInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Fee)
class FeeAdmin(admin.ModelAdmin):
    list_display = ("schedule", "kind", "amount", "confirmation")
    list_filter = ("confirmation", "kind")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Made by the billing pages' services only (the invoice's total and status follow from them)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "case", "kind", "outcome", "ended_on", "amount")
    list_filter = ("kind", "outcome")
    search_fields = ("invoice__number", "case__case_number")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "amount", "received_on", "method", "reference", "recorded_by")
    list_filter = ("method",)
    search_fields = ("invoice__number", "reference")
