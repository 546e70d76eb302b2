from django.core.exceptions import ValidationError


class LetterError(ValidationError):
    """A letter action refused; the message says why (a dict of messages names the form field it belongs to)."""
