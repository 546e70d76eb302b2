import re

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cases.clock import ItemKind, Priority, RecordsMethod
from cases.clock_models import Appeal, CaseClock, FormularyDrug, FormularyList, RecordsDocument  # noqa: F401

# The clock's fields and tables (drug list, records checklist, appeals) live in their own module.
from cases.contact_models import CaseContacts
from cases.lifecycle import DECIDED_STATES, Status
from core.categories import Category
from core.models import Party
from core.triggers import append_only

CASE_NUMBER_RE = re.compile(r"^CM\d{2}-\d{7}$")
ICD10_RE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")


def validate_case_number(value: str) -> None:
    if not CASE_NUMBER_RE.match(value or ""):
        raise ValidationError(
            "%(value)s is not a case number: CM, two digits of the year, a dash and seven digits (CM16-0230548).",
            params={"value": value},
        )


def validate_icd10(value: str) -> None:
    """A billable or parent ICD-10-CM code from the official list (simple-icd-10-cm)."""
    import simple_icd_10_cm

    if not value:
        return
    if not ICD10_RE.match(value.upper()) or not simple_icd_10_cm.is_valid_item(value.upper()):
        raise ValidationError("%(value)s is not an ICD-10-CM code (e.g. M51.26 or S16.1XXA).", params={"value": value})


