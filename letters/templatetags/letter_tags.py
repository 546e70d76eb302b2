"""Template filters of the letters app: templates ask these instead of restating a case state."""

from django import template

from cases.models import Case
from letters.services.requests import awaits_letters as _awaits_letters

register = template.Library()


@register.filter
def awaits_letters(case: Case) -> bool:
    """``{% if case|awaits_letters %}``: the case is determined and its letters are still to be made."""
    return _awaits_letters(case)
