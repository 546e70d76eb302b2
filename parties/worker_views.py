"""The injured worker's pages (``/worker/``): the way in, the case's status and dates, the documents the worker sent
and sends, and the decision letter. Public (no account: ``login_not_required``); a case opens only to the session the
worker's case number, access code and date of birth opened it for (``parties.worker_access``). English or Spanish, as
the worker chose: each view renders in that language (no locale middleware: the staff pages stay as they are).

Every attempt to open a case, every read and every document sent is in the access log (``audit.log``), with the
outcome; refused attempts all answer alike, whether the case exists or not.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.security import client_ip
from audit import log
from cases.models import Case
from cases.permissions import case_view
from cases.services.documents import add_document
from letters.models import Letter, Rendition
from letters.services.delivery import record_download
from parties import worker_access as access_rules
from parties.worker_forms import LanguageForm, SendForm, StaffAccessForm, StartForm
from parties.worker_models import WorkerAccess, WorkerDocument
from parties.worker_notice import queue_worker_notice
from parties.worker_pages import case_page_context, check_uploads

ACCESS_ACTION = "worker.open_case"


def _language(request: HttpRequest, access: WorkerAccess | None = None) -> str:
    return access_rules.chosen_language(request, access)


def _rendered(request: HttpRequest, language: str, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, {**context, "worker_language": language}, status=status)
    response.headers["Content-Language"] = language
    return response


@login_not_required
@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """The way in: case number, access code, date of birth. Counted per address and per case number; logged."""
    language = _language(request)
    with translation.override(language):
        form = StartForm(request.POST or None)
        refusal, status = "", 200
        if request.method == "POST":
            typed = access_rules.normalize_case_number(request.POST.get("case_number", ""))[:20]
            if not access_rules.within_limits(request, typed):
                _log_attempt(request, typed, "rate_limited")
                per_address, per_case, window = access_rules.attempt_limits()
                refusal = _(
                    "Too many tries. For your security, please wait %(minutes)d minutes and try again. If you "
                    "still cannot open your case, call us: we can send you a new code."
                ) % {"minutes": window // 60}
                status = 429
            elif not form.is_valid():
                _log_attempt(request, typed, "incomplete")
                status = 400
            else:
                data = form.cleaned_data
                access = access_rules.find_access(data["case_number"], data["access_code"], data["date_of_birth"])
                if access is not None:
                    access_rules.grant(request, access)
                    _log_attempt(request, access.case.case_number, "opened", case_id=access.case_id)
                    return redirect("worker:case", access.case.case_number)
                _log_attempt(request, typed, "refused")
                refusal = _(
                    "We could not open a case with these details. Check the case number, the access code and the "
                    "date of birth, and try again."
                )
                status = 400
        return _rendered(request, language, "parties/worker/start.html", {"form": form, "refusal": refusal}, status)


def _log_attempt(request: HttpRequest, case_number: str, result: str, case_id: int | str = "") -> None:
    log.record(
        request,
        object_type="worker_access",
        object_id=case_id,
        case_number=case_number,
        outcome=log.Outcome.ALLOWED if result == "opened" else log.Outcome.DENIED,
        action=ACCESS_ACTION,
        result=result,
        who="injured worker",
    )


def worker_case(view: Callable) -> Callable:
    """A page of the case this session opened: anything else (another case number, an expired session, an older
    code) answers 404 with the way back in, logged as not found, the same for a case that exists and one that does
    not."""

    @login_not_required
    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, case_number: str, *args, **kwargs) -> HttpResponseBase:
        access = access_rules.granted_access(request, case_number)
        if access is None:
            log.record(
                request,
                object_type="case",
                case_number=case_number,
                outcome=log.Outcome.NOT_FOUND,
                who="injured worker",
            )
            return not_open(request)
        language = _language(request, access)
        with translation.override(language):
            return view(request, access, language, *args, **kwargs)

    return wrapped


@worker_case
def case(request: HttpRequest, access: WorkerAccess, language: str) -> HttpResponse:
    log.record(
        request, object_type="case", object_id=access.case_id, case_number=access.case.case_number, who="injured worker"
    )
    context = case_page_context(access.case)
    context.update(send_form=SendForm(), problems=[], access=access)
    return _rendered(request, language, "parties/worker/case.html", context)


@require_POST
@worker_case
def send(request: HttpRequest, access: WorkerAccess, language: str) -> HttpResponse:
    """Several PDFs at once, one kind: each checked as the portal checks uploads; all are kept, or none."""
    the_case = access.case
    form = SendForm(request.POST)
    files = request.FILES.getlist("files")
    problems = [] if form.is_valid() else [error for errors in form.errors.values() for error in errors]
    uploads = [(upload.name or "document.pdf", upload.read()) for upload in files]
    problems += check_uploads(the_case, uploads)
    if problems:
        log.record(
            request,
            object_type="case",
            object_id=the_case.pk,
            case_number=the_case.case_number,
            outcome=log.Outcome.DENIED,
            who="injured worker",
            result="documents refused",
        )
        context = case_page_context(the_case)
        context.update(send_form=form, problems=problems, access=access)
        return _rendered(request, language, "parties/worker/case.html", context, 400)
    with transaction.atomic():
        documents = [
            add_document(the_case, data=data, name=name, kind=form.cleaned_data["kind"]) for name, data in uploads
        ]
        WorkerDocument.objects.bulk_create([WorkerDocument(document=document) for document in documents])
    log.record_many(
        request,
        [("case_document", document.pk, the_case.case_number) for document in documents],
        who="injured worker",
    )
    messages.success(
        request,
        translation.ngettext(
            "Thank you. We received %(count)d document.", "Thank you. We received %(count)d documents.", len(documents)
        )
        % {"count": len(documents)},
    )
    return redirect(reverse("worker:case", args=[the_case.case_number]) + "#documents")


@worker_case
def letter(request: HttpRequest, access: WorkerAccess, language: str, letter_id: int) -> HttpResponseBase:
    """The decision letter (the parties' letter, signed and current): a delivery in the letter register."""
    found = (
        Letter.objects.signed()
        .filter(case_id=access.case_id, rendition=Rendition.PARTIES, superseded_at__isnull=True, pk=letter_id)
        .select_related("case")
        .first()
    )
    if found is None:
        log.record(
            request,
            object_type="letter",
            object_id=letter_id,
            case_number=access.case.case_number,
            outcome=log.Outcome.NOT_FOUND,
            who="injured worker",
        )
        return not_open(request, access)
    log.record(
        request, object_type="letter", object_id=found.pk, case_number=found.case.case_number, who="injured worker"
    )
    record_download(found, by=None, ip=client_ip(request))
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.download_name, content_type="application/pdf"
    )


