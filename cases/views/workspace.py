"""The reviewer's workspace: records beside the determination, autosave, the pre-submit checklist, submission and
the letter preview. Every page goes through the case access rule first (404 for a case the user may not see)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from cases.consistency import Problem, consistency_problems, consistency_warnings, guideline_date
from cases.lifecycle import Status
from cases.models import Case, Determination, ItemDecision
from cases.permissions import case_view
from cases.services import determinations
from core import jsonsafe
from core.text import PrintableTextFormMixin
from guidelines.cited import sections_cited_many

# The library's endpoints (the guidelines app): the page works without them, the picker and the support panel
# simply stay empty.
GUIDELINE_SEARCH_URL = "guidelines:search"
GUIDELINE_QUANTITY_URL = "guidelines:quantity_check"
# The precedent library's similar decisions (the precedents app, templates/cases/workspace/_precedents.html).
PRECEDENTS_SIMILAR_URL = "precedents:similar"
# All of the above for every item of the case in one request (precedents/support.py): what the workspace asks first.
DECISION_SUPPORT_URL = "precedents:decision_support"


def optional_url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


# -- forms -------------------------------------------------------------------------------------------------------


class SummaryForm(PrintableTextFormMixin, forms.Form):
    summary = forms.CharField(
        label="Clinical case summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "data-field": "summary"}),
        help_text="Based on a review of the case file, including all medical records.",
    )


class ItemDecisionForm(PrintableTextFormMixin, forms.Form):
    """One disputed item's decision. The MTUS basis travels as JSON in a hidden field, filled by the picker."""

    decision = forms.ChoiceField(
        label="Decision",
        required=False,
        choices=ItemDecision.Decision.choices,
        widget=forms.RadioSelect(attrs={"data-field": "decision"}),
    )
    mtus = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-field": "mtus"}))
    refs = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-field": "refs"}))
    non_mtus = forms.CharField(
        label="Citations outside the MTUS (one per line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "data-field": "non_mtus"}),
        help_text='e.g. "Official Disability Guidelines (ODG), Low Back, MRIs"',
    )
    basis_none = forms.BooleanField(
        label="No medical evidence cited",
        required=False,
        widget=forms.CheckboxInput(attrs={"data-field": "basis_none"}),
    )
    rationale = forms.CharField(
        label="Decision rationale",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "data-field": "rationale"}),
        help_text='End with the conclusion: "... the request for ... is (not) medically necessary."',
    )

    def clean_mtus(self) -> list:
        return _json_list(self.cleaned_data["mtus"], "MTUS citations")

    def clean_refs(self) -> list:
        return _json_list(self.cleaned_data["refs"], "library sections")

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "decision": data["decision"],
            "basis": {"mtus": data["mtus"], "non_mtus": data["non_mtus"].splitlines()},
            "basis_none": data["basis_none"],
            "rationale": data["rationale"],
            "guideline_refs": data["refs"],
        }


def _json_list(text: str, what: str) -> list:
    if not text:
        return []
    try:
        value = jsonsafe.loads(text, max_depth=8)
    except jsonsafe.JSONProblem:
        raise ValidationError(f"The {what} could not be read; reload the page.") from None
    if not isinstance(value, list):
        raise ValidationError(f"The {what} could not be read; reload the page.")
    return value


def item_form(row: ItemDecision, data=None) -> ItemDecisionForm:
    basis = row.basis or {}
    return ItemDecisionForm(
        data,
        prefix=f"item-{row.item_id}",
        initial={
            "decision": row.decision,
            "mtus": json.dumps(basis.get("mtus", [])),
            "refs": json.dumps(row.guideline_refs or []),
            "non_mtus": "\n".join(basis.get("non_mtus", [])),
            "basis_none": row.basis_none,
            "rationale": row.rationale,
        },
    )


# -- helpers -----------------------------------------------------------------------------------------------------


def _workspace_queryset():
    return Case.objects.select_related(
        "employer", "claims_administrator", "requesting_provider", "employee_attorney"
    ).prefetch_related("items", "documents")


