"""Roster pages: the administrators' list and profile editor, and a reviewer's own profile."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import roles
from core.permissions import permission_required
from reviewers import services
from reviewers.forms import AffiliationForm, AvailabilityForm, LicenceFormSet, ProfileForm
from reviewers.models import Licence, ReviewerProfile
from reviewers.qualification import qualification_problems, qualified_q, roster_profiles

ROSTER_PAGE_SIZE = 50


@permission_required("reviewers.manage_roster")
def roster_list(request: HttpRequest) -> HttpResponse:
    """The reviewers, 50 a page, with their credentials and, for those who cannot take a case today, why not.

    ``q`` finds a reviewer by name, user name or licence number; ``assignable`` (``yes``/``no``) keeps those who
    can or cannot be assigned today. The count of assignable reviewers and that filter are the qualification rules
    in the database (``qualified_q``): a roster of thousands is counted there, and only the page's 50 profiles are
    loaded, with their licences, specialties and affiliations, for the reasons in words."""
    today = timezone.localdate()
    search = (request.GET.get("q") or "").strip()[:100]
    assignable = request.GET.get("assignable") if request.GET.get("assignable") in ("yes", "no") else ""
    profiles = ReviewerProfile.objects.all()
    if search:
        profiles = profiles.filter(
            Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
            | Q(user__username__icontains=search)
            | Q(Exists(Licence.objects.filter(profile=OuterRef("pk"), number__icontains=search)))
        )
    qualified = qualified_q(today)
    assignable_count = profiles.filter(qualified).count()
    if assignable:
        profiles = profiles.filter(qualified) if assignable == "yes" else profiles.exclude(qualified)
    page = Paginator(profiles.values_list("pk", flat=True), ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = roster_profiles(ReviewerProfile.objects.filter(pk__in=list(page.object_list)))
    prefetch_related_objects(shown, "affiliations__party")
    page.object_list = [(profile, qualification_problems(profile, today)) for profile in shown]
    without_profile = (
        get_user_model()
        .objects.filter(groups__name=roles.REVIEWER, reviewer_profile__isnull=True)
        .order_by("last_name", "username")
    )
    return render(
        request,
        "reviewers/roster.html",
        {
            "page": page,
            "search": search,
            "assignable": assignable,
            "assignable_count": assignable_count,
            "without_profile": without_profile,
            "today": today,
        },
    )


def _edit(request: HttpRequest, profile: ReviewerProfile, *, is_new: bool) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=profile)
        licences = LicenceFormSet(request.POST, instance=profile, prefix="licences")
        if form.is_valid() & licences.is_valid():
            saved = services.save_profile(form, licences, by=request.user)
            messages.success(request, f"Profile of {saved.display_name} saved.")
            return redirect("reviewers:edit", profile_id=saved.pk)
        messages.error(request, "The profile was not saved: correct the fields marked below.")
    else:
        form = ProfileForm(instance=profile)
        licences = LicenceFormSet(instance=profile, prefix="licences")
    return render(
        request,
        "reviewers/profile_form.html",
        {
            "profile": profile,
            "is_new": is_new,
            "form": form,
            "licences": licences,
            "affiliation_form": AffiliationForm(),
            "affiliations": profile.affiliations.select_related("party") if profile.pk else [],
            "problems": qualification_problems(profile) if profile.pk else [],
        },
    )


@permission_required("reviewers.manage_roster")
def profile_edit(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = get_object_or_404(ReviewerProfile.objects.select_related("user"), pk=profile_id)
    return _edit(request, profile, is_new=False)


@permission_required("reviewers.manage_roster")
def profile_create(request: HttpRequest, user_id: int) -> HttpResponse:
    """A profile for a user of the Reviewers group who has none yet."""
    user = get_object_or_404(get_user_model(), pk=user_id, groups__name=roles.REVIEWER)
    existing = ReviewerProfile.objects.filter(user=user).first()
    if existing:
        return redirect("reviewers:edit", profile_id=existing.pk)
    return _edit(request, ReviewerProfile(user=user), is_new=True)


@require_POST
@permission_required("reviewers.manage_roster")
def affiliation_add(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = get_object_or_404(ReviewerProfile, pk=profile_id)
    _record_affiliation(request, profile, declared_by_reviewer=False)
    return redirect(reverse("reviewers:edit", args=[profile.pk]) + "#affiliations")


def _record_affiliation(request: HttpRequest, profile: ReviewerProfile, *, declared_by_reviewer: bool) -> bool:
    form = AffiliationForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else None
            label = label or field.replace("_", " ").capitalize()
            messages.error(request, f"Affiliation not recorded: {label}: {' '.join(errors)}")
        return False
    try:
        affiliation = services.declare_affiliation(
            profile, by=request.user, declared_by_reviewer=declared_by_reviewer, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, f"Affiliation not recorded: {' '.join(error.messages)}")
        return False
    messages.success(request, f"Affiliation with {affiliation.party} recorded.")
    return True


@permission_required("reviewers.edit_own_profile")
def my_profile(request: HttpRequest) -> HttpResponse:
    """A reviewer's own credentials and ties; they declare affiliations and absences here."""
    profile = ReviewerProfile.objects.filter(user=request.user).first()
    if profile is None:
        return render(request, "reviewers/my_profile.html", {"profile": None})
    if request.method == "POST":
        if request.POST.get("action") == "availability":
            availability = AvailabilityForm(request.POST)
            if availability.is_valid():
                services.set_availability(profile, by=request.user, **availability.cleaned_data)
                messages.success(request, "Availability saved.")
            else:
                for errors in availability.errors.values():
                    messages.error(request, f"Availability not saved: {' '.join(errors)}")
        else:
            _record_affiliation(request, profile, declared_by_reviewer=True)
        return redirect("reviewers:me")
    (profile,) = roster_profiles(ReviewerProfile.objects.filter(pk=profile.pk))
    return render(
        request,
        "reviewers/my_profile.html",
        {
            "profile": profile,
            "problems": qualification_problems(profile),
            "affiliations": profile.affiliations.select_related("party"),
            "affiliation_form": AffiliationForm(),
            "availability_form": AvailabilityForm(initial={"away_from": profile.away_from, "away_to": profile.away_to}),
        },
    )
