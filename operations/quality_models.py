"""The quality program's rows: the sampling rate the medical director sets, and the blinded second reviews of a sample
of approved determinations (one per sampled case, one row per disputed item)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class QualitySetting(models.Model):
    """The sampling rate; the newest row is in force (earlier rows say who set what when)."""

    rate = models.DecimalField(
        "sampling rate (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="The percentage of approved determinations that go to a second reviewer.",
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-set_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.rate}% from {self.set_at:%Y-%m-%d}"


class SecondReview(models.Model):
    """A sampled case with its second reviewer. Never linked to a letter: a second review changes nothing issued."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="second_review")
    specialty = models.CharField(max_length=120)
    first_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    second_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="second_reviews"
    )
    sampled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sampled_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(first_reviewer=models.F("second_reviewer")), name="second_reviewer_not_first"
            )
        ]

    def __str__(self) -> str:
        return f"second review of case #{self.case_id}"


class SecondReviewItem(models.Model):
    """One disputed item: the first decision (copied when sampled, never shown to the second reviewer) and the
    second."""

    class Decision(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        OVERTURNED = "overturned", "Overturned"

    review = models.ForeignKey(SecondReview, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("cases.DisputedItem", on_delete=models.PROTECT, related_name="+")
    first_decision = models.CharField(max_length=16, choices=Decision.choices)
    second_decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)

    class Meta:
        ordering = ["review", "item__position", "item_id"]
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="one_second_decision_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.first_decision} / {self.second_decision or '-'}"


class QualityFigure(models.Model):
    """The outliers' counts for a quarter (``quarter``: its first day), a specialty (the first certification printed
    on the case's letter) and a reviewer (the determination's author), kept by PostgreSQL triggers
    (``operations/quality_sql.py``): items decided and overturned in approved determinations (by the quarter of the
    approval), determinations submitted to QA and returned (by the quarter of the submission). The page reads one
    quarter's rows instead of counting every determination ever written."""

    quarter = models.DateField()
    specialty = models.CharField(max_length=200, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    decided = models.BigIntegerField(default=0)
    overturned = models.BigIntegerField(default=0)
    submitted = models.BigIntegerField(default=0)
    returned = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quarter", "specialty", "reviewer"], name="quality_figure_key")]

    def __str__(self) -> str:
        return f"{self.quarter:%Y-%m} {self.specialty} #{self.reviewer_id}: {self.overturned}/{self.decided}"
