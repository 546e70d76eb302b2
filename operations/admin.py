"""The aggregates, readable in the admin and never edited there: the triggers keep them (``operations/sql.py``)."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from operations.models import DailyAge, DailyFigure, DailyOutcome, QueueCount, RecordsAwaited, ReviewerLoad


@admin.register(QueueCount)
class QueueCountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["status", "track", "due_date", "count"]
    list_filter = ["status", "track"]


@admin.register(ReviewerLoad)
class ReviewerLoadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["reviewer_id", "status", "count"]


@admin.register(RecordsAwaited)
class RecordsAwaitedAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["claims_administrator_id", "track", "records_requested", "records_request_method", "count"]


@admin.register(DailyFigure)
class DailyFigureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "figure", "key", "historical", "count"]
    list_filter = ["figure", "historical"]
    date_hierarchy = "day"


@admin.register(DailyOutcome)
class DailyOutcomeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "dimension", "key", "historical", "upheld", "overturned"]
    list_filter = ["dimension", "historical"]
    date_hierarchy = "day"


@admin.register(DailyAge)
class DailyAgeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "measure", "days", "historical", "count"]
    list_filter = ["measure", "historical"]
    date_hierarchy = "day"
