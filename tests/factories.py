"""factory_boy factories shared by the tests."""

import datetime

import factory
import faker
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cases.models import Case, DisputedItem
from core import roles
from core.models import Party

_faker = faker.Faker()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    # Letters only: an apostrophe (O'Brien) is escaped in HTML and would make text assertions depend on the draw.
    first_name = factory.LazyFunction(lambda: _faker.first_name().replace("'", ""))
    last_name = factory.LazyFunction(lambda: _faker.last_name().replace("'", ""))
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("demo-password")


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    kind = Party.Kind.EMPLOYER
    name = factory.Sequence(lambda n: f"Party {n}")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    case_number = factory.Sequence(lambda n: f"CM26-{n + 1:07d}")
    priority = "standard"
    claim_number = factory.Sequence(lambda n: f"CLM{n:06d}")
    date_of_injury = datetime.date(2026, 1, 5)
    ur_determination_date = datetime.date(2026, 10, 1)
    application_received = datetime.date(2026, 10, 20)
    employee_name = factory.LazyFunction(lambda: _faker.name().replace("'", ""))
    employee_age = 45
    employer = factory.SubFactory(PartyFactory, kind=Party.Kind.EMPLOYER)
    claims_administrator = factory.SubFactory(PartyFactory, kind=Party.Kind.CLAIMS_ADMINISTRATOR)
    diagnosis = "Lumbar disc displacement"
    icd10_code = "M51.26"


class DisputedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisputedItem

    case = factory.SubFactory(CaseFactory)
    description = "Physical therapy 2 times a week for 4 weeks, lumbar spine"
    category = "Therapies"
    claims_administrator_basis = factory.LazyFunction(
        lambda: {
            "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}],
            "non_mtus": [],
        }
    )


# -- guideline library (guidelines app) ------------------------------------------------------------------------------


class GuidelineSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "guidelines.GuidelineSource"
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"test-source-{n}")
    family = "MTUS"
    chapter = factory.Sequence(lambda n: f"Test Complaints {n}")
    year = 2016
    title = ""
    evidence_rank = 1


class GuidelineSectionFactory(factory.django.DjangoModelFactory):
    """A section made through ``guidelines.services.create_section``, so that it has its first version (and, on
    PostgreSQL, its search vector)."""

    class Meta:
        model = "guidelines.GuidelineSection"

    source = factory.SubFactory(GuidelineSourceFactory)
    name = factory.Sequence(lambda n: f"Test section {n}")
    pages = ""
    body_region = ""
    treatment_category = ""
    recommendation = "Recommended as indicated below."
    evidence_level = ""
    times_cited = 0

    @classmethod
    def _create(cls, model_class, *args, source, **kwargs):
        from guidelines.services import create_section

        return create_section(source, **kwargs)


def small_pdf(pages: int = 1, marker: str = "") -> bytes:
    """A valid PDF of ``pages`` blank pages; ``marker`` makes its bytes (and so its hash) unique."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    writer.add_metadata({"/Title": marker or "test"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def case_in_review(reviewer, *, items: int = 2, documents: int = 0, by=None, **case_fields) -> Case:
    """A case with ``items`` disputed items and ``documents`` PDFs, moved through the lifecycle to "in review" with
    ``reviewer`` as its reviewer (received → eligible → records received → assigned → in review)."""
    from cases.services import lifecycle
    from cases.services.documents import add_document

    case = CaseFactory(**case_fields)
    for position in range(items):
        DisputedItemFactory(case=case, position=position, description=f"Physical therapy {position + 2} visits")
    for number in range(documents):
        add_document(
            case,
            data=small_pdf(pages=number % 3 + 1, marker=f"{case.case_number}-{number}"),
            name=f"record-{number + 1}.pdf",
            kind="medical_records",
            title=f"Progress report {number + 1}",
        )
    lifecycle.transition(case, "eligible", by=by)
    lifecycle.transition(case, "records_received", by=by, extra_fields={"records_received": case.application_received})
    case.reviewer = reviewer
    case.save(update_fields=["reviewer"])
    lifecycle.transition(case, "assigned", by=by)
    lifecycle.transition(case, "in_review", by=by)
    return case


# -- the reviewer roster (reviewers app) ------------------------------------------------------------------------


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviewers.Specialty"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Specialty {n}")


class ReviewerProfileFactory(factory.django.DjangoModelFactory):
    """A qualified reviewer on today's date: 15 years in practice, 32 hours a week, a California licence in force,
    board certified in Physical Medicine & Rehabilitation, credentials verified a month ago."""

    class Meta:
        model = "reviewers.ReviewerProfile"
        django_get_or_create = ("user",)
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    practice_started = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=15 * 365))
    weekly_practice_hours = 32
    capacity = 5
    active = True
    credentials_verified_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))

    @factory.post_generation
    def certifications(self, create, extracted, **kwargs):
        if not create:
            return
        names = extracted if extracted is not None else ["Physical Medicine & Rehabilitation"]
        self.certifications.set([SpecialtyFactory(name=name) for name in names])

    @factory.post_generation
    def licence(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        from reviewers.models import Licence

        Licence.objects.get_or_create(
            profile=self,
            state="CA",
            defaults={"number": f"A {self.pk:06d}", "expires_on": datetime.date.today() + datetime.timedelta(days=365)},
        )


def reviewer_profile(user, **fields):
    """A qualified profile for an existing reviewer user (the ``reviewer`` / ``other_reviewer`` fixtures)."""
    return ReviewerProfileFactory(user=user, **fields)


def roster_reviewer(username: str, *, capacity: int = 10, open_cases: int = 0, **fields):
    """A qualified reviewer on the roster (PM&R unless ``certifications`` says otherwise) with ``open_cases`` cases in
    review: the assignment queue's, the assignment page's and the matching tests' reviewer."""
    user = UserFactory(username=username, first_name="Reviewer", last_name=username.title())
    user.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    profile = reviewer_profile(user, capacity=capacity, **fields)
    for _ in range(open_cases):
        CaseFactory(status="in_review", reviewer=user)
    return profile


