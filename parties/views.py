"""The party pages (``/parties/``): "Our cases", a case's page with its upload area, its letters; the organization's
people; accepting an invitation. Each page is reached through ``parties.permissions`` (the organization's cases
only, a second factor passed, every read and change in the access log)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import enrolment
from accounts.security import client_ip
from audit import log
from cases.models import Case, CaseDocument
from cases.selectors import CappedPaginator
from core.models import Party
from core.permissions import allowed
from letters.models import Letter
from letters.services import record_download
from parties import invitations, selectors, uploads
from parties.forms import AcceptInvitationForm, InviteForm, UploadForm
from parties.models import Membership
from parties.permissions import party_case_view, party_view
from parties.visibility import organization_documents

# Cases on a page of "Our cases".
PAGE_SIZE = 50


@party_view()
def our_cases(request: HttpRequest, organization: Party) -> HttpResponse:
    """The organization's cases, a page at a time (a claims administrator may be named on tens of thousands): what is
    outstanding and by when, first."""
    page = CappedPaginator(selectors.our_cases(organization), PAGE_SIZE).get_page(request.GET.get("page"))
    log.record_cases(request, page)
    return render(
        request,
        "parties/our_cases.html",
        {"organization": organization, "rows": [selectors.case_row(case) for case in page], "page": page},
    )


def _case_page(request: HttpRequest, organization: Party, case: Case, *, form=None, problems=(), status=200):
    case = Case.objects.prefetch_related("records_checklist").get(pk=case.pk)
    return render(
        request,
        "parties/case.html",
        {
            "organization": organization,
            "case": case,
            "row": selectors.case_row(case),
            "documents": organization_documents(organization, case)
            .select_related("uploaded_by")
            .order_by("-uploaded_at", "-pk"),
            "notices": selectors.notices_to(organization, case),
            "letters": selectors.letters_of(case),
            "form": form or UploadForm(),
            "problems": problems,
            "ticks_checklist": case.claims_administrator_id == organization.pk,
        },
        status=status,
    )


@party_case_view()
def case_page(request: HttpRequest, organization: Party, case: Case) -> HttpResponse:
    return _case_page(request, organization, case)


@require_POST
@party_case_view("parties.send_documents")
def send_documents(request: HttpRequest, organization: Party, case: Case) -> HttpResponse:
    """Several PDFs at once, each with its kind; all stored or none, with a message per problem."""
    form = UploadForm(request.POST)
    files = request.FILES.getlist("files")
    common = request.POST.get("kind", "")
    batch = [
        uploads.Upload(
            name=file.name or "(a file with no name)",
            data=file.read(),
            kind=request.POST.get(f"kind_{index}") or common,
        )
        for index, file in enumerate(files)
    ]
    try:
        stored = uploads.send_documents(case, organization, batch, by=request.user)
    except ValidationError as error:
        return _case_page(request, organization, case, form=form, problems=error.messages, status=400)
    messages.success(
        request,
        f"Received {len(stored)} document{'s' if len(stored) != 1 else ''} for case {case.case_number}: "
        "each receipt is listed below.",
    )
    return redirect("parties:case", case.case_number)


def _sent_document(organization: Party, case: Case, document_id: int) -> CaseDocument | None:
    return organization_documents(organization, case).select_related("uploaded_by").filter(pk=document_id).first()


def _letter(organization: Party, case: Case, letter_id: int) -> Letter | None:
    return selectors.letter_of(case, letter_id)


@party_case_view(load=_sent_document)
def receipt(request: HttpRequest, organization: Party, case: Case, document: CaseDocument) -> HttpResponse:
    """A receipt the party can keep (print or save): what was received, when, from whom, and its SHA-256."""
    return render(request, "parties/receipt.html", {"organization": organization, "case": case, "document": document})


@party_case_view(load=_letter)
def letter_download(request: HttpRequest, organization: Party, case: Case, letter: Letter) -> HttpResponseBase:
    """The signed letter; each download is recorded as a delivery (``letters.LetterDownload``)."""
    try:
        file = letter.file.open("rb")
    except OSError:
        messages.error(request, "The letter cannot be read just now; nothing was downloaded. Try again later.")
        return redirect("parties:case", case.case_number)
    record_download(letter, by=request.user, ip=client_ip(request))
    return FileResponse(file, as_attachment=True, filename=letter.download_name, content_type="application/pdf")


# -- the organization's people ----------------------------------------------------------------------------------


def _people_page(request: HttpRequest, organization: Party, form=None, status=200) -> HttpResponse:
    return render(
        request,
        "parties/people.html",
        {
            "organization": organization,
            "memberships": organization.memberships.select_related("user").order_by(
                "user__last_name", "user__username"
            ),
            "invitations": organization.invitations.filter(used_at=None).order_by("-created_at")[:50],
            "form": form or InviteForm(),
            "can_manage": allowed(request.user, "parties.manage_people"),
        },
        status=status,
    )


@party_view()
def people(request: HttpRequest, organization: Party) -> HttpResponse:
    return _people_page(request, organization)


@require_POST
@party_view("parties.manage_people")
def invite(request: HttpRequest, organization: Party) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _people_page(request, organization, form, status=400)
    email = form.cleaned_data["email"]
    invitations.invite(organization, email, by=request.user, is_manager=form.cleaned_data["is_manager"])
    messages.success(request, f"Invitation sent to {email}. The link works for {invitations.INVITATION_DAYS} days.")
    return redirect("parties:people")


@require_POST
@party_view("parties.manage_people")
def deactivate(request: HttpRequest, organization: Party, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, organization=organization
    )
    try:
        invitations.deactivate(membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.get_full_name() or membership.user} can no longer log in.")
    return redirect("parties:people")


# -- accepting an invitation (public: the link is the key) -------------------------------------------------------


@login_not_required
@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: choose a user name and password, then set up the authenticator app at once."""
    if request.user.is_authenticated:
        return render(request, "parties/invitation_invalid.html", {"problem": _signed_in_problem(request)}, status=400)
    try:
        found = invitations.usable_invitation(token)
    except invitations.InvitationProblem as problem:
        return render(request, "parties/invitation_invalid.html", {"problem": str(problem)}, status=400)
    form = AcceptInvitationForm(request.POST or None, email=found.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = invitations.NewAccount(data["username"], data["password"], data["first_name"], data["last_name"])
        try:
            user = invitations.accept(token, account)
        except invitations.InvitationProblem as problem:
            return render(request, "parties/invitation_invalid.html", {"problem": str(problem)}, status=400)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            enrolment.confirm_session(request)  # the mailed link proved the mailbox: set up the factor now
            messages.success(request, f"Welcome, {user.get_full_name()}. One step left: set up your authenticator app.")
            return redirect("accounts:totp_setup")
    status = 400 if request.method == "POST" else 200
    return render(request, "parties/invitation.html", {"invitation": found, "form": form}, status=status)


def _signed_in_problem(request: HttpRequest) -> str:
    return (
        f"You are signed in as {request.user.get_username()}. Log out first, then open the invitation link again to "
        "make your own account."
    )
