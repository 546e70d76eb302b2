"""The parties' side: the organizations outside the review organization (a claims administrator, a law firm, a
provider group, a physician) and their users.

An organization is a ``core.Party`` the portal already keeps; ``Membership`` makes a user one of its people. A party
user holds no staff role: the staff pages' visibility rule (``cases.permissions``) shows them nothing, and the party
pages see cases only through ``parties.visibility``.
"""

from django.conf import settings
from django.db import models

from core.models import Party

# The kinds of party that may have users: those a case names and who take part in the review. Employers are named on
# cases too, but in California an employer has no right to its worker's medical records: it gets no portal.
ORGANIZATION_KINDS = (
    Party.Kind.CLAIMS_ADMINISTRATOR,
    Party.Kind.LAW_FIRM,
    Party.Kind.PROVIDER_GROUP,
    Party.Kind.PHYSICIAN,
)


class Membership(models.Model):
    """A user of an organization. One organization a user: a person working for two has two accounts."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="party_membership")
    organization = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="memberships",
        limit_choices_to={"kind__in": ORGANIZATION_KINDS},
    )
    # A manager invites colleagues and manages the organization's API keys and webhooks.
    is_manager = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.organization})"


class Invitation(models.Model):
    """An e-mailed invitation to become one of an organization's people (``parties.invitations``).

    The link's token is stored as its SHA-256 only; it works once, until ``expires_at``. An administrator invites an
    organization's first user (a manager); a manager invites colleagues."""

    organization = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="invitations",
        limit_choices_to={"kind__in": ORGANIZATION_KINDS},
    )
    email = models.EmailField()
    is_manager = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # The account made with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organization", "-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"


# The injured worker's access (no organization, no account): its own module, loaded with the app's models.
from parties.worker_models import WorkerAccess, WorkerDocument  # noqa: E402, F401
