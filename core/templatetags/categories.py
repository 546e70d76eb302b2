"""Labels for the category and region codes kept on items and guideline sections (``core.categories``)."""

from django import template

from core import categories

register = template.Library()


@register.filter
def category_label(value: str) -> str:
    """A disputed item's category as words ("No treatment category" when none is set)."""
    return categories.category_label(value)


@register.filter
def topic_label(code: str) -> str:
    """A guideline section's treatment category code as words ("physical_modality" → "Physical modalities")."""
    return categories.guideline_topic_label(code) if code else ""


@register.filter
def region_label(code: str) -> str:
    """A guideline section's body region code as words ("wrist_hand" → "Wrist and hand")."""
    return categories.body_region_label(code) if code else ""


@register.filter
def filled_columns(rows, fields: str) -> set[str]:
    """Which of the comma-separated ``fields`` have a value in at least one row: a table shows only those columns
    (a column empty on every row says nothing)."""
    names = [name.strip() for name in fields.split(",")]
    return {name for name in names if any(getattr(row, name, "") for row in rows)}
