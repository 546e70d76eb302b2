"""The mailroom's pages: scanned batches and their progress, the exceptions queue, and the records cover sheets
(printed by an administrator from the case page, or fetched by a party through the link in the notice)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from audit import log
from cases.models import Case
from cases.permissions import case_view, visible_cases
from core.permissions import permission_required
from mailroom import services, sheets
from mailroom.forms import BatchForm, DiscardForm, FileExceptionForm
from mailroom.models import ScanBatch, ScanException


def _problems(form) -> str:
    return " ".join(
        " ".join(errors) if name == "__all__" else f"{form.fields[name].label}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    )


def _pdf(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required("mailroom.process_scans")
def batches(request: HttpRequest) -> HttpResponse:
    """The batches, newest first, and the upload of a new one."""
    form = BatchForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                with transaction.atomic():
                    batch = services.store_batch(
                        data=upload.read(),
                        name=upload.name,
                        received_on=form.cleaned_data["received_on"],
                        by=request.user,
                    )
            except ValidationError as error:
                messages.error(request, f"Batch not stored: {' '.join(error.messages)}")
            else:
                log.record(request, object_type="scan_batch", object_id=batch.pk, pages=batch.page_count)
                messages.success(request, f"{upload.name} stored ({batch.page_count} pages): reading it now.")
                return redirect("mailroom:batch", batch_id=batch.pk)
        else:
            messages.error(request, f"Batch not stored. {_problems(form)}")
    rows = ScanBatch.objects.select_related("uploaded_by")[:50]
    open_exceptions = ScanException.objects.filter(state=ScanException.State.OPEN).count()
    return render(request, "mailroom/batches.html", {"form": form, "batches": rows, "open_exceptions": open_exceptions})


@permission_required("mailroom.process_scans")
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    """One batch: its progress while it is read, then what was filed where and what went to the exceptions queue."""
    scan = get_object_or_404(ScanBatch, pk=batch_id)
    filed = list(scan.filed.select_related("document__case"))
    log.record_many(
        request,
        [("document", row.document_id, row.document.case.case_number) for row in filed]
        or [("scan_batch", scan.pk, "")],
    )
    return render(
        request,
        "mailroom/batch.html",
        {
            "batch": scan,
            "filed": filed,
            "exceptions": scan.exceptions.all(),
            "working": scan.status in (ScanBatch.Status.QUEUED, ScanBatch.Status.READING),
        },
    )


@permission_required("mailroom.process_scans")
def exceptions(request: HttpRequest) -> HttpResponse:
    rows = ScanException.objects.filter(state=ScanException.State.OPEN).select_related("batch")
    return render(request, "mailroom/exceptions.html", {"exceptions": rows})


@permission_required("mailroom.process_scans")
def exception(request: HttpRequest, exception_id: int) -> HttpResponse:
    """One exception: its pages (shown beside), filed to a case by hand or discarded."""
    item = get_object_or_404(ScanException.objects.select_related("batch"), pk=exception_id)
    first = item.first_page + (1 if item.barcode and item.last_page > item.first_page else 0)
    file_form = FileExceptionForm(
        request.POST if request.POST.get("action") == "file" else None,
        initial={"case_number": item.case_number, "first_page": first, "last_page": item.last_page},
    )
    discard_form = DiscardForm(request.POST if request.POST.get("action") == "discard" else None)
    if request.method == "POST":
        done = _settle_exception(request, item, file_form, discard_form)
        if done:
            return redirect("mailroom:exceptions")
    return render(
        request,
        "mailroom/exception.html",
        {
            "item": item,
            "file_form": file_form,
            "discard_form": discard_form,
            "can_settle": item.state == ScanException.State.OPEN,
        },
    )


def _settle_exception(request: HttpRequest, item: ScanException, file_form, discard_form) -> bool:
    if request.POST.get("action") == "discard":
        if not discard_form.is_valid():
            messages.error(request, f"Pages not discarded. {_problems(discard_form)}")
            return False
        try:
            services.discard_exception(item, reason=discard_form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return False
        log.record(request, object_type="scan_exception", object_id=item.pk, outcome=log.Outcome.ALLOWED)
        messages.success(request, f"Pages {item.first_page}-{item.last_page} of batch {item.batch_id} discarded.")
        return True
    if not file_form.is_valid():
        messages.error(request, f"Pages not filed. {_problems(file_form)}")
        return False
    data = file_form.cleaned_data
    case = visible_cases(request.user).filter(case_number=data["case_number"]).first()
    if case is None:
        messages.error(request, f"Pages not filed: there is no case {data['case_number']}.")
        return False
    try:
        filed = services.file_exception(
            item, case, code=data["kind"], first=data["first_page"], last=data["last_page"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, f"Pages not filed: {' '.join(error.messages)}")
        return False
    log.record(request, object_type="document", object_id=filed.document_id, case_number=case.case_number)
    messages.success(request, f"Pages {filed.first_page}-{filed.last_page} filed to {case.case_number}.")
    return True


@xframe_options_sameorigin
@permission_required("mailroom.process_scans")
def exception_pages(request: HttpRequest, exception_id: int) -> HttpResponse:
    """The exception's pages as a PDF (shown beside the form): scanned records, so the read is logged."""
    item = get_object_or_404(ScanException.objects.select_related("batch"), pk=exception_id)
    log.record(request, object_type="scan_pages", object_id=item.pk, pages=f"{item.first_page}-{item.last_page}")
    data = services.page_range_pdf(item.batch, item.first_page, item.last_page)
    return _pdf(data, f"batch-{item.batch_id}-pages-{item.first_page}-{item.last_page}.pdf")


@case_view("mailroom.print_cover_sheets")
def case_cover_sheets(request: HttpRequest, case: Case) -> HttpResponse:
    """The case's records cover sheets, one page per kind, for an administrator to print or send."""
    return _pdf(sheets.render_cover_sheets(case), f"cover-sheets-{case.case_number}.pdf")


@login_not_required
def public_cover_sheets(request: HttpRequest, case_number: str, token: str) -> HttpResponse:
    """The sheets through the link in the notice of assignment: the link's token is the capability (no account, as
    the parties the notice goes to may have none). The sheets name the case and where to send records, nothing
    medical; any other token, or a case that is gone, answers 404."""
    case = Case.objects.filter(case_number=case_number).first()
    if case is None or not sheets.link_token_is_valid(case_number, token):
        raise Http404
    log.record(request, object_type="cover_sheets", object_id=case.pk, case_number=case.case_number)
    return _pdf(sheets.render_cover_sheets(case), f"cover-sheets-{case.case_number}.pdf")
