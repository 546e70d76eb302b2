"""The expert reviewer roster: who may review, with which credentials, and whom they are tied to.

This app knows nothing of cases (STYLE.md, "Which way the imports run"): it answers "is this reviewer qualified on
this date?" and "is this reviewer tied to any of these parties?"; the ``cases`` app asks those questions when it
offers a case.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from core.categories import Category
from core.models import Party

US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"), ("CA", "California"),
    ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"), ("DC", "District of Columbia"), ("FL", "Florida"),
    ("GA", "Georgia"), ("HI", "Hawaii"), ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"),
    ("KS", "Kansas"), ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"), ("MO", "Missouri"),
    ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"), ("NH", "New Hampshire"), ("NJ", "New Jersey"),
    ("NM", "New Mexico"), ("NY", "New York"), ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"),
    ("OK", "Oklahoma"), ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
    ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"), ("VT", "Vermont"),
    ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"),
]  # fmt: skip
STATE_NAMES = dict(US_STATES)


class Specialty(models.Model):
    """A board certification or subspecialty as letters print it ("Physical Medicine & Rehabilitation")."""

    name = models.CharField(max_length=120)
    aliases = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other spellings, comma-separated (PM&R, Physiatry): matched against the requesting provider's "
        "specialty as typed at intake.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"
        constraints = [models.UniqueConstraint(Lower("name"), name="specialty_unique_name")]

    def __str__(self) -> str:
        return self.name

    def spellings(self) -> set[str]:
        """The name and its aliases, normalized for comparison."""
        return {normalize_specialty(s) for s in [self.name, *self.aliases.split(",")] if s.strip()}


def normalize_specialty(text: str) -> str:
    return " ".join(text.lower().replace("&", " and ").replace(",", " ").split())


class ReviewerProfile(models.Model):
    """One expert reviewer's credentials, working hours, capacity and availability."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviewer_profile")
    certifications = models.ManyToManyField(
        Specialty, related_name="certified_reviewers", blank=True, help_text="Board certifications."
    )
    subspecialties = models.ManyToManyField(Specialty, related_name="subspecialist_reviewers", blank=True)
    practice_started = models.DateField(
        "start of clinical practice", null=True, blank=True, help_text="More than five years are required."
    )
    weekly_practice_hours = models.PositiveSmallIntegerField(
        "hours a week in active practice", default=0, help_text="At least 24 are required."
    )
    capacity = models.PositiveSmallIntegerField(default=5, help_text="Open cases at once (offered or in review).")
    away_from = models.DateField(null=True, blank=True)
    away_to = models.DateField(
        null=True, blank=True, help_text="Last day away; empty with a start date: away until further notice."
    )
    active = models.BooleanField(default=True)
    credentials_verified_on = models.DateField("credentials last verified", null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(away_from__isnull=True)
                | models.Q(away_to__isnull=True)
                | models.Q(away_to__gte=models.F("away_from")),
                name="reviewer_away_period_ordered",
            ),
            models.CheckConstraint(condition=models.Q(weekly_practice_hours__lte=168), name="reviewer_hours_in_week"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username

    def is_away(self, on: date) -> bool:
        if self.away_from is None and self.away_to is None:
            return False
        starts = self.away_from or date.min
        ends = self.away_to or date.max
        return starts <= on <= ends

    # ``reviewers.qualification.roster_profiles()`` loads these as plain lists (``Prefetch(to_attr=…)``): a prefetched
    # manager per profile and relation cost ~0.2 ms each, 130 ms for a roster of 590. Without it, a query.
    @property
    def licence_list(self) -> list:
        return self._related_list("licences")

    @property
    def certification_list(self) -> list:
        return self._related_list("certifications")

    @property
    def subspecialty_list(self) -> list:
        return self._related_list("subspecialties")

    def _related_list(self, name: str) -> list:
        found = self.__dict__.get(f"_{name}_list")
        return found if found is not None else list(getattr(self, name).all())

    def letter_credentials(self, on: date | None = None) -> dict:
        """The credentials the letter prints instead of the name: licensed states (of licences in force) and
        certifications then subspecialties, in the shape of ``Case.reviewer_credentials``."""
        licences = [licence for licence in self.licence_list if on is None or licence.in_force(on)]
        states = sorted({STATE_NAMES.get(licence.state, licence.state) for licence in licences})
        names = [s.name for s in self.certification_list]
        names += [s.name for s in self.subspecialty_list if s.name not in names]
        return {"licensure": states, "certifications": names}


class Licence(models.Model):
    """A state medical licence. Only an unrestricted licence that has not expired qualifies."""

    profile = models.ForeignKey(ReviewerProfile, on_delete=models.CASCADE, related_name="licences")
    state = models.CharField(max_length=2, choices=US_STATES)
    number = models.CharField(max_length=40)
    expires_on = models.DateField()
    restricted = models.BooleanField(default=False, help_text="Probation or any other restriction on the licence.")

    class Meta:
        ordering = ["profile", "state"]
        constraints = [models.UniqueConstraint(fields=["profile", "state"], name="one_licence_per_state")]

    def __str__(self) -> str:
        return f"{self.get_state_display()} {self.number} (expires {self.expires_on:%m/%d/%Y})"

    def in_force(self, on: date) -> bool:
        return not self.restricted and self.expires_on >= on


class Affiliation(models.Model):
    """A tie between a reviewer and a party (LC 139.5): employment, a contract, ownership, family, counsel.

    Kept by administrators and declared by reviewers. An affiliation that is current, or ended less than
    ``CONFLICT_LOOKBACK_DAYS`` ago, blocks every case that names the party.
    """

    profile = models.ForeignKey(ReviewerProfile, on_delete=models.CASCADE, related_name="affiliations")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="reviewer_affiliations")
    relationship = models.CharField(
        max_length=200, help_text="E.g. employed 2015-2019, consultant, spouse works there."
    )
    declared_by_reviewer = models.BooleanField(default=False)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True, help_text="Empty while the tie lasts.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["profile", "party__kind", "party__name"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "party"], name="one_affiliation_per_party"),
            models.CheckConstraint(
                condition=models.Q(since__isnull=True)
                | models.Q(until__isnull=True)
                | models.Q(until__gte=models.F("since")),
                name="affiliation_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} ({self.relationship})"


class SpecialtyCategoryFit(models.Model):
    """How well a specialty fits a treatment category (0-100), for matching reviewers to disputed items.

    A category with at least one row here requires a reviewer whose certification or subspecialty has a weight
    above zero for it; a category with no rows accepts any specialty.
    """

    specialty = models.ForeignKey(Specialty, on_delete=models.CASCADE, related_name="category_fits")
    category = models.CharField(max_length=40, choices=Category.choices)
    weight = models.PositiveSmallIntegerField(default=100, help_text="0 (does not fit) to 100 (the specialty).")

    class Meta:
        ordering = ["category", "-weight", "specialty__name"]
        constraints = [
            models.UniqueConstraint(fields=["specialty", "category"], name="one_fit_per_specialty_category"),
            models.CheckConstraint(condition=models.Q(weight__lte=100), name="fit_weight_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.specialty} · {self.category}: {self.weight}"