# The case, if the user may see it (404 otherwise) and is its reviewer (403 otherwise).
workspace_case = case_view("cases.write_determination", queryset=_workspace_queryset)


def _with_rows(determination: Determination, case: Case) -> Determination:
    """Load the determination's decisions once, with their items, and share the case already loaded."""
    determination = (
        Determination.objects.select_related("saved_by", "author", "based_on__qa_by")
        .prefetch_related(Prefetch("decisions", ItemDecision.objects.select_related("item")))
        .get(pk=determination.pk)
    )
    determination.case = case
    return determination


def problem_dicts(problems: list[Problem], *, warning: bool = False) -> list[dict]:
    """The checklist's lines; ``warning``: lines that do not stop the submission (see ``consistency_warnings``)."""
    return [
        {
            "item_id": problem.item_id,
            "field": problem.field,
            "message": problem.message,
            "anchor": f"div_id_item-{problem.item_id}-{problem.field}" if problem.item_id else "div_id_summary",
            "warning": warning,
            "chapter": problem.chapter,
        }
        for problem in problems
    ]


def checklist(determination: Determination) -> list[dict]:
    """What stops the submission, then what the reviewer should look at but may keep."""
    return problem_dicts(consistency_problems(determination)) + problem_dicts(
        consistency_warnings(determination), warning=True
    )


def _library_url(name: str, case: Case) -> str:
    """A library endpoint asked for the editions in force on the case's UR decision date."""
    url = optional_url(name)
    return f"{url}?on={guideline_date(case)[0].isoformat()}" if url else ""


def _panels(determination: Determination, case: Case, post=None) -> list[dict]:
    """One panel per disputed item, in the case's order, with the QA comments of the version it was copied from."""
    rows = {row.item_id: row for row in determination.decisions.all()}
    previous = {}
    if determination.based_on_id and determination.origin == Determination.Origin.REVISION:
        previous = {row.item_id: row.qa_comment for row in determination.based_on.decisions.all()}
    panels = []
    claims_administrator_sections = sections_cited_many([item.claims_administrator_basis for item in case.items.all()])
    for number, item in enumerate(case.items.all(), start=1):
        row = rows.get(item.pk) or ItemDecision(determination=determination, item=item)
        panels.append(
            {
                "number": number,
                "item": item,
                "row": row,
                "form": item_form(row, post),
                "qa_comment": previous.get(item.pk, ""),
                "basis": row.basis or {},
                # Offered first in the basis picker and the matching sections, one click from the basis.
                "ur_sections": ",".join(map(str, claims_administrator_sections[number - 1])),
            }
        )
    return panels


# -- pages -------------------------------------------------------------------------------------------------------


