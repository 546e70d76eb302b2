"""The guideline library: browse for reviewers and QA, upkeep for administrators, and two JSON endpoints that the
reviewer's workspace calls as they type (search, quantity check). No case data passes through here."""

from __future__ import annotations

import datetime
import difflib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Value, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from core import jsonsafe
from core.models import AuditEvent
from core.permissions import allowed, check_permission, permission_required
from guidelines import library_io, quantity, selectors, services
from guidelines.forms import LibraryImportForm, QuantityLimitForm, SectionForm, SourceForm
from guidelines.models import (
    GuidelineSection,
    GuidelineSource,
    QuantityLimit,
)
from guidelines.regions import keep_named_regions, regions_named
from guidelines.search import MAX_LIMIT, search_sections, section_json

RECENT_CHANGES = 15


def _filter_choices() -> dict:
    sections = GuidelineSection.objects.filter(source__active=True).order_by()

    def distinct(field: str) -> list[str]:
        return list(sections.exclude(**{field: ""}).values_list(field, flat=True).distinct().order_by(field))

    return {
        "filter_sources": GuidelineSource.objects.filter(active=True),
        "regions": distinct("body_region"),
        "categories": distinct("treatment_category"),
    }


# At the same place in the order, the MTUS before any other family (8 CCR 9792.21.1): an ACOEM source given rank 1
# sorted before the MTUS by its name alone.
_MTUS_FIRST = Case(When(family=GuidelineSource.Family.MTUS, then=Value(0)), default=Value(1))


@permission_required("guidelines.browse_library")
def library(request: HttpRequest) -> HttpResponse:
    """The library's front page: search, and the sources in the strength-of-evidence order."""
    # distinct: counting over two joins would multiply each count by the other.
    sources = GuidelineSource.objects.annotate(
        section_count=Count("sections", distinct=True), limit_count=Count("quantity_limits", distinct=True)
    ).order_by("evidence_rank", _MTUS_FIRST, "family", "chapter", "-year")
    if not allowed(request.user, "guidelines.edit_library"):
        sources = sources.filter(active=True)
    can_edit = allowed(request.user, "guidelines.edit_library")
    events = AuditEvent.objects.filter(action__startswith="guidelines.").select_related("actor")
    changes = [(event, services.describe_change(event)) for event in events[:RECENT_CHANGES]] if can_edit else []
    return render(
        request,
        "guidelines/library.html",
        {"sources": sources, "can_edit": can_edit, "changes": changes, **_filter_choices()},
    )


@permission_required("guidelines.browse_library")
def source_detail(request: HttpRequest, key: str) -> HttpResponse:
    source = get_object_or_404(GuidelineSource, key=key)
    if not source.active:  # a withdrawn source stays readable for the library's editors only
        check_permission(request.user, "guidelines.edit_library")
    return render(
        request,
        "guidelines/source_detail.html",
        {
            "source": source,
            "sections": source.sections.order_by("-times_cited", "name"),
            "limits": source.quantity_limits.select_related("section"),
            "can_edit": allowed(request.user, "guidelines.edit_library"),
        },
    )


