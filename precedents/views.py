"""The precedent library's pages: search with statistics, a decision to read, the workspace's similar decisions
(JSON), and the upload of published decisions. Every view is decorated with its rule (``precedents/rules.py``); only
precedents are shown (closed, redacted published decisions), never another case of the portal."""

from __future__ import annotations

from django import forms
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.lifecycle import Status
from core.permissions import allowed, permission_required
from guidelines.quantity import treatment_kind
from precedents import importer, search
from precedents.models import Precedent, PrecedentItem

MAX_SIMILAR = 10
MAX_UPLOAD_FILES = 50


@require_GET
@permission_required("precedents.read")
def detail(request: HttpRequest, case_number: str) -> HttpResponse:
    """One published decision as the library holds it: credentials, summary, every item with its rationale."""
    precedent = (
        Precedent.objects.filter(case_number=case_number, case__status=Status.CLOSED)
        .prefetch_related("items__citations")
        .first()
    )
    if precedent is None:
        raise Http404("No such precedent.")
    return render(request, "precedents/detail.html", {"precedent": precedent, "items": precedent.items.all()})


@require_GET
@permission_required("precedents.read")
def similar(request: HttpRequest) -> JsonResponse:
    """``?q=<the item's description>&guideline=<chapter>|<section>…&limit=`` → the most similar precedents."""
    try:
        limit = int(request.GET.get("limit", 5))
    except ValueError:
        return JsonResponse({"error": "limit must be a whole number."}, status=400)
    if not 1 <= limit <= MAX_SIMILAR:
        return JsonResponse({"error": f"limit must be between 1 and {MAX_SIMILAR}."}, status=400)
    description = request.GET.get("q", "")[:500]
    guidelines = []
    for value in request.GET.getlist("guideline")[:20]:
        chapter, _, section = value.partition("|")
        if chapter.strip():
            guidelines.append((chapter.strip()[:300], section.strip()[:300]))
    found = search.similar(description, guidelines=guidelines, category=treatment_kind(description) or "", limit=limit)
    return JsonResponse({"query": description, "results": [search.as_json(item) for item in found]})


CHOICES_CACHE_SECONDS = 300


def _choices() -> dict[str, list[str]]:
    """The kinds of treatment and body regions the library holds (two DISTINCT scans: cached a few minutes)."""

    def distinct() -> dict[str, list[str]]:
        items = search.search_rows().order_by()
        return {
            column: list(items.exclude(**{column: ""}).values_list(column, flat=True).distinct().order_by(column))
            for column in ("category", "body_region")
        }

    return cache.get_or_set("precedents:search-choices", distinct, CHOICES_CACHE_SECONDS)


class SearchForm(forms.Form):
    q = forms.CharField(label="Treatment", required=False, max_length=200)
    category = forms.ChoiceField(label="Kind of treatment", required=False)
    guideline = forms.CharField(label="Guideline cited", required=False, max_length=200)
    region = forms.ChoiceField(label="Body region", required=False)
    outcome = forms.ChoiceField(label="Outcome", required=False, choices=[("", "Any"), *PrecedentItem.Decision.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _choices()
        for name, column in (("category", "category"), ("region", "body_region")):
            self.fields[name].choices = [("", "Any"), *((value, value.replace("_", " ")) for value in choices[column])]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"

    def filters(self) -> search.Filters:
        data = self.cleaned_data
        return search.Filters(
            text=data["q"],
            category=data["category"],
            guideline=data["guideline"],
            body_region=data["region"],
            outcome=data["outcome"],
        )


@require_GET
@permission_required("precedents.read")
def search_page(request: HttpRequest) -> HttpResponse:
    """Search by treatment text, kind, guideline cited, body region and outcome; the matching passages of each
    rationale marked; for the whole result set, how often upheld or overturned, and on which guideline."""
    form = SearchForm(request.GET or None)
    context = {"form": form, "searched": False, "can_import": allowed(request.user, "precedents.import")}
    if form.is_bound and form.is_valid() and not form.filters().empty:
        results, counted, concepts = search.filtered(form.filters())
        statistics = search.statistics(counted)
        results.first_count = statistics.total  # the first tier is what the statistics counted
        page = Paginator(results, search.PAGE_SIZE).get_page(request.GET.get("page"))
        search.with_passages(list(page.object_list), concepts)
        context.update(
            searched=True,
            page=page,
            statistics=statistics,
            expanded=[concept for concept in concepts if len(concept.alternatives) > 1],
            every_concept=len(concepts) > 1,
        )
    context["library_size"] = search.search_rows().count() if not context["searched"] else None
    return render(request, "precedents/search.html", context, status=400 if form.errors else 200)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern): each is checked as a FileField checks one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.txt,application/pdf,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files if item] or [
            super().clean(None, initial)
        ]
        if len(cleaned) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(f"At most {MAX_UPLOAD_FILES} files at a time.")
        return cleaned


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Published decisions (PDF as the DWC publishes them, or their pdftotext -layout text)"
    )


@permission_required("precedents.import")
def upload(request: HttpRequest) -> HttpResponse:
    """Administrators upload published decisions: each file goes through the importer on its own (all of it or
    nothing), with its report: what was read, what could not be, or why it was refused; the same decision twice says
    so and changes nothing."""
    if request.method != "POST":
        return render(request, "precedents/upload.html", {"form": UploadForm()})
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "precedents/upload.html", {"form": form}, status=400)
    reports = []
    for upload_file in form.cleaned_data["files"]:
        if upload_file.size > importer.MAX_FILE_BYTES:
            report = importer.FileReport(name=upload_file.name)
            report.problems.append(f"the file is larger than {importer.MAX_FILE_BYTES // (1024 * 1024)} MB")
        else:
            report = importer.import_letter(upload_file.read(), upload_file.name, by=request.user)
        reports.append(report)
    counts = {status: sum(report.status == status for report in reports) for status in importer.STATUSES}
    return render(request, "precedents/upload.html", {"form": UploadForm(), "reports": reports, "counts": counts})
