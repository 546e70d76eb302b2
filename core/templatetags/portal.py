from django import template
from django.utils.html import format_html

from core import roles
from core.permissions import allowed

register = template.Library()


@register.filter
def actor(person, viewer) -> str:
    """How a person who acted on a case is named to ``viewer``.

    Reviewers never learn other reviewers' identities (LC 139.5 confidentiality): to a reviewer, any other reviewer
    is "an expert reviewer". Administrators and QA see names.
    """
    if person is None:
        return "the system"
    name = person.get_full_name() or person.get_username()
    if viewer is not None and getattr(viewer, "pk", None) == person.pk:
        return f"{name} (you)"
    if allowed(viewer, "core.see_reviewer_names"):
        return name
    if roles.is_reviewer(person):
        return "an expert reviewer"
    return name


@register.filter
def clock_badge(clock) -> str:
    """A case's review clock as a badge, titled with its due date and both ages (``Case.clock``). A filter, not an
    included template: the case lists show one per row."""
    ages = clock.ages_text
    title = "; ".join(part for part in (f"Due {clock.due:%m/%d/%Y}" if clock.due else "", ages) if part)
    return format_html('<span class="badge {}" title="{}">{}</span>', clock.css_class, title, clock.label)
