"""The import page and the export download of imr-case/1 documents, for administrators."""

import json

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit import log
from cases import selectors
from cases.forms import CaseFilterForm
from cases.interchange import InterchangeError, export_document, import_stream
from cases.permissions import visible_cases
from core.permissions import permission_required


class ImportForm(forms.Form):
    document = forms.FileField(
        label="imr-case/1 document (.json)",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    update = forms.BooleanField(
        required=False,
        label="Replace existing cases",
        help_text="A case whose number already exists is replaced (its facts and items) while nobody has worked on "
        "it; one with an assignment, a determination written here or a letter refuses the whole import, as does any "
        "existing case without this.",
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        limit = settings.IMR_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"{upload.name} is {upload.size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB."
            )
        return upload


@permission_required("cases.edit_intake")
def case_import(request: HttpRequest) -> HttpResponse:
    """Upload an imr-case/1 document: all of it is imported, or nothing and every error with its JSON path."""
    errors: list[str] = []
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["document"]
            try:
                result = import_stream(upload, update=form.cleaned_data["update"], by=request.user)
            except InterchangeError as error:
                errors = error.errors
            else:
                form = ImportForm()
    else:
        form = ImportForm()
    return render(
        request,
        "cases/case_import.html",
        {"form": form, "errors": errors, "result": result, "case_count": visible_cases(request.user).count()},
    )


@permission_required("cases.edit_intake")
def case_export(request: HttpRequest) -> HttpResponse:
    """Download the cases the user may see (narrowed by the case list's filters) as an imr-case/1 document."""
    filter_form = CaseFilterForm(request.GET or None)
    params = filter_form.cleaned_data if filter_form.is_valid() else {}
    queryset = selectors.filter_cases(visible_cases(request.user), params)
    document = export_document(queryset)
    exported = list(queryset.order_by("case_number").values_list("pk", "case_number"))
    log.record_many(request, (("case", pk, number) for pk, number in exported), format="imr-case/1")
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", content_type="application/json; charset=utf-8"
    )
    filename = f"imr-cases-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