@permission_required("guidelines.edit_library")
def source_edit(request: HttpRequest, key: str | None = None) -> HttpResponse:
    source = get_object_or_404(GuidelineSource, key=key) if key else None
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        if source is None:
            source = services.create_source(form.save(commit=False), by=request.user)
            messages.success(request, f"{source.label} added to the library.")
        else:
            services.update_source(
                source, by=request.user, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
            messages.success(request, f"{source.label} saved.")
        return redirect(source)
    return render(request, "guidelines/source_form.html", {"form": form, "source": source})


@permission_required("guidelines.browse_library")
def section_detail(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_or_404(GuidelineSection.objects.select_related("source"), pk=pk)
    if not section.source.active:
        check_permission(request.user, "guidelines.edit_library")
    return render(
        request,
        "guidelines/section_detail.html",
        {
            "section": section,
            "limits": section.quantity_limits.all(),
            "version_count": section.versions.count(),
            "can_edit": allowed(request.user, "guidelines.edit_library"),
        },
    )


@permission_required("guidelines.edit_library")
def section_edit(request: HttpRequest, pk: int | None = None, key: str | None = None) -> HttpResponse:
    """Add a section to a source, or change one: either way a new version is made and the old ones stay."""
    section = get_object_or_404(GuidelineSection.objects.select_related("source"), pk=pk) if pk else None
    source = section.source if section else get_object_or_404(GuidelineSource, key=key)
    form = SectionForm(request.POST or None, instance=section, source=source)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if section is None:
                section = services.create_section(
                    source, by=request.user, note=note or "Created", **form.section_fields()
                )
                messages.success(request, f"Section {section.name} added (version 1).")
            else:
                section = services.update_section(section, by=request.user, note=note, **form.section_fields())
                messages.success(request, f"Section {section.name} saved (version {section.version}).")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(section)
    return render(request, "guidelines/section_form.html", {"form": form, "section": section, "source": source})


def _diff(before: str, after: str) -> str:
    """Word-level difference, as HTML with <del> and <ins>."""
    if not before or not after:
        return mark_safe(f"<del>{escape(before)}</del>" if before else f"<ins>{escape(after)}</ins>")  # noqa: S308
    old, new = before.split(" "), after.split(" ")
    parts = []
    for operation, old_start, old_end, new_start, new_end in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if operation == "equal":
            parts.append(escape(" ".join(old[old_start:old_end])))
            continue
        if old_end > old_start:
            parts.append(f"<del>{escape(' '.join(old[old_start:old_end]))}</del>")
        if new_end > new_start:
            parts.append(f"<ins>{escape(' '.join(new[new_start:new_end]))}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 - every piece of text is escaped above


@permission_required("guidelines.browse_library")
def section_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of a section, newest first: who changed it, when, why, and what changed from the version before."""
    section = get_object_or_404(GuidelineSection.objects.select_related("source"), pk=pk)
    versions = list(
        section.versions.select_related("changed_by").annotate(citation_count=Count("citations")).order_by("number")
    )
    entries = []
    previous = None
    for version in versions:
        changes = []
        for field in GuidelineSection.VERSIONED_FIELDS:
            after = getattr(version, field)
            before = getattr(previous, field) if previous else ""
            if (previous is None and after) or (previous is not None and before != after):
                changes.append(
                    {
                        "label": GuidelineSection._meta.get_field(field).verbose_name.capitalize(),
                        "diff": _diff(before, after) if previous else escape(after),
                    }
                )
        entries.append({"version": version, "changes": changes})
        previous = version
    entries.reverse()
    return render(
        request,
        "guidelines/section_history.html",
        {"section": section, "entries": entries, "can_edit": allowed(request.user, "guidelines.edit_library")},
    )


@permission_required("guidelines.browse_library")
def limit_list(request: HttpRequest) -> HttpResponse:
    limits = QuantityLimit.objects.select_related("source", "section").order_by("treatment", "source", "condition")
    return render(
        request,
        "guidelines/limit_list.html",
        {"limits": limits, "can_edit": allowed(request.user, "guidelines.edit_library")},
    )


@permission_required("guidelines.edit_library")
def limit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    limit = get_object_or_404(QuantityLimit, pk=pk) if pk else None
    form = QuantityLimitForm(request.POST or None, instance=limit)
    if request.method == "POST" and form.is_valid():
        try:
            limit = services.save_quantity_limit(form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Quantity limit {limit} saved.")
            return redirect("guidelines:limits")
    return render(request, "guidelines/limit_form.html", {"form": form, "limit": limit})


@permission_required("guidelines.edit_library")
def library_import(request: HttpRequest) -> HttpResponse:
    """Load a library file (e.g. the organization's licensed ODG content). All or nothing; errors name their place."""
    form = LibraryImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            data = jsonsafe.loads(form.cleaned_data["file"].read())
        except jsonsafe.JSONProblem as problem:
            errors = [f"The file {problem}."]
        else:
            try:
                report = library_io.load_library(data, by=request.user)
            except library_io.LibraryError as error:
                errors = error.errors
            else:
                messages.success(request, f"Library imported: {report.summary()}.")
                return redirect("guidelines:library")
    return render(request, "guidelines/library_import.html", {"form": form, "errors": errors})


@permission_required("guidelines.edit_library")
def library_export(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(library_io.export_library(), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="guideline-library-{datetime.date.today():%Y-%m-%d}.json"'
    return response


# -- JSON endpoints for the reviewer's workspace -------------------------------------------------------------------


def _on_date(request: HttpRequest) -> datetime.date:
    """``on``: the date whose guideline editions are preferred (the case's UR decision), YYYY-MM-DD; today when not
    given. ValueError with the message to show when it is no such date."""
    text = request.GET.get("on", "").strip()[:40]
    if not text:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"on must be a date written YYYY-MM-DD (the UR decision date), not “{text}”.") from None


@require_GET
@permission_required("guidelines.browse_library")
def search(request: HttpRequest) -> JsonResponse:
    """``?q=&chapter=&region=&category=&limit=&first=&on=&editions=`` → ranked sections of the library; ``first``
    (section ids, comma-separated: the sections the claims administrator cited) come first, flagged
    ``offered_first``. ``on`` (YYYY-MM-DD, the UR decision date; today when not given): the editions in force then
    rank first, each result says whether its edition was (``in_force``, ``in_force_note``); ``editions=in_force``
    leaves the others out."""
    try:
        limit = int(request.GET.get("limit", 20))
    except ValueError:
        return JsonResponse({"error": "limit must be a whole number."}, status=400)
    try:
        on = _on_date(request)
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    editions = request.GET.get("editions", "prefer")
    if editions not in ("prefer", "in_force"):
        return JsonResponse({"error": "editions must be prefer or in_force."}, status=400)
    if not 1 <= limit <= MAX_LIMIT:
        return JsonResponse({"error": f"limit must be between 1 and {MAX_LIMIT}."}, status=400)
    query = request.GET.get("q", "")[:200]
    first = [int(pk) for pk in request.GET.get("first", "").split(",") if pk.strip().isdigit() and len(pk) < 19]
    first = first[:MAX_LIMIT]  # section ids: whole numbers that fit a database integer
    results = search_sections(
        query,
        chapter=request.GET.get("chapter", "")[:200] or None,
        body_region=request.GET.get("region", "")[:200] or None,
        category=request.GET.get("category", "")[:200] or None,
        limit=MAX_LIMIT if regions_named(query) else limit,  # room for what the body-part filter leaves out
        first=first,
        on=on,
        in_force_only=editions == "in_force",
    )
    results = keep_named_regions(results, query)[:limit]
    return JsonResponse(
        {
            "query": query,
            "on": on.isoformat(),
            "results": [section_json(section, on) for section in results],
        }
    )


@require_GET
@permission_required("guidelines.browse_library")
def quantity_check_view(request: HttpRequest) -> JsonResponse:
    """``?text=<disputed item as requested>[&diagnosis=][&on=YYYY-MM-DD]`` → what was requested and how it compares
    with the limits of the editions in force on ``on`` (the UR decision date; today when not given): {"request": {...},
    "findings": [{"message", "exceeds", "edition", ...}], "exceeds": bool, "on": "YYYY-MM-DD"}."""
    text = request.GET.get("text", "").strip()[:1000]
    if not text:
        return JsonResponse({"error": "text is required: the disputed item as requested."}, status=400)
    try:
        on = _on_date(request)
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    diagnosis = request.GET.get("diagnosis", "").strip()[:500] or None
    result = quantity.check_request_text(text, selectors.library_limits(on), diagnosis=diagnosis)
    return JsonResponse({**result, "on": on.isoformat()})
