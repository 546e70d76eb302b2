"""The synonym table's page: everyone who reads the library sees it; administrators add, change and remove terms
(each change audited through ``guidelines.synonyms``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.permissions import allowed, permission_required
from core.text import PrintableTextFormMixin
from guidelines import synonyms
from guidelines.models import Synonym

PAGE_SIZE = 50


class SynonymForm(PrintableTextFormMixin, forms.Form):
    term = forms.CharField(label="Term reviewers type", max_length=120, help_text="e.g. naproxen, tens unit, esi")
    expansions = forms.CharField(
        label="What the guidelines call it (one per line)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. NSAIDs. An expansion that is itself a term is expanded in turn.",
    )
    note = forms.CharField(label="Note", max_length=200, required=False)


def _save(request: HttpRequest, synonym: Synonym, form: SynonymForm) -> bool:
    if not form.is_valid():
        return False
    try:
        synonyms.save_synonym(synonym, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


def _list_page(request: HttpRequest, form: SynonymForm | None) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    rows = Synonym.objects.all()
    if query:
        rows = rows.filter(Q(term__icontains=query) | Q(expansions__icontains=query))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "guidelines/synonyms.html",
        {"page": page, "query": query, "form": form, "total": Synonym.objects.count()},
        status=400 if form is not None and form.errors else 200,
    )


@require_GET
@permission_required("guidelines.browse_library")
def synonym_list(request: HttpRequest) -> HttpResponse:
    """The table, filtered by ``?q=`` (a term or an expansion), and, for administrators, the form to add a term."""
    return _list_page(request, SynonymForm() if allowed(request.user, "guidelines.edit_library") else None)


@require_POST
@permission_required("guidelines.edit_library")
def synonym_create(request: HttpRequest) -> HttpResponse:
    form = SynonymForm(request.POST)
    if _save(request, Synonym(), form):
        messages.success(request, f"“{form.cleaned_data['term']}” added to the synonym table.")
        return redirect("guidelines:synonyms")
    return _list_page(request, form)


@permission_required("guidelines.edit_library")
def synonym_edit(request: HttpRequest, pk: int) -> HttpResponse:
    synonym = get_object_or_404(Synonym, pk=pk)
    initial = {"term": synonym.term, "expansions": synonym.expansions, "note": synonym.note}
    form = SynonymForm(request.POST or None, initial=initial)
    if request.method == "POST" and _save(request, synonym, form):
        messages.success(request, f"“{synonym.term}” saved.")
        return redirect("guidelines:synonyms")
    return render(
        request,
        "guidelines/synonym_form.html",
        {"synonym": synonym, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required("guidelines.edit_library")
def synonym_delete(request: HttpRequest, pk: int) -> HttpResponse:
    synonym = get_object_or_404(Synonym, pk=pk)
    synonyms.delete_synonym(synonym, by=request.user)
    messages.success(request, f"“{synonym.term}” removed from the synonym table.")
    return redirect("guidelines:synonyms")
