"""The letter center (correspondence staff), a case's letter register, downloads, service, and public verification.

Every letter a signed-in user reaches goes through ``cases.permissions.visible_cases``: a letter of a case the user
may not see answers 404. The verification pages are public and show register facts only, never medical content.
"""

from __future__ import annotations

import io
import logging
import zipfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Count, F, Func, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from accounts.security import client_ip, rate_limit
from audit import log
from cases.lifecycle import Status
from cases.models import Case
from cases.permissions import case_view, visible_cases
from cases.selectors import CappedPaginator
from core.permissions import allowed, permission_required
from letters import rendering, services, verify_guard
from letters.forms import CenterFilterForm, CorrectionForm, ServiceForm, VerifyForm
from letters.models import Letter, Rendition, Service
from letters.rendering import addressees
from letters.services.requests import awaits_letters

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
ZIP_LIMIT = 200
# Determined cases shown at the top of the letter center, oldest decision first: a backlog, each with its button.
PENDING_SHOWN = 20


def _visible_letters(user):
    return Letter.objects.filter(case__in=visible_cases(user)).select_related("case")


@permission_required("letters.serve")
def letter_center(request: HttpRequest) -> HttpResponse:
    """Signed letters to serve, with filters; download one or many; record service."""
    form = CenterFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    log.record(request, object_type="letter_list")
    # Service counts as subqueries, computed for the rows of the page only; the order is read from the index
    # "letter_current_to_serve" (letters/migrations/0006_letter_served.py), whose first key is the expression
    # "to_serve" below, written the same way: the marker ``served``, not whether a service exists (asked of every
    # current letter before the sort, that took 9.5 s at 1,000,000 cases).
    services_of = Service.objects.filter(letter=OuterRef("pk")).order_by().values("letter")
    letters = (
        _visible_letters(request.user)
        .current()
        .annotate(
            service_count=Coalesce(
                Subquery(services_of.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
            ),
            last_served=Subquery(services_of.annotate(last=Max("served_on")).values("last")),
        )
        # The parties' letters still to serve first: they are the work of this page.
        .annotate(to_serve=Q(rendition=Rendition.PARTIES, served=False))
        .order_by(F("to_serve").desc(), TruncDate("signed_at").desc(), "case__case_number", "rendition")
    )
    if params.get("served") == "yes":
        # A served letter is never still to serve: said in the index's terms, the scan starts past those that are.
        letters = letters.filter(served=True).filter(
            Func(F("to_serve"), template="%(expressions)s IS FALSE", output_field=BooleanField())
        )
    elif params.get("served") == "no":
        letters = letters.filter(served=False)
    if params.get("rendition"):
        letters = letters.filter(rendition=params["rendition"])
    if params.get("signed_from"):
        letters = letters.filter(signed_at__date__gte=params["signed_from"])
    if params.get("signed_to"):
        letters = letters.filter(signed_at__date__lte=params["signed_to"])
    if params.get("case_number"):
        letters = letters.filter(case__case_number__icontains=params["case_number"].strip())
    # The parties by prefetch, not by four more joins: planning the seven-table join took longer (17 ms at 100,000
    # cases) than running it.
    page = CappedPaginator(
        letters.select_related("case").prefetch_related(
            "case__employer", "case__claims_administrator", "case__employee_attorney", "case__requesting_provider"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    for letter in page:
        # Whom to serve and where: the parties' letter goes to the parties; the public copy is published.
        letter.addressees = addressees(letter.case) if letter.rendition == Rendition.PARTIES else []
    determined = visible_cases(request.user).filter(status=Status.DETERMINED)
    pending = determined.annotate(
        failed=Coalesce(
            Subquery(
                Letter.objects.filter(case=OuterRef("pk"), state=Letter.State.FAILED)
                .order_by()
                .values("case")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
    ).order_by("decision_date", "case_number")[:PENDING_SHOWN]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "letters/center.html",
        {
            "filter_form": form,
            "page": page,
            "query": query.urlencode(),
            "pending_cases": pending,
            "pending_total": determined.count(),
            "tasks_in_process": settings.CELERY_TASK_ALWAYS_EAGER,
            "sweep_minutes": max(1, round(settings.CELERY_BEAT_SCHEDULE["letters-sweep"]["schedule"] / 60)),
            "can_request_letter": allowed(request.user, "letters.request"),
            "pending_list_url": f"{reverse('cases:list')}?status={Status.DETERMINED}",
        },
    )


def download(request: HttpRequest, letter_id: int) -> HttpResponse:
    """One signed letter, to anyone who may see its case; every download is logged (who, when, from where)."""
    letter = _visible_letters(request.user).signed().filter(pk=letter_id).first()
    if letter is None:
        log.record(request, object_type="letter", object_id=letter_id, outcome=log.Outcome.NOT_FOUND)
        raise Http404("No such letter.")
    log.record(request, object_type="letter", object_id=letter.pk, case_number=letter.case.case_number)
    try:
        file = letter.file.open("rb")
    except OSError:  # the register has the letter, the storage has not (a storage outage, a lost file)
        logger.exception("The file of letter %s cannot be read from storage", letter.pk)
        messages.error(
            request,
            f"The file of {letter} cannot be read from storage just now; nothing was downloaded. "
            "Tell an administrator (the portal's log names the letter).",
        )
        return redirect("letters:case_register", letter.case.case_number)
    services.record_download(letter, by=request.user, ip=client_ip(request))
    return FileResponse(file, as_attachment=True, filename=letter.download_name, content_type="application/pdf")


@require_POST
@permission_required("letters.serve")
def download_zip(request: HttpRequest) -> HttpResponse:
    """The selected letters in one ZIP; each letter's download is logged."""
    try:
        ids = sorted({int(value) for value in request.POST.getlist("letter")})
    except ValueError:
        ids = []
    if not ids:
        messages.error(request, "Select at least one letter to download.")
        return redirect("letters:center")
    if len(ids) > ZIP_LIMIT:
        messages.error(request, f"{len(ids)} letters selected; download at most {ZIP_LIMIT} at a time.")
        return redirect("letters:center")
    letters = list(_visible_letters(request.user).signed().filter(pk__in=ids).order_by("case__case_number", "pk"))
    if not letters:
        messages.error(request, "None of the selected letters can be downloaded.")
        return redirect("letters:center")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for letter in letters:
            with letter.file.open("rb") as file:
                archive.writestr(letter.download_name, file.read())
    log.record_many(request, (("letter", letter.pk, letter.case.case_number) for letter in letters), zip=True)
    with transaction.atomic():
        for letter in letters:
            services.record_download(letter, by=request.user, ip=client_ip(request), in_bulk=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="letters-{stamp}.zip"'
    return response


@require_POST
@permission_required("letters.serve")
def service(request: HttpRequest, letter_id: int) -> HttpResponse:
    """Record service of the current parties' letter on the addressees ticked, each by its own method. A form with
    a problem is shown again on the case's register, with the message at the field (400)."""
    letter = get_object_or_404(
        _visible_letters(request.user).current().filter(rendition=Rendition.PARTIES), pk=letter_id
    )
    form = ServiceForm(request.POST, addressees=addressees(letter.case), letter=letter)
    target = request.POST.get("next") or ""
    hosts = {request.get_host()}
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=hosts, require_https=request.is_secure()):
        target = "letters:center"
    if form.is_valid():
        try:
            recorded = services.record_service(
                letter,
                by=request.user,
                served_on=form.cleaned_data["served_on"],
                deliveries=form.deliveries(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            served = sum(len(item.recipients) for item in recorded)
            messages.success(request, f"Service of {letter} on {served} addressee{pluralize(served)} recorded.")
            return redirect(target)
    return _render_register(request, letter.case, service_form=form, status=400)


def _render_register(request: HttpRequest, case: Case, *, service_form=None, status: int = 200) -> HttpResponse:
    letters = (
        case.letters.select_related("approved_by", "supersedes", "created_by")
        .prefetch_related("services__deliveries", "downloads__by")
        .order_by("rendition", "-version")
    )
    awaited = awaits_letters(case)
    return render(
        request,
        "letters/case_register.html",
        {
            "case": case,
            "letters": letters,
            "service_form": service_form or ServiceForm(addressees=addressees(case)),
            "correction_form": CorrectionForm(),
            "can_serve": allowed(request.user, "letters.serve"),
            "can_correct": allowed(request.user, "letters.correct"),
            "letter_awaited": awaited,
            "can_request_letter": awaited and allowed(request.user, "letters.request"),
            "can_generate_letter": awaited and allowed(request.user, "letters.generate"),
        },
        status=status,
    )


@case_view()
def case_register(request: HttpRequest, case: Case) -> HttpResponse:
    """Every version of every rendition of a case's letter, with downloads and service."""
    return _render_register(request, case)


@case_view()
def proof_of_service(request: HttpRequest, case: Case, letter_id: int) -> HttpResponse:
    """A printable proof of service of one parties' letter: who was served, at which address, how and when."""
    letter = get_object_or_404(case.letters.signed().filter(rendition=Rendition.PARTIES), pk=letter_id)
    served = list(letter.services.select_related("by").prefetch_related("deliveries").order_by("served_on", "pk"))
    return render(
        request,
        "letters/proof_of_service.html",
        {"case": case, "letter": letter, "services": served, "organization_name": settings.IMR_ORGANIZATION_NAME},
    )


@require_GET
@case_view()
def letter_progress(request: HttpRequest, case: Case) -> JsonResponse:
    """The state of a case's letters, for the case page to follow without a reload (``static/js/letter-progress.js``).
    ``done`` is true once nothing is left to wait for (signed, failed, or no letter due)."""
    letters = list(case.letters.order_by("rendition", "-version"))
    rows = [
        {
            "rendition": letter.get_rendition_display(),
            "version": letter.version,
            "state": letter.state,
            "label": _progress_label(letter),
        }
        for letter in letters
    ]
    failed = any(letter.state == Letter.State.FAILED for letter in letters)
    return JsonResponse(
        {"status": case.get_status_display(), "letters": rows, "done": case.status != Status.DETERMINED or failed}
    )


def _progress_label(letter: Letter) -> str:
    if letter.state == Letter.State.SIGNED:
        when = timezone.localtime(letter.signed_at).strftime("%m/%d/%Y %-I:%M %p %Z")
        return f"superseded (signed {when})" if letter.superseded_at else f"signed {when}"
    if letter.state == Letter.State.FAILED:
        return "failed: " + (letter.error[:120] or "see the letter register")
    return "generating…"


@require_POST
@case_view("letters.request")
def letter_request(request: HttpRequest, case: Case) -> HttpResponse:
    """Staff ask for the missing letter of a determined case (``letters.services.request_letters``: checked, audited,
    the task queued after commit; asking twice makes no second letter). Refused for a case whose letters are signed."""
    return _ask_for_letters(request, case)


@require_POST
@case_view("letters.generate")
def generate(request: HttpRequest, case: Case) -> HttpResponse:
    """An administrator makes a missing letter again (after a failure, or for an imported case): the same request."""
    return _ask_for_letters(request, case)


def _ask_for_letters(request: HttpRequest, case: Case) -> HttpResponse:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("letters:case_register", args=[case.case_number])
    try:
        services.request_letters(case, by=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        case.refresh_from_db(fields=["status"])
        if awaits_letters(case):
            messages.success(request, f"The letter of {case.case_number} is being made; it is listed here once signed.")
        else:  # tasks run in the web process (make run): it is made already
            messages.success(request, f"The letter of {case.case_number} is signed.")
    return redirect(target)


@require_POST
@case_view("letters.correct")
def correction(request: HttpRequest, case: Case) -> HttpResponse:
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the letter is corrected.")
        return redirect("letters:case_register", case.case_number)
    try:
        letters = services.issue_correction(case, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Exception as error:  # a render or signing failure is recorded on the letter row
        messages.error(request, f"The corrected letter could not be made: {error}")
    else:
        messages.success(
            request, "Corrected letters signed: " + ", ".join(f"{x.rendition} v{x.version}" for x in letters)
        )
    return redirect("letters:case_register", case.case_number)


@login_not_required
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """Public: upload a letter and learn whether it is authentic and current, superseded, altered or unknown.

    Open to anyone, so bounded: ``IMR_VERIFY_PER_MINUTE`` uploads per address, files up to ``IMR_VERIFY_MAX_BYTES``
    (refused from Content-Length before the body is read), and the PDF read in a child process limited to
    ``IMR_VERIFY_CPU_SECONDS`` of CPU (``letters.verify_guard``)."""
    if request.method == "POST":
        refusal = None
        if not rate_limit("verify", client_ip(request), limit=settings.IMR_VERIFY_PER_MINUTE, window=60):
            refusal = (
                f"Too many letters checked from your address: at most {settings.IMR_VERIFY_PER_MINUTE} a minute. "
                "Wait a minute and try again.",
                429,
            )
        elif int(request.META.get("CONTENT_LENGTH") or 0) > settings.IMR_VERIFY_MAX_BYTES + 64 * 1024:
            refusal = (
                f"The file is larger than {settings.IMR_VERIFY_MAX_BYTES / 1_048_576:.0f} MB; a letter is far smaller.",
                413,
            )
        if refusal:
            context = {"form": VerifyForm(), "verdict": None, "refusal": refusal[0]}
            return render(request, "letters/verify.html", context, status=refusal[1])
    verdict = None
    form = VerifyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            checked = verify_guard.check_file(
                data, services.signing_setup().trust_roots, cpu_seconds=settings.IMR_VERIFY_CPU_SECONDS
            )
        except verify_guard.CheckTookTooLong:
            form.add_error(
                "file",
                "This file could not be read within the time a letter takes to check: it is not one of our letters "
                "as issued (a letter checks in about a second).",
            )
            status = 400
        else:
            verdict = services.verify_letter_bytes(data, checked=checked)
    elif request.method == "POST":
        status = 400
    return render(request, "letters/verify.html", {"form": form, "verdict": verdict}, status=status)


@login_not_required
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """Public: the register entry a letter's QR code points to (no medical content)."""
    letter = Letter.objects.select_related("case").filter(verification_code=code.lower()).first()
    latest = services.latest_version(letter) if letter is not None and letter.superseded_at else None
    return render(
        request,
        "letters/verify_code.html",
        {"letter": letter, "latest": latest, "code": code, "form": VerifyForm()},
        status=200 if letter is not None else 404,
    )


@require_GET
@xframe_options_sameorigin
@case_view("letters.preview")
def preview(request: HttpRequest, case: Case) -> HttpResponse:
    """The letter exactly as it will read (the same templates and PDF engine as the signed letter), from the latest
    version of the determination, the current draft included; unsigned and marked as a preview on every page.

    For the case's reviewer, QA and administrators (through the case access rule)."""
    version = request.GET.get("version", "")
    determinations = case.determinations.order_by("version")
    if not allowed(request.user, "letters.preview_any_version"):
        # A determination is one physician's work: after a reassignment the new reviewer never reads the previous
        # reviewer's superseded draft (issue 10, finding 3).
        determinations = determinations.filter(Q(author=request.user) | Q(based_on__author=request.user))
    if version.isdigit():
        determination = determinations.filter(version=version).first()
        if determination is None:
            raise Http404("No such version of this case's determination.")
    else:
        determination = determinations.last()
    if determination is None:
        messages.info(request, "No determination has been started for this case yet.")
        return redirect(case)
    rendition = request.GET.get("rendition", Rendition.PARTIES)
    if rendition not in Rendition.values:
        rendition = Rendition.PARTIES
    rendered = rendering.render_letter_pdf(case, determination, rendition=rendition, preview=True)
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.case_number}-preview-v{determination.version}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
