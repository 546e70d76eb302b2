"""Adding a term the public copy must redact (the reviewer's and QA's redaction check, ``letters.redaction``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cases.models import Case
from cases.permissions import case_view
from core.text import PrintableTextFormMixin
from letters import redaction


class RedactionTermForm(PrintableTextFormMixin, forms.Form):
    text = forms.CharField(label="Also redact", max_length=200, strip=True)

    def clean_text(self) -> str:
        text = " ".join(self.cleaned_data["text"].split())
        if len(text) < 2:
            raise forms.ValidationError("Select or type at least two characters to redact.")
        return text


@require_POST
@case_view("letters.redact")
def add_redaction_term(request: HttpRequest, case: Case) -> HttpResponse:
    """Store one more term the case's public copy never prints; back to the page the check was on."""
    form = RedactionTermForm(request.POST)
    if form.is_valid():
        text = form.cleaned_data["text"]
        if redaction.add_term(case, text, by=request.user) is None:
            messages.info(request, f"“{text}” is already redacted in the public copy.")
        else:
            messages.success(request, f"“{text}” will be redacted in the public copy.")
    else:
        messages.error(request, " ".join(str(error) for error in form.errors["text"]))
    target = request.POST.get("next", "")
    secure = request.is_secure()
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=secure):
        target = case.get_absolute_url()
    return redirect(target + "#redaction-check")