def not_open(request: HttpRequest, access: WorkerAccess | None = None) -> HttpResponse:
    """404, in the worker's language, with the way in."""
    language = _language(request, access)
    with translation.override(language):
        return _rendered(request, language, "parties/worker/not_open.html", {}, status=404)


@login_not_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The worker's switch between English and Spanish: kept in the session and on the open case."""
    form = LanguageForm(request.POST)
    target = reverse("worker:start")
    if form.is_valid():
        access_rules.choose_language(request, form.cleaned_data["language"])
        wanted = form.cleaned_data["next"]
        if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
            target = wanted
    return redirect(target)


@login_not_required
@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    access_rules.end(request)
    with translation.override(_language(request)):
        messages.info(request, _("Your case is closed on this device. To see it again, enter your details."))
    return redirect("worker:start")


@case_view("cases.edit_intake")
def staff_code(request: HttpRequest, case: Case) -> HttpResponse:
    """For administrators: the worker's language and a new access code. A new code replaces the old one (which stops
    working) and queues a new notice to the worker in the worker's language, shown here once to print and mail."""
    access = access_rules.access_of(case)
    form = StaffAccessForm(request.POST or None, initial={"language": access.language})
    notice = None
    if request.method == "POST" and form.is_valid():
        access.language = form.cleaned_data["language"]
        access.save(update_fields=["language"])
        notice = queue_worker_notice(case, by=request.user, again=True)
        access.refresh_from_db()
    return render(
        request,
        "parties/worker/staff_code.html",
        {"case": case, "access": access, "form": form, "notice": notice},
        status=400 if form.errors else 200,
    )
