from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from audit import log
from cases import ca_basis, duplicates, eligibility, selectors
from cases.forms import CaseFilterForm, CaseForm, DocumentForm, ItemFormSet, TransitionForm
from cases.lifecycle import Status
from cases.models import Case
from cases.permissions import case_view
from cases.services import documents, intake, notices, tracks
from cases.views import clock
from core.permissions import allowed, permission_required

PAGE_SIZE = 50


def _form_problems(form) -> str:
    """A form's errors as one sentence per field, each named by the label the page shows (not the field name)."""
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(errors)
        parts.append(text if name == NON_FIELD_ERRORS or name not in form.fields else f"{form[name].label}: {text}")
    return " ".join(parts)


def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    page = selectors.CappedPaginator(selectors.case_list(request.user, params), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.with_item_counts(list(page.object_list))
    log.record_cases(request, page.object_list)  # the list shows workers' names; its search terms are in the path
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "filter_form": form,
            "page": page,
            "query": query.urlencode(),
            "state_counts": selectors.state_counts(request.user),
        },
    )


def _case_page_queryset():
    return Case.objects.select_related(
        "employer", "claims_administrator", "employee_attorney", "requesting_provider__organization"
    )


@case_view(queryset=_case_page_queryset)
def case_detail(request: HttpRequest, case: Case) -> HttpResponse:
    can_edit = allowed(request.user, "cases.edit_intake")
    joinable = duplicates.joinable(case) if can_edit else []
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "items": case.items.all(),
            "documents": case.documents.select_related("sent_by"),
            "transitions": case.transitions.select_related("by").prefetch_related("by__groups"),
            "can_edit": can_edit,
            "actions": intake.allowed_intake_actions(case, joinable=bool(joinable)) if can_edit else [],
            "transition_form": TransitionForm(),
            "checklist": eligibility.check(case) if can_edit and case.status == Status.RECEIVED else [],
            "filing_deadline": eligibility.filing_deadline(case),
            "ineligible_rules": eligibility.RULES,
            "joinable": joinable,
            "assignment_notice": notices.notice_status(case),
            "clock_panel": clock.clock_panel(case, can_edit=can_edit),
            "document_form": DocumentForm() if can_edit else None,
            "can_read_records": allowed(request.user, "cases.read_records", case),
            "access_events": (
                log.accesses_of_case(case.case_number, since=case.created_at)
                if allowed(request.user, "audit.view_access_log")
                else None
            ),
        },
    )


def _intake(request: HttpRequest, case: Case | None) -> HttpResponse:
    instance = case or Case()
    found: list[Case] = []  # likely duplicates of a new application, shown before it is saved
    if request.method == "POST":
        form = CaseForm(request.POST, instance=instance)
        formset = ItemFormSet(request.POST, instance=instance, prefix="items")
        document_form = DocumentForm(request.POST, request.FILES, prefix="doc") if request.FILES else None
        valid = form.is_valid() & formset.is_valid() & (document_form is None or document_form.is_valid())
        if valid and case is None and not request.POST.get("save_anyway"):
            found = duplicates.likely_duplicates(form.cleaned_data)
        if valid and found:
            messages.warning(request, "Not saved yet: this application may already be a case. Open it, or save anyway.")
        elif valid:
            document = None
            if document_form is not None:
                upload = document_form.cleaned_data["file"]
                document = {
                    "data": upload.read(),
                    "name": upload.name,
                    "kind": document_form.cleaned_data["kind"],
                    "title": document_form.cleaned_data["title"],
                    "author": document_form.cleaned_data["author"],
                    "document_date": document_form.cleaned_data["document_date"],
                }
            try:
                saved = intake.save_intake(form, formset, by=request.user, document=document)
                tracks.refresh_track(saved)  # the items may have changed the track (cases.clock)
            except ValidationError as error:
                document_form.add_error("file", error.messages)
            else:
                messages.success(request, f"Case {saved.case_number} saved.")
                on = form.cleaned_data.get("ur_determination_date")
                for warning in ca_basis.editions_not_in_force(formset.forms, on):
                    messages.warning(request, warning)
                return redirect(saved)
        if not found:
            messages.error(request, "The case was not saved: correct the fields marked below.")
    else:
        form = CaseForm(instance=instance)
        formset = ItemFormSet(instance=instance, prefix="items")
        document_form = None
    return render(
        request,
        "cases/case_form.html",
        {
            "case": case,
            "form": form,
            "formset": formset,
            "document_form": document_form or DocumentForm(prefix="doc", optional=True),
            "duplicates": found,
        },
    )


@permission_required("cases.edit_intake")
def case_create(request: HttpRequest) -> HttpResponse:
    return _intake(request, None)


@case_view("cases.edit_intake")
def case_edit(request: HttpRequest, case: Case) -> HttpResponse:
    return _intake(request, case)


@require_POST
@case_view("cases.edit_intake")
def case_transition(request: HttpRequest, case: Case) -> HttpResponse:
    form = TransitionForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, f"The case was not moved. {_form_problems(form)}")
        return redirect(case)
    action = intake.INTAKE_ACTIONS[form.cleaned_data["action"]]
    try:
        action.run(
            case,
            by=request.user,
            on=form.cleaned_data["on"],
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
            rule=form.cleaned_data["rule"],
            override=form.cleaned_data["override"],
            into=form.cleaned_data["into"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Case {case.case_number} is now {case.get_status_display().lower()}.")
    return redirect(case)


@require_POST
@case_view("cases.edit_intake")
def document_upload(request: HttpRequest, case: Case) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with transaction.atomic():
                documents.add_document(
                    case,
                    data=upload.read(),
                    name=upload.name,
                    kind=form.cleaned_data["kind"],
                    by=request.user,
                    title=form.cleaned_data["title"],
                    author=form.cleaned_data["author"],
                    document_date=form.cleaned_data["document_date"],
                )
        except ValidationError as error:
            messages.error(request, f"Document not added: {' '.join(error.messages)}")
        else:
            messages.success(request, f"{upload.name} added to {case.case_number}.")
    else:
        messages.error(request, f"Document not added. {_form_problems(form)}")
    return redirect(case)


@xframe_options_sameorigin
@case_view("cases.read_records", records_only=True)
def document_file(request: HttpRequest, case: Case, document_id: int) -> FileResponse:
    """A case document, only through the case access rule. Shown inline (the PDF viewer) or downloaded."""
    document = get_object_or_404(case.documents, pk=document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=request.GET.get("download") == "1",
        filename=document.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@case_view("cases.read_records", records_only=True)
def records_search(request: HttpRequest, case: Case) -> JsonResponse:
    """Search within the case's records: the pages holding every word, for the reviewer's viewer to jump to."""
    query = (request.GET.get("q") or "").strip()[:200]
    hits = selectors.search_records(case, query)
    return JsonResponse(
        {
            "query": query,
            "results": [
                {
                    **hit,
                    "url": reverse("cases:document", args=[case.case_number, hit["document_id"]])
                    + f"#page={hit['page']}",
                }
                for hit in hits
            ],
        }
    )