def received_days_ago(days: int) -> dict:
    """The intake field of a case whose application came ``days`` days ago (the portal's local day)."""
    return {"application_received": timezone.localdate() - datetime.timedelta(days=days)}


def specialty_fit(specialty: str = "Physical Medicine & Rehabilitation", category: str = "Therapies", weight=100):
    from reviewers.models import SpecialtyCategoryFit

    fit, _ = SpecialtyCategoryFit.objects.update_or_create(
        specialty=SpecialtyFactory(name=specialty), category=category, defaults={"weight": weight}
    )
    return fit


def affiliate(profile, party, relationship: str = "Employed there", **fields):
    from reviewers.models import Affiliation

    return Affiliation.objects.create(profile=profile, party=party, relationship=relationship, **fields)


def waiting_case(*, items: int = 1, category: str = "Therapies", by=None, **case_fields) -> Case:
    """A case waiting for a reviewer: eligible, records received (the clock running), with ``items`` items."""
    from cases.services import lifecycle

    case = CaseFactory(**case_fields)
    for position in range(items):
        DisputedItemFactory(case=case, position=position, category=category)
    lifecycle.transition(case, "eligible", by=by)
    lifecycle.transition(case, "records_received", by=by, extra_fields={"records_received": case.application_received})
    return case


def determined_case(*, decisions=("upheld", "overturned"), qa=None, reviewer=None, long_text: int = 1, **case_fields):
    """A case whose determination QA approved (status DETERMINED), one item per decision; for the letters tests.

    ``long_text`` repeats the summary and rationales (3 gives a letter of about three pages).
    """
    from django.utils import timezone

    from cases.models import Determination, ItemDecision

    case = CaseFactory(
        status="determined",
        reviewer=reviewer,
        assigned_date=datetime.date(2026, 10, 21),
        decision_date=datetime.date(2026, 11, 10),
        reviewer_credentials={"licensure": ["California"], "certifications": ["Physical Medicine & Rehabilitation"]},
        **case_fields,
    )
    summary = " ".join(
        [
            "The injured worker is a 45 year old female who sustained an industrial injury on 01/05/2026 while lifting "
            "boxes. Treatment to date has included medication and eight sessions of physical therapy."
        ]
        * (3 * long_text)
    )
    determination = Determination.objects.create(
        case=case,
        version=1,
        state="approved",
        clinical_case_summary=summary,
        author=reviewer,
        qa_by=qa,
        qa_at=timezone.now() if qa else None,
    )
    for position, decision in enumerate(decisions):
        item = DisputedItemFactory(
            case=case, position=position, description=f"Physical therapy 8 sessions, item {position + 1}"
        )
        conclusion = "is not medically necessary" if decision == "upheld" else "is medically necessary"
        rationale = (
            " ".join(["The MTUS recommends 9-10 visits over 8 weeks for myalgia and myositis."] * (4 * long_text))
            + f" Therefore the request for physical therapy {conclusion}."
        )
        ItemDecision.objects.create(
            determination=determination,
            item=item,
            decision=decision,
            basis={
                "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}],
                "non_mtus": [],
            },
            rationale=rationale,
        )
    return case