@require_GET
@workspace_case
def workspace(request: HttpRequest, case: Case) -> HttpResponse:
    """One screen: the clock and the facts on top, the records on one side, the determination on the other."""
    if case.status == Status.IN_REVIEW:
        try:
            determination = determinations.start_or_get_draft(case, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(case)
    else:
        determination = case.determinations.order_by("-version").first()
        if determination is None:
            messages.info(request, "Accept the case first: the workspace opens once the case is in review.")
            return redirect(case)
    determination = _with_rows(determination, case)
    editable = not determination.is_locked
    return render(
        request,
        "cases/workspace.html",
        {
            "case": case,
            "determination": determination,
            "editable": editable,
            "summary_form": SummaryForm(initial={"summary": determination.clinical_case_summary}),
            "panels": _panels(determination, case),
            "documents": case.documents.all(),
            "problems": checklist(determination) if editable else [],
            "returned": determination.based_on if determination.origin == Determination.Origin.REVISION else None,
            "search_url": _library_url(GUIDELINE_SEARCH_URL, case),
            "quantity_url": _library_url(GUIDELINE_QUANTITY_URL, case),
            "precedents_url": optional_url(PRECEDENTS_SIMILAR_URL),
            "support_url": optional_url(DECISION_SUPPORT_URL, case_number=case.case_number),
        },
    )


def _read_payload(request: HttpRequest) -> dict:
    """The autosave body: JSON, or a form field ``payload`` holding JSON (sendBeacon when a tab closes)."""
    raw = request.body if request.content_type == "application/json" else request.POST.get("payload", "")
    try:
        payload = jsonsafe.loads(raw or b"{}", max_depth=8)
    except jsonsafe.JSONProblem as problem:
        raise ValidationError(f"The draft could not be read: it {problem}.") from None
    if not isinstance(payload, dict):
        raise ValidationError("The draft could not be read (expected an object).")
    return payload


@require_POST
@workspace_case
def autosave(request: HttpRequest, case: Case) -> JsonResponse:
    """Save the draft: 200 with the new revision, 409 when another tab saved first or the version is locked."""
    determination = case.determinations.filter(state=Determination.State.DRAFT).first()
    try:
        payload = _read_payload(request)
        revision = payload.get("revision")
        if not isinstance(revision, int):
            raise ValidationError("revision: expected the revision number the draft was loaded with.")
        if determination is None:
            raise determinations.DeterminationLocked(
                "This determination was already submitted: it can no longer be changed.",
                code="locked",
            )
        determination.case = case
        saved = determinations.save_draft(
            determination,
            by=request.user,
            revision=revision,
            summary=payload.get("summary"),
            decisions=payload.get("decisions") or {},
        )
    except determinations.DraftConflict as conflict:
        return JsonResponse(
            {
                "status": "conflict",
                "error": conflict.messages[0],
                "revision": conflict.revision,
                "saved_at": conflict.saved_at.isoformat(),
                "saved_by": conflict.saved_by,
            },
            status=409,
        )
    except determinations.DeterminationLocked as locked:
        return JsonResponse({"status": "locked", "error": locked.messages[0]}, status=409)
    except ValidationError as error:
        return JsonResponse({"status": "invalid", "error": " ".join(error.messages)}, status=400)
    saved.case = case
    return JsonResponse(
        {
            "status": "saved",
            "revision": saved.revision,
            "saved_at": saved.updated_at.isoformat(),
            "problems": checklist(saved),
        }
    )


@require_POST
@workspace_case
def submit(request: HttpRequest, case: Case) -> HttpResponse:
    """Save what the form holds (same revision rule as autosave), then submit to QA if nothing is missing."""
    determination = case.determinations.filter(state=Determination.State.DRAFT).first()
    if determination is None:
        messages.error(request, "There is no draft to submit: the determination was submitted already.")
        return redirect("cases:workspace", case.case_number)
    determination = _with_rows(determination, case)
    summary_form = SummaryForm(request.POST)
    forms_by_item = {row.item_id: item_form(row, request.POST) for row in determination.decisions.all()}
    invalid = [form for form in (summary_form, *forms_by_item.values()) if not form.is_valid()]
    if invalid:
        messages.error(request, "The determination was not submitted: the form could not be read; reload the page.")
        return redirect("cases:workspace", case.case_number)
    try:
        revision = int(request.POST.get("revision", ""))
        determination = determinations.save_draft(
            determination,
            by=request.user,
            revision=revision,
            summary=summary_form.cleaned_data["summary"],
            decisions={item_id: form.values() for item_id, form in forms_by_item.items()},
        )
        determination.case = case
        determinations.submit_determination(determination, by=request.user)
    except ValueError:
        messages.error(request, "The determination was not submitted: reload the page and try again.")
    except determinations.IncompleteDetermination as incomplete:
        messages.error(
            request,
            f"Not submitted yet: {len(incomplete.problems)} thing{pluralize(len(incomplete.problems))} to fix, "
            "listed below.",
        )
    except ValidationError as error:
        messages.error(request, "Not submitted: " + " ".join(error.messages))
    else:
        messages.success(
            request, f"Determination version {determination.version} of {case.case_number} submitted to clinical QA."
        )
        return redirect(case)
    return redirect("cases:workspace", case.case_number)