class CaseNumberSequence(models.Model):
    """The last case number handed out per two-digit year. Taken under a row lock, so numbers have no gaps or
    duplicates even when two intakes commit at once."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"CM{self.year:02d}: {self.last_value}"


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=[Status.INELIGIBLE, Status.WITHDRAWN, Status.TERMINATED, Status.CLOSED])


class UrServiceMethod(models.TextChoices):
    """How the UR decision was served on the employee; the date of service follows from it when not recorded."""

    MAIL = "mail", "Mail (date of the decision + 5 days)"
    ELECTRONIC = "electronic", "E-mail or fax (date of the decision)"
    PERSONAL = "personal", "Personal delivery (date of the decision)"


# The statement-level triggers of ``Case`` that keep ``CaseStateCount``: one row per state changed by a statement,
# written in the order of the states (two transactions moving cases between the same states lock their rows in the
# same order), nothing written when no state changed (an edit of a case's dates locks no count).
STATE_COUNT_DELTA = """
INSERT INTO cases_casestatecount (status, count)
SELECT status, SUM(delta) FROM ({changes}) AS changes GROUP BY status HAVING SUM(delta) <> 0 ORDER BY status
ON CONFLICT (status) DO UPDATE SET count = cases_casestatecount.count + EXCLUDED.count;
RETURN NULL;
"""


class Case(CaseClock, CaseContacts):
    class Sex(models.TextChoices):
        MALE = "male", "Male"
        FEMALE = "female", "Female"
        OTHER = "other", "Other / not stated"

    RecordsMethod = RecordsMethod

    case_number = models.CharField(max_length=12, unique=True, validators=[validate_case_number])
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.STANDARD)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    claim_number = models.CharField(max_length=40, blank=True, db_index=True)

    date_of_injury = models.DateField(null=True, blank=True)
    ur_determination_date = models.DateField("UR determination date", null=True, blank=True)
    application_received = models.DateField(null=True, blank=True)
    assigned_date = models.DateField(
        "date assigned", null=True, blank=True, help_text="The day the case was assigned to the review organization."
    )
    records_requested = models.DateField(null=True, blank=True)
    records_request_method = models.CharField(
        max_length=16, choices=RecordsMethod.choices, default=RecordsMethod.ELECTRONIC
    )
    records_received = models.DateField(null=True, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    # Derived from priority and the dates (cases.clock), stored so that lists can filter and sort on it.
    due_date = models.DateField(null=True, blank=True, db_index=True, editable=False)
    employee_name = models.CharField(max_length=200, blank=True)
    employee_date_of_birth = models.DateField(null=True, blank=True)
    employee_age = models.PositiveSmallIntegerField(null=True, blank=True)
    employee_sex = models.CharField(max_length=8, choices=Sex.choices, blank=True)

    employer = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "employer"}
    )
    claims_administrator = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "claims_administrator"},
    )
    adjuster_name = models.CharField(max_length=200, blank=True)
    employee_attorney = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "law_firm"},
        verbose_name="employee attorney (law firm)",
    )
    attorney_name = models.CharField(max_length=200, blank=True)
    requesting_provider = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "physician"}
    )
    provider_specialty = models.CharField("requesting provider's specialty", max_length=120, blank=True)

    diagnosis = models.CharField(max_length=300, blank=True)
    icd10_code = models.CharField("ICD-10-CM code", max_length=10, blank=True, validators=[validate_icd10])

    ineligible_reason = models.TextField(blank=True)
    # Eligibility (8 CCR 9792.10.3), checked by cases.eligibility before the case is made eligible.
    application_signed = models.BooleanField("application signed", default=False)
    ur_decision_served_on = models.DateField(
        "UR decision served on",
        null=True,
        blank=True,
        help_text="Empty: taken from the UR determination date and the method of service.",
    )
    ur_decision_service_method = models.CharField(
        "UR decision served by", max_length=16, choices=UrServiceMethod.choices, default=UrServiceMethod.MAIL
    )
    liability_disputed = models.BooleanField(
        "liability disputed", default=False, help_text="The claims administrator disputes liability: IMR is deferred."
    )
    # An administrator's override of an unmet eligibility requirement, with the reason (also on the timeline).
    eligibility_override = models.TextField(blank=True)
    # A case joined into another (9792.10.4(a)): its items are decided in the lead case's determination.
    joined_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="joined_cases"
    )
    # The reviewer the case is currently with (offered or accepted); history is in Assignment.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reviewed_cases"
    )
    # Credentials printed on the letter ({"licensure": [...], "certifications": [...]}): snapshot of the reviewer's
    # profile when the determination is submitted, or the published letter's for a historical case.
    reviewer_credentials = models.JSONField(default=dict, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-case_number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case_number__regex=r"^CM[0-9]{2}-[0-9]{7}$"), name="case_number_format"
            ),
            models.CheckConstraint(condition=models.Q(priority__in=Priority.values), name="case_priority_valid"),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="case_status_valid"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="state_count_insert",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                referencing=pgtrigger.Referencing(new="new_rows"),
                func=STATE_COUNT_DELTA.format(changes="SELECT status, 1 AS delta FROM new_rows"),
            ),
            pgtrigger.Trigger(
                name="state_count_update",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
                func=STATE_COUNT_DELTA.format(
                    changes="SELECT status, -1 AS delta FROM old_rows UNION ALL SELECT status, 1 FROM new_rows"
                ),
            ),
            pgtrigger.Trigger(
                name="state_count_delete",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=pgtrigger.Delete,
                referencing=pgtrigger.Referencing(old="old_rows"),
                func=STATE_COUNT_DELTA.format(changes="SELECT status, -1 AS delta FROM old_rows"),
            ),
            pgtrigger.Trigger(
                name="state_count_truncate",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=pgtrigger.Truncate,
                func="DELETE FROM cases_casestatecount; RETURN NULL;",
            ),
        ]

    def __str__(self) -> str:
        return self.case_number

    def save(self, *args, **kwargs):
        kwargs["update_fields"] = self.update_clock(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.case_number])

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_STATES

    @property
    def is_offered(self) -> bool:
        """Offered to a reviewer who has not answered yet."""
        return self.status == Status.ASSIGNED

    @property
    def employee_display(self) -> str:
        return self.employee_name or "(redacted)"


class CaseStateCount(models.Model):
    """How many cases are in each state, kept by triggers on the case table (PostgreSQL, ``Case.Meta.triggers``):
    the case list's counts per state read these ~15 rows instead of counting 100,000 cases. A bulk load that
    bypasses triggers (``session_replication_role = replica``) calls ``rebuild()`` before it commits."""

    status = models.CharField(max_length=32, primary_key=True, choices=Status.choices)
    count = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["status"]

    def __str__(self) -> str:
        return f"{self.status}: {self.count}"

    @classmethod
    def rebuild(cls) -> None:
        """Count every state again (PostgreSQL), in the caller's transaction."""
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE cases_casestatecount IN EXCLUSIVE MODE")
            cursor.execute("DELETE FROM cases_casestatecount")
            cursor.execute(
                "INSERT INTO cases_casestatecount (status, count) "
                "SELECT status, COUNT(*) FROM cases_case GROUP BY status"
            )


class DisputedItem(models.Model):
    class UrOutcome(models.TextChoices):
        DENIED = "denied", "Denied"
        MODIFIED = "modified", "Modified"
        # Recorded so the eligibility check can refuse it: an approved request is not disputed (9792.10.3).
        APPROVED = "approved", "Approved (not eligible for IMR)"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(
        help_text="As requested; for a modified request, the remaining IMR-eligible portion."
    )
    category = models.CharField(max_length=40, choices=Category.choices, blank=True)
    # For the clock (imr-case/1 items[].kind): empty means the portal decides from the drug list.
    kind = models.CharField(max_length=16, choices=ItemKind.choices, blank=True, default="", db_default="")
    # For an overturned item: the day the claims administrator reported authorizing it (8 CCR 9792.10.7).
    authorized_on = models.DateField("authorization reported on", null=True, blank=True)
    ur_outcome = models.CharField("UR outcome", max_length=16, choices=UrOutcome.choices, default=UrOutcome.DENIED)
    original_request = models.TextField(blank=True)
    authorized = models.TextField("authorized part", blank=True)
    # {"mtus": [{"chapter": ..., "sections": [...]}], "non_mtus": [...]} as in imr-case/1 (guidelines.citations).
    claims_administrator_basis = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["case", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(ur_outcome="modified")
                | (~models.Q(original_request="") & ~models.Q(authorized="")),
                name="modified_item_has_original_and_authorized",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]


