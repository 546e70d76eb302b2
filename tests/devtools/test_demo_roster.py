import pytest

from devtools.demo import core as core_demo
from devtools.demo import reviewers as demo
from reviewers.models import ReviewerProfile, SpecialtyCategoryFit
from reviewers.qualification import qualification_problems, roster_profiles

pytestmark = pytest.mark.django_db


def test_the_demo_roster_has_one_reviewer_per_reason_and_is_idempotent():
    users = core_demo.seed(password="demo-password", log=lambda _: None)
    demo.seed(users=users, log=lambda _: None)
    demo.seed(users=users, log=lambda _: None)

    problems = {p.user.username: qualification_problems(p) for p in roster_profiles(ReviewerProfile.objects.all())}
    assert ReviewerProfile.objects.count() == 10
    assert problems["reviewer1"] == []
    assert problems["reviewer2"] == []
    assert problems["rev-okoro"][0].startswith("No unrestricted licence in force (California G 51820 expired")
    assert problems["rev-liu"][0].startswith("Away until")
    assert problems["rev-reyes"][0].endswith("more than 5 years are required.")
    assert sum(1 for p in problems.values() if not p) == 7
    assert SpecialtyCategoryFit.objects.count() == 88
    assert ReviewerProfile.objects.get(user__username="rev-bennett").affiliations.get().party.name == (
        "Pacific Crest Hospitality"
    )
