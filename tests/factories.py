"""factory_boy factories shared by the tests."""

import datetime

import factory
from django.contrib.auth import get_user_model

from cases.models import Case, DisputedItem
from core.models import Party


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
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
    employee_name = factory.Faker("name")
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