def document_upload_to(instance: "CaseDocument", filename: str) -> str:
    return f"cases/{instance.case.case_number}/{instance.sha256[:16]}.pdf"


class CaseDocument(models.Model):
    class Kind(models.TextChoices):
        APPLICATION = "application", "IMR application"
        UR_DECISION = "ur_decision", "UR decision"
        MEDICAL_RECORDS = "medical_records", "Medical records"
        CORRESPONDENCE = "correspondence", "Correspondence"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    document_date = models.DateField(null=True, blank=True)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveIntegerField()
    # The text of each page (index 0 = page 1), extracted on upload, for searching within the records.
    page_texts = models.JSONField(default=list, blank=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # The organization that sent it (the parties' portal, the API, a barcoded cover sheet); empty when staff filed it.
    # An organization's people see only the documents it sent (``parties.visibility``).
    sent_by = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "kind", "document_date", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "sha256"], name="document_unique_per_case")]

    def __str__(self) -> str:
        return self.title or self.original_name


class CaseTransition(models.Model):
    """One move of a case from a state to another: who, when and why. The case's timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=32, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "at", "pk"]
        # The timeline is append-only (a trigger on PostgreSQL): no row is changed or deleted, by the admin included.
        triggers = append_only()

    def __str__(self) -> str:
        return f"{self.case} {self.from_status or '∅'} → {self.to_status}"


class Assignment(models.Model):
    """A case offered to a reviewer, and what became of the offer. Reassignment ends one row and starts another."""

    class State(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn (reassigned)"
        COMPLETED = "completed", "Completed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    state = models.CharField(max_length=16, choices=State.choices, default=State.OFFERED)
    offered_at = models.DateTimeField(default=timezone.now)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    attestation_text = models.TextField(blank=True)
    attested_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    # The assignable state the case was offered from: a decline returns it there (cases.assignment).
    previous_status = models.CharField(max_length=32, choices=Status.choices, blank=True)
    # How the offer was made: the assignment page, the bulk proposal, the admin action or a reassignment.
    via = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["case", "offered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state__in=["offered", "accepted"]),
                name="one_live_assignment_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} → reviewer #{self.reviewer_id} ({self.state})"


class Determination(models.Model):
    """One version of the reviewer's determination of a case. A returned determination is revised into a new
    version; every version is kept."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted to QA"
        RETURNED = "returned", "Returned by QA"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded"

    class Origin(models.TextChoices):
        REVIEWER = "reviewer", "Written by the reviewer"
        REVISION = "revision", "Revised by the reviewer after QA"
        QA_EDIT = "qa_edit", "Wording edited by QA"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="determinations")
    version = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    clinical_case_summary = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Bumped on every save of a draft: a save that carries an older revision is refused (two tabs).
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Who saved the draft last (the other tab's owner in a conflict message).
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The version this one was copied from (a returned version revised, or a submitted one edited by QA).
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.REVIEWER)
    submitted_at = models.DateTimeField(null=True, blank=True)
    qa_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    qa_at = models.DateTimeField(null=True, blank=True)
    qa_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="determination_version_unique"),
            # One version being written or waiting for QA at a time: two tabs cannot start two drafts.
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(state__in=["draft", "submitted"]), name="one_open_determination"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.version} ({self.state})"

    @property
    def is_locked(self) -> bool:
        return self.state != self.State.DRAFT


class ItemDecision(models.Model):
    class Decision(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        OVERTURNED = "overturned", "Overturned"

    determination = models.ForeignKey(Determination, on_delete=models.CASCADE, related_name="decisions")
    item = models.ForeignKey(DisputedItem, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    basis = models.JSONField(default=dict, blank=True)
    basis_none = models.BooleanField("no medical evidence cited", default=False)
    rationale = models.TextField(blank=True)
    qa_comment = models.TextField(blank=True)
    # The library sections cited, as picked ([{"id", "version_id", "chapter", "name", "pages"}]); the basis keeps
    # the printed citation whatever becomes of the library.
    guideline_refs = models.JSONField(default=list, blank=True)
    # The library section versions cited, pinned when the determination is submitted: later edits of a section never
    # change what a submitted or signed determination cited.
    citations = models.ManyToManyField("guidelines.Citation", blank=True, related_name="item_decisions")

    class Meta:
        ordering = ["determination", "item__position", "item_id"]
        constraints = [models.UniqueConstraint(fields=["determination", "item"], name="one_decision_per_item")]

    def __str__(self) -> str:
        return f"{self.item}: {self.decision or 'undecided'}"
